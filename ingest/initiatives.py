"""Initiatives (tiltak/satsinger) of action programmes, from blocks under initiative headings."""

from __future__ import annotations

from ingest.models import Block, Initiative


def extract_initiatives(document_id: str, blocks: list[Block]) -> list[Initiative]:
    return []
