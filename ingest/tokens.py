"""Count tokens the way the embedding model does, without importing the model."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=4)
def model_token_counter(model_dir: str) -> Callable[[str], int]:
    """A counter using the model's own ``tokenizer.json`` (wordpiece for MiniLM).

    Falls back to a conservative estimate (1.6 tokens per word) when the model directory
    has no fast-tokenizer file.
    """
    path = Path(model_dir) / "tokenizer.json"
    if path.is_file():
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(path))
        tokenizer.no_truncation()

        def count(text: str) -> int:
            return len(tokenizer.encode(text, add_special_tokens=True).ids)

        return count
    return estimate_tokens


def estimate_tokens(text: str) -> int:
    return int(len(text.split()) * 1.6) + 2
