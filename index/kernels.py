"""Compiled loops (numba) for retrieval over a large index, where a question scores candidates
instead of every passage (``index.dense``: an HNSW graph above ``EXACT_MAX`` passages).

Each is a loop that numpy can only write as several passes with temporary arrays: summing BM25
postings into a per-passage score and keeping the best ``n`` (``top_postings``), BM25 scores of
chosen passages by binary search in each column (``scores_among``), and the best sentence of
chosen passages from float16 vectors (``best_sentences``). Measured on bench/scale.py's 1M
passages, one thread, each alone at the median question against the numpy code it replaces:
1.0 → 0.5 ms (100k postings), 0.23 → 0.04 ms and 0.21 → 0.06 ms (100 passages); retrieval as a
whole (``Retriever.rank``) 3.9 → 2.4 ms. The results are the same: the same sums in the same
order for BM25, and float32 dot products of the same values for the sentences.

``top_postings`` first summed straight into one score per passage (4 MB at 1M passages): fast
while those scores stay in the caches (0.4 ms for 100k postings), 1.0 ms at the median question
and 1.5 ms at p95 when the graph search has evicted them, as it does in retrieval. Above
``DIRECT_MAX`` passages it now sorts the postings into blocks of 64k passages and sums each block
in a score array that fits a core's L2 cache: 0.55 ms warm, 0.63 / 0.77 ms (median / p95) after
the eviction (blocks of 16k, 32k and 128k: no better). The same sums in the same order, so the
same passages. Up to ``DIRECT_MAX`` every passage's score fits that cache, and sorting into
blocks only costs.

The functions are compiled on first use in each process, for the array types they are given
(about a second in all; an index loaded for search compiles them with its own arrays at load:
``LexicalIndex.warm``, ``LoadedIndex.warm``), not cached on disk: the code's folder may be
read-only (a container image).
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Passages whose scores ``top_postings`` sums at once: up to DIRECT_MAX every passage's (512 KB,
# within a core's L2 cache), above that blocks of BLOCK (256 KB). Measured in bench/scale.py,
# p95 of retrieval in one thread: 100k passages 1.64-1.72 ms straight, 1.93 ms in blocks; 1M
# passages 2.71 ms straight (the previous stop), 1.95-2.07 ms in blocks.
DIRECT_MAX = 1 << 17
BLOCK = 1 << 16

# float16 bit pattern → float32 value: numba has no float16 arithmetic on the CPU.
HALF_TO_FLOAT = np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float32)


class TopScratch:
    """One thread's working arrays for ``top_postings`` over an index of ``size`` passages: a
    block's scores (zero between calls), the blocks' offsets, and room for the postings read,
    grown when a question reads more than any before it."""

    def __init__(
        self,
        size: int,
        index_dtype: np.dtype,
        block: int | None = None,
        direct_max: int | None = None,
    ) -> None:
        block = BLOCK if block is None else block
        direct_max = DIRECT_MAX if direct_max is None else direct_max
        if block & (block - 1):
            raise ValueError("the block must be a power of two")
        # One block of every passage (no larger than the index), or blocks of ``block``.
        length = max(1, size) if size <= direct_max else block
        self.block = np.zeros(length, dtype=np.float32)
        self.offsets = np.zeros(-(-max(size, 1) // length) + 2, dtype=np.int64)
        self.ids = np.empty(0, dtype=index_dtype)
        self.terms = np.empty(0, dtype=np.float32)

    def arrays(self, postings: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The arrays ``top_postings`` takes, with room for ``postings`` postings (in blocks;
        one block needs none)."""
        if len(self.offsets) > 3 and postings > len(self.ids):
            room = max(postings, 2 * len(self.ids))
            self.ids = np.empty(room, dtype=self.ids.dtype)
            self.terms = np.empty(room, dtype=np.float32)
        return self.block, self.offsets, self.ids, self.terms


@njit(nogil=True, cache=False)
def _worse(score_a, id_a, score_b, id_b):
    """Does (score_a, id_a) rank below (score_b, id_b): a lower score, or the same and later?"""
    return score_a < score_b or (score_a == score_b and id_a > id_b)


@njit(nogil=True, cache=False)
def _push(scores, ids, size, score, i):
    """Add (score, i) to the min-heap of ``size`` entries: at the end, moved up past the
    parents it ranks below."""
    j = size
    while j > 0:
        parent = (j - 1) // 2
        if _worse(scores[parent], ids[parent], score, i):
            break
        scores[j], ids[j] = scores[parent], ids[parent]
        j = parent
    scores[j], ids[j] = score, i


@njit(nogil=True, cache=False)
def _replace_worst(scores, ids, n, score, i):
    """Put (score, i) in place of the root (the worst) of the full min-heap of ``n`` entries,
    moved down past the children it ranks above."""
    j = 0
    while True:
        child = 2 * j + 1
        if child >= n:
            break
        if child + 1 < n and _worse(scores[child + 1], ids[child + 1], scores[child], ids[child]):
            child += 1
        if _worse(score, i, scores[child], ids[child]):
            break
        scores[j], ids[j] = scores[child], ids[child]
        j = child
    scores[j], ids[j] = score, i


