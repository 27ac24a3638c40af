"""Turn a RawDocument (from any reader) into a Document with passages and provenance."""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from ingest.cleaning import LineJoiner, remove_running_lines, remove_table_of_contents
from ingest.headings import find_blocks, initiative_id
from ingest.models import PARSER_VERSION, Block, Document, Page, Passage, RawDocument
from ingest.splitter import pack

SECTION_SEPARATOR = " › "
FIND_WINDOW = 20_000  # characters searched for a passage's start on its page
_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})


def slugify(name: str) -> str:
    """A URL-safe id from a file name: "Plan for Østre Toten.pdf" → "plan-for-ostre-toten"."""
    stem = Path(name).stem.translate(_FOLD)
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return slug[:80] or "dokument"


def paragraph_blocks(pages: list[Page]) -> list[Block]:
    """Plain text: every paragraph is its own block (and so its own passage or passages)."""
    return [Block(path=[], parts=[(p.number, ln.text)]) for p in pages for ln in p.lines]


def block_text(block: Block) -> tuple[str, list[tuple[int, int]]]:
    """The block's running text and where each page's part starts in it: a part's first line
    continues the previous page's last one (a paragraph or a word may run over the page)."""
    joiner = LineJoiner()
    starts: list[tuple[int, int]] = []
    for page, part in block.parts:
        if joiner.length:
            head, _, rest = part.partition("\n")
            joiner.add_line(head)
            if rest:
                joiner.append("\n" + rest)
        else:
            joiner.append(part)
        starts.append((joiner.length - len(part), page))
    return joiner.text(), starts


def _page_at(starts: list[tuple[int, int]], offset: int) -> int:
    """The page of the last part that starts at or before ``offset``."""
    i = bisect.bisect_right(starts, offset, key=lambda s: s[0])
    return starts[max(i - 1, 0)][1]


def build_document(
    raw: RawDocument,
    *,
    file_name: str,
    sha256: str,
    media_type: str,
    count_tokens: Callable[[str], int],
    max_tokens: int = 200,
    max_chars: int = 800,
    overlap_sentences: int = 1,
) -> tuple[Document, list[Block]]:
    document_id = slugify(file_name)
    pages = remove_table_of_contents(remove_running_lines(raw.pages))
    if media_type == "text/plain":
        blocks = paragraph_blocks(pages)
    else:
        blocks = find_blocks(pages, raw.title)

    title = (raw.title or "").strip()
    if not title:
        title = next((b.path[0] for b in blocks if b.path), "") or Path(file_name).stem
    labels = {p.number: p.label for p in pages}
    page_texts = {p.number: "\n".join(ln.text for ln in p.lines) for p in pages}

    passages: list[Passage] = []
    found_at: dict[int, int] = {}  # page → where the last passage on it was found
    for block in blocks:
        section = SECTION_SEPARATOR.join(block.path) or title
        initiative = next((i for h in reversed(block.path) if (i := initiative_id(h))), None)
        text, starts = block_text(block)
        for piece in pack(text, count_tokens, max_tokens, max_chars, overlap_sentences):
            page = _page_at(starts, piece.start)
            # Passages follow each other on a page: look for this one from where the last one
            # was found, within a bounded window (a passage joined over a line break is not
            # found verbatim, and must not cost a search of the whole page).
            after = found_at.get(page, 0)
            at = page_texts.get(page, "").find(piece.text[:25], after, after + FIND_WINDOW)
            char_start = found_at[page] = at if at >= 0 else after
            digest = hashlib.sha1(
                f"{sha256}\x00{len(passages)}\x00{piece.text}".encode()
            ).hexdigest()[:16]
            passages.append(
                Passage(
                    passage_id=f"{document_id}-{digest}",
                    document_id=document_id,
                    document_title=title,
                    page=page,
                    section=section,
                    text=piece.text,
                    char_start=char_start,
                    char_end=char_start + len(piece.text),
                    page_label=labels.get(page),
                    initiative=initiative,
                )
            )
    doc = Document(
        document_id=document_id,
        title=title,
        file_name=file_name,
        sha256=sha256,
        media_type=media_type,
        pages=[page_texts.get(p.number, "") for p in pages],
        passages=passages,
        warnings=list(raw.warnings),
        parser_version=PARSER_VERSION,
    )
    return doc, blocks
