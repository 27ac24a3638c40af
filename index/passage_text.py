"""What is indexed for a passage besides its own words: where it sits in the document.

The heading path gives short passages their topic (an initiative title, a chapter name), for both
the embedding model and BM25. Kept short: passages stay well inside what the model reads.
"""

from __future__ import annotations

from ingest.models import Passage

SECTION_SEPARATOR = " › "


def section_context(section: str, depth: int = 2) -> str:
    parts = [p for p in section.split(SECTION_SEPARATOR) if p]
    return ". ".join(parts[-depth:])


def embedding_text(passage: Passage) -> str:
    context = section_context(passage.section)
    return f"{context}: {passage.text}" if context else passage.text


def lexical_text(passage: Passage) -> str:
    """Heading path (two levels) plus the text; the nearest heading counts twice, since a
    passage is about its heading even when its own sentences don't repeat the words."""
    context = section_context(passage.section, depth=2)
    heading = section_context(passage.section, depth=1)
    return f"{context}. {heading}\n{passage.text}" if context else passage.text


def heading_text(passage: Passage) -> str:
    """The whole heading path and the document title: the heading field of BM25."""
    return f"{passage.document_title}. {section_context(passage.section, depth=99)}"


def sentence_texts(passage: Passage) -> list[str]:
    """What the model reads for each sentence of a passage: its sentences and its lines without
    a full stop (a heading line is a sentence of its own; ``ingest.splitter.split_sentences``
    order), each with the passage's heading context."""
    from ingest.splitter import split_sentences

    context = section_context(passage.section)
    sentences = split_sentences(passage.text) or [passage.text]
    return [f"{context}: {s}" if context else s for s in sentences]


def sentence_runs(text: str) -> list[tuple[str, int]]:
    """The passage's sentences and lines (``split_sentences``, the order of the sentence
    vectors), each with the position of the sentence it is part of when the lines are read as
    running text, as the PDF runs them ("Toleranse for feil" and "Utformingen skal …" are
    parts of one)."""
    from ingest.splitter import split_sentences

    flat = " ".join(text.split())
    starts, cursor = [], 0
    for sentence in split_sentences(text.replace("\n", " ")):
        at = flat.find(sentence, cursor)
        starts.append(cursor if at < 0 else at)
        cursor = starts[-1] + len(sentence)
    out, cursor, run = [], 0, 0
    for piece in split_sentences(text):
        at = flat.find(piece, cursor)
        at = cursor if at < 0 else at
        while run + 1 < len(starts) and starts[run + 1] <= at:
            run += 1
        out.append((piece, run))
        cursor = at + len(piece)
    return out
