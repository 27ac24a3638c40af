"""Make small PDFs for tests with reportlab: headings in bold/larger fonts, running headers."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

# Each page: a list of (text, font size, bold) lines drawn top-down.
PageSpec = list[tuple[str, float, bool]]


def make_pdf(
    path: Path,
    pages: list[PageSpec],
    *,
    header: str | None = None,
    page_numbers: bool = False,
    title: str | None = None,
    creator: str | None = None,
) -> Path:
    canvas = Canvas(str(path), pagesize=A4)
    if title:
        canvas.setTitle(title)
    if creator:
        canvas.setCreator(creator)
    width, height = A4
    for number, lines in enumerate(pages, 1):
        if page_numbers:
            canvas.setFont("Helvetica", 8)
            canvas.drawString(width - 80, height - 30, f"{number}/{len(pages)}")
        if header:
            canvas.setFont("Helvetica", 8)
            canvas.drawString(50, height - 30, header)
        y = height - 70
        for text, size, bold in lines:
            canvas.setFont("Helvetica-Bold" if bold else "Helvetica", size)
            canvas.drawString(50, y, text)
            y -= size * 1.5
        canvas.showPage()
    canvas.save()
    return path
