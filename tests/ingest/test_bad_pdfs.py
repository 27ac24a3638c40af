"""Hostile and broken PDFs: every one gives a document or a Norwegian reason, never a crash.

Third-party files are used in place from ../shared/bad-pdfs (never copied into the repo); the
crafted ones are generated here.
"""

from __future__ import annotations

import zlib

import pytest

from ingest.errors import IngestError, Reason
from ingest.file_checks import sniff
from ingest.reader import ReadJob
from ingest.safe_parse import read_document_safely
from tests.conftest import PLANS, SHARED
from tests.ingest.pdf_factory import make_pdf

BAD = SHARED / "bad-pdfs"
EXPECTED = {
    "qpdf_bad1.pdf": Reason.NOT_PDF,
    "sf_image_jpg_renamed.pdf": Reason.NOT_PDF,
    "sf_source_odt_renamed.pdf": Reason.NOT_PDF,
    "pypdf_r3-user-password.pdf": Reason.ENCRYPTED,
    "pypdf_r4-aes-user-password.pdf": Reason.ENCRYPTED,
    "sf_libreoffice-writer-password.pdf": Reason.ENCRYPTED,
    "qpdf_pages-loop.pdf": Reason.BAD_PAGE_TREE,
    "pdfjs_Pages-tree-refs.pdf": Reason.BAD_PAGE_TREE,
    "sf_imagemagick-CCITT.pdf": Reason.NO_TEXT,
    "pdfjs_scan-bad.pdf": Reason.NO_TEXT,  # its only text is "pdf.js"
    "pypdf_r6-empty-password.pdf": None,  # AES with an empty password opens
    "pypdf_multilang.pdf": None,
}


def read_pdf_safely(path, *, max_pages: int, timeout_s: float, memory_mb: int):
    """The document read from ``path`` in the limited child process (no model: token counts
    are estimated)."""
    job = ReadJob("application/pdf", path.name, "0" * 64, max_pages=max_pages)
    return read_document_safely(path, job, timeout_s=timeout_s, memory_mb=memory_mb)


def _read(path):
    sniff(path, 50 << 20)
    return read_pdf_safely(path, max_pages=2000, timeout_s=30, memory_mb=1024)


@pytest.mark.skipif(not BAD.exists(), reason="../shared/bad-pdfs is not available")
@pytest.mark.parametrize("name", sorted(p.name for p in BAD.glob("*.pdf")) if BAD.exists() else [])
def test_every_shared_bad_pdf_is_handled(name):
    try:
        doc = _read(BAD / name)
        outcome = None
        assert doc.pages and doc.passages
    except IngestError as exc:
        outcome = exc.reason
        assert exc.message and "Traceback" not in exc.message
    if name in EXPECTED:
        assert outcome == EXPECTED[name]


def test_truncated_copy_of_a_plan_is_damaged_or_partial(tmp_path):
    data = (PLANS / "regional-plan-inkluderende-innlandet.pdf").read_bytes()
    path = tmp_path / "avkuttet.pdf"
    path.write_bytes(data[: len(data) // 3])
    try:
        doc = _read(path)
        assert len(doc.pages) <= 37
    except IngestError as exc:
        assert exc.reason in (Reason.DAMAGED, Reason.NO_TEXT, Reason.BAD_PAGE_TREE)


def _flate_bomb(path, inflated: int) -> None:
    stream = zlib.compress(b"0" * inflated, 9)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))


def test_flate_bomb_is_stopped(tmp_path):
    path = tmp_path / "bombe.pdf"
    _flate_bomb(path, 300 * 1024 * 1024)  # 300 MB of zeros in ~300 kB
    assert path.stat().st_size < 1_000_000
    with pytest.raises(IngestError) as err:
        read_pdf_safely(path, max_pages=10, timeout_s=60, memory_mb=256)
    assert err.value.reason in (Reason.BOMB, Reason.NO_TEXT, Reason.DAMAGED, Reason.TIMEOUT)


def test_too_many_pages(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(2500):
        writer.add_blank_page(width=200, height=200)
    path = tmp_path / "mange.pdf"
    with path.open("wb") as f:
        writer.write(f)
    with pytest.raises(IngestError) as err:
        read_pdf_safely(path, max_pages=2000, timeout_s=60, memory_mb=1024)
    assert err.value.reason == Reason.TOO_MANY_PAGES


def test_markup_in_document_text_is_read_verbatim(tmp_path):
    path = make_pdf(
        tmp_path / "skript.pdf",
        [[("<script>alert(1)</script> og {{7*7}} i planteksten.", 10, False)]],
    )
    doc = _read(path)
    assert "<script>alert(1)</script> og {{7*7}}" in doc.pages[0]
