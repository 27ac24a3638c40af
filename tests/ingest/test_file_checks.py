import pytest

from ingest.errors import IngestError, Reason
from ingest.file_checks import sniff


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("tom.pdf", b"", Reason.EMPTY),
        ("side.pdf", b"<!doctype html><html><body>hei</body></html>", Reason.NOT_PDF),
        ("bilde.pdf", b"\xff\xd8\xff\xe0\x00\x10JFIF", Reason.NOT_PDF),
        ("notat.docx", b"PK\x03\x04", Reason.UNSUPPORTED),
        ("binar.txt", b"abc\x00def", Reason.UNSUPPORTED),
        ("blank.md", b"   \n\n ", Reason.EMPTY),
    ],
)
def test_refused_files_get_their_reason(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestError) as err:
        sniff(path, 1 << 20)
    assert err.value.reason == reason
    assert err.value.message  # a Norwegian sentence that says what to do


def test_accepted_types_and_size_limit(tmp_path):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + b"0" * 100)
    assert sniff(pdf, 1 << 20) == "application/pdf"
    md = tmp_path / "a.md"
    md.write_text("# Plan\n", encoding="utf-8")
    assert sniff(md, 1 << 20) == "text/markdown"
    with pytest.raises(IngestError) as err:
        sniff(pdf, 10)
    assert err.value.reason == Reason.TOO_LARGE
