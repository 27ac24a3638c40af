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


def test_plan_files_in_a_folder_and_what_is_skipped_with_why(tmp_path):
    from ingest.file_checks import find_plan_files

    folder = tmp_path / "planer"
    (folder / "del").mkdir(parents=True)
    for name in (
        "plan.pdf",
        "del/notat.MD",
        "tekst.txt",
        "bilde.png",
        "del/referat.docx",
        ".skjult.md",
    ):
        (folder / name).write_bytes(b"x")
    named = tmp_path / "eget-navn.rtf"  # named on its own: read whatever its type
    named.write_bytes(b"x")
    found = find_plan_files([folder, named, tmp_path / "borte.pdf"])
    assert [p.relative_to(tmp_path).as_posix() for p in found.files] == [
        "planer/del/notat.MD",
        "planer/plan.pdf",
        "planer/tekst.txt",
        "eget-navn.rtf",
    ]
    skipped = {p.name: reason for p, reason in found.skipped}
    assert set(skipped) == {"bilde.png", "referat.docx", ".skjult.md"}
    assert "Filtypen støttes ikke" in skipped["bilde.png"]
    assert "Skjulte filer" in skipped[".skjult.md"]
    assert found.missing == [tmp_path / "borte.pdf"]