@njit(nogil=True, cache=False)
def _keep_best(scores, ids, lo, hi, mask, n, out_ids, out_scores, size):
    """Each passage ``i`` of ``ids[lo:hi]`` with its sum ``scores[i & mask]`` (zeroed as it is
    taken) into the heap of ``size`` of the ``n`` best positive sums; a passage taken already
    (zero) or not positive is skipped. Returns the heap's size. One call per column or block:
    a call per posting made ``top_postings`` four times slower at 1M passages."""
    for at in range(lo, hi):
        i = ids[at]
        score = scores[i & mask]
        if score == 0:  # not positive, or already taken
            continue
        scores[i & mask] = 0
        if score < 0:
            continue
        if size < n:
            _push(out_scores, out_ids, size, score, i)
            size += 1
        elif _worse(out_scores[0], out_ids[0], score, i):  # better than the worst kept
            _replace_worst(out_scores, out_ids, n, score, i)
    return size


@njit(nogil=True, cache=False)
def top_postings(data, indices, starts, stops, weights, n, out_ids, out_scores, scratch):
    """Sum ``weights[c] · data[p]`` per passage ``indices[p]`` over each column's postings
    ``starts[c]:stops[c]`` (a column names a passage once), and keep the ``n`` best positive sums
    in ``out_ids``/``out_scores`` (a heap, unordered; ties by position). Returns how many were
    kept. ``scratch`` (``TopScratch.arrays``): a block's scores (zero on entry and on return),
    two offsets more than there are blocks, and room for the postings' passages and terms.

    With one block (an index of up to ``DIRECT_MAX`` passages) the postings are summed straight
    into the block's scores. With more, they are first sorted into blocks of ``len(block)``
    passages (the order within a block kept, so each passage's sum adds the same terms in the
    same order), and each block is then summed in a score array that stays in the core's own
    cache: summing straight into one score per passage (4 MB at 1M passages) waits on memory for
    most postings."""
    block, offsets, buf_ids, buf_terms = scratch
    size = 0
    if len(offsets) == 3:  # one block: every passage's score
        for c in range(len(starts)):
            weight = weights[c]
            for p in range(starts[c], stops[c]):
                block[indices[p]] += weight * data[p]
        for c in range(len(starts)):
            size = _keep_best(block, indices, starts[c], stops[c], -1, n, out_ids, out_scores, size)
        return size
    shift = np.int64(0)
    while (np.int64(1) << shift) < len(block):
        shift += 1
    mask = len(block) - 1
    offsets[:] = 0
    for c in range(len(starts)):
        for p in range(starts[c], stops[c]):
            offsets[(indices[p] >> shift) + 2] += 1
    for b in range(len(offsets) - 2):  # offsets[b + 1]: where block b starts …
        offsets[b + 2] += offsets[b + 1]
    for c in range(len(starts)):  # … and then where its next posting goes, and so its end
        weight = weights[c]
        for p in range(starts[c], stops[c]):
            i = indices[p]
            at = offsets[(i >> shift) + 1]
            buf_ids[at] = i
            buf_terms[at] = weight * data[p]
            offsets[(i >> shift) + 1] = at + 1
    begin = 0
    for b in range(len(offsets) - 2):
        end = offsets[b + 1]
        for at in range(begin, end):
            block[buf_ids[at] & mask] += buf_terms[at]
        size = _keep_best(block, buf_ids, begin, end, mask, n, out_ids, out_scores, size)
        begin = end
    return size


@njit(nogil=True, cache=False)
def scores_among(data, indices, starts, stops, weights, among, out):
    """``out[j]``: the sum of ``weights[c] · data[p]`` over the columns whose postings (sorted by
    passage) name passage ``among[j]``, found by binary search."""
    for j in range(len(among)):
        passage = among[j]
        score = np.float32(0)
        for c in range(len(starts)):
            lo, hi = starts[c], stops[c]
            while lo < hi:
                mid = (lo + hi) // 2
                if indices[mid] < passage:
                    lo = mid + 1
                else:
                    hi = mid
            if lo < stops[c] and indices[lo] == passage:
                score += weights[c] * data[lo]
        out[j] = score


@njit(nogil=True, cache=False)
def best_sentences(halves, starts, among, query, table, out):
    """``out[j]``: the best inner product of ``query`` with a sentence of passage ``among[j]``;
    passage p's sentences are rows ``starts[p]`` up to ``starts[p + 1]`` (the last: to the end)
    of ``halves``, float16 vectors read as their bit patterns (``table`` gives their values)."""
    for j in range(len(among)):
        p = among[j]
        end = starts[p + 1] if p + 1 < len(starts) else halves.shape[0]
        best = -np.inf
        for row in range(starts[p], end):
            dot = np.float32(0)
            for k in range(halves.shape[1]):
                dot += table[halves[row, k]] * query[k]
            if dot > best:
                best = dot
        out[j] = best
