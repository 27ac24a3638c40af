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
    """What the model reads for each sentence of a passage (the sentences in
    ``vector_sentences`` order, each with the passage's heading context)."""
    context = section_context(passage.section)
    sentences = vector_sentences(passage.text) or [passage.text]
    return [f"{context}: {s}" if context else s for s in sentences]


def vector_sentences(text: str) -> list[str]:
    """The sentences that have vectors: the passage's lines read as running text (a heading
    line stays with the sentence after it, as in indexes written before lines were kept)."""
    from ingest.splitter import split_sentences

    return split_sentences(text.replace("\n", " "))


def answer_sentences(text: str) -> list[tuple[str, int]]:
    """The passage's sentences and lines (a heading line apart from the sentence after it),
    each with the position of the vector sentence (``vector_sentences``) it is part of."""
    from ingest.splitter import split_sentences

    flat = " ".join(text.split())
    starts, cursor = [], 0
    for sentence in vector_sentences(text):
        at = flat.find(sentence, cursor)
        starts.append(cursor if at < 0 else at)
        cursor = starts[-1] + len(sentence)
    out, cursor, owner = [], 0, 0
    for piece in split_sentences(text):
        at = flat.find(piece, cursor)
        at = cursor if at < 0 else at
        while owner + 1 < len(starts) and starts[owner + 1] <= at:
            owner += 1
        out.append((piece, owner))
        cursor = at + len(piece)
    return out
