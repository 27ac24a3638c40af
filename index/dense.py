"""Dense retrieval: FAISS inner product over L2-normalised vectors (= cosine similarity).

The index type is chosen by size, after FAISS's guidelines for choosing an index
("Guidelines to choose an index" in the FAISS wiki). Up to ``EXACT_MAX`` passages: exact search
(``IndexFlatIP``, no training); retrieval then scores every passage and every sentence, which
costs ~0.7 ms per 1000 passages on one thread, as much as the whole candidate path at ~1.5k
passages and 8x it at 10k (bench/scale.py). Above: an HNSW graph (``HNSW32``, the guideline's
choice when memory allows), built with efConstruction 100 and searched with efSearch 160 (at
least k). For vectors of more than ``PROJECTED`` (128) dimensions the graph is built over their
projection onto the 128 directions that keep most of their inner products (``projection``; 86%
of the second moment for multilingual-e5-small), and the efSearch passages it finds are ranked
by their exact cosines from the passages' own (memory-mapped) vectors: "Proj128,HNSW32". A
third of the bytes per distance: at 1M passages one search of k=100 on one thread took 0.53 ms
with recall@10 0.969 against exact search, where the graph over all 384 dimensions took 0.89 ms
for 0.964, and the build took 1.7 min instead of 4.5. In bench/scale.py's retrieval (the
figures in its docstring) p95 went from 0.90 / 2.32 / 3.13 ms to 0.76 / 1.66 / 2.71 ms at 10k /
100k / 1M passages, with recall@10 0.983 / 0.987 / 0.967 (0.993 / 0.992 / 0.964 before); 64
dimensions needed efSearch 300 for 0.971 at 1M (0.76 ms). The graph over all dimensions, as
versions written before have, still loads and searches.

On the graph over all 384 dimensions, measured on bench/scale.py's corpus at 1M passages
(near-duplicate vectors, the hard case; one search of k=100 on one thread): efConstruction 40
needed efSearch 256 for 0.958 (1.6 ms); with 100, efSearch 128 / 160 / 192 gave 0.944 / 0.957
/ 0.962 (0.8 / 1.1 / 1.3 ms). The inverted file it replaced (``IVF4096,Flat``, 128 lists
probed: 31k vectors) took 4.7 ms at the median question. ``HNSW32,SQ8`` searched 25% faster at
100k but its quantised distances capped recall@10 at 0.98 there.

Also measured and not taken (one search of k=100 on one thread, recall@10 of the candidates
ranked by exact cosines, at 1M passages unless said; the graph over 384 dimensions: 0.89 ms,
0.964):
- ``HNSW32`` over ``SQ8`` / ``SQfp16`` codes: 0.71 / 0.80 ms, 0.957 / 0.964.
- ``IVF4096,PQ96x4fs`` (4-bit fast scan), 64 lists, 200 rescored: 0.33 ms and 0.970, but
  recall@10 stops at 0.82 at 100k and 0.87 at 10k whatever the lists probed: the codes are too
  coarse, and at 1M the corpus's noisy copies cluster around their sources, which flatters any
  inverted file there.
- ``PQ192x4fs``: 0.54 ms and 0.970 with 64 lists at 1M, but 0.938 at 100k (``IVF1024``), which
  needs 128 lists (0.992); 128 lists at 1M take 1.0 ms. No rule by size gives both without
  leaning on that clustering.
- FAISS's own ``PCA128,HNSW32``: its PCA centres the vectors, which for inner products ranks
  by the distance from the mean: recall@10 0.18 at 100k.

Indexes are memory-mapped when loaded (FAISS's ``IO_FLAG_MMAP_IFC`` for flat indexes and for the
vectors of an HNSW graph, ``IO_FLAG_MMAP`` for inverted lists), so the workers of one server
share one copy in the page cache. An HNSW graph's links are read into memory: ~280 MB per worker
at 1M passages (M = 32: 64 links of 4 bytes per passage on the bottom layer), loaded in 0.1 s.
A projected graph's vectors take 512 MB at 1M passages (1.5 GB in all 384 dimensions).
Inverted files (``IVF{nlist},Flat``, versions written before the graph) still load and search.
"""

from __future__ import annotations

import math
from pathlib import Path

import faiss
import numpy as np

EXACT_MAX = 5_000  # passages; above this an HNSW graph (measured in bench/scale.py)
HNSW_M = 32  # neighbours per node (2·M on the bottom layer)
EF_CONSTRUCTION = 100  # candidates kept while the graph is built
EF_SEARCH = 160  # candidates kept while searching (at least k); stored with the index
PROJECTED = 128  # dimensions the graph is built in, when the vectors have more
PROJECTION_SAMPLE = 100_000  # vectors the projection is computed from (at most)
TRAIN_PER_LIST = 39  # k-means training points per inverted list (FAISS's minimum)


def index_type_for(size: int, dim: int) -> str:
    """The index type for ``size`` passages of ``dim`` dimensions: "Flat" (exact), or an HNSW
    graph, built in ``PROJECTED`` dimensions when ``dim`` is larger ("Proj128,HNSW32")."""
    if size <= EXACT_MAX:
        return "Flat"
    graph = f"HNSW{HNSW_M}"
    return f"Proj{PROJECTED},{graph}" if dim > PROJECTED else graph


def projection(vectors: np.ndarray, dim: int) -> np.ndarray:
    """The ``dim`` × d matrix onto the ``dim`` directions that keep most of the vectors' inner
    products: the top eigenvectors of their second-moment matrix (PCA without centring; FAISS's
    PCAMatrix centres, which for inner products ranks by the distance from the mean: recall@10
    0.18 against 0.97 at 100k passages). Computed from at most ``PROJECTION_SAMPLE`` vectors
    (a fixed sample)."""
    if len(vectors) > PROJECTION_SAMPLE:
        rows = np.random.default_rng(0).choice(len(vectors), PROJECTION_SAMPLE, replace=False)
        vectors = vectors[np.sort(rows)]
    sample = np.asarray(vectors, dtype=np.float64)
    _, eigenvectors = np.linalg.eigh(sample.T @ sample)  # ascending eigenvalues
    return np.ascontiguousarray(eigenvectors[:, ::-1][:, :dim].T, dtype=np.float32)


def nlist_for(size: int) -> int:
    """Inverted lists for ``size`` vectors: 4·√N rounded to a power of two, and no more than
    ``size`` allows to train (``TRAIN_PER_LIST`` points each)."""
    wanted = round(math.log2(4 * math.sqrt(size)))
    trainable = int(math.log2(max(1, size // TRAIN_PER_LIST)))
    return 1 << max(0, min(wanted, trainable))


def nprobe_for(nlist: int) -> int:
    """Lists searched per question: 1/32 of them, at least 128 (with 64, recall@10 at 100k
    passages was 0.937 in one run of bench/scale.py)."""
    return min(nlist, max(128, nlist // 32))


class DenseIndex:
    def __init__(self, index: faiss.Index, vectors: np.ndarray | None = None) -> None:
        self._index = index
        # The passages' own vectors: a graph built in fewer dimensions ranks its candidates by
        # their exact cosines (``search``).
        self._vectors = vectors

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str | None = None) -> DenseIndex:
        """The index of ``vectors``: of the type ``index_type_for`` chooses for their number,
        or of ``kind`` ("Flat", "HNSW{M}" or "IVF{nlist},Flat")."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        size, dim = vectors.shape
        kind = kind or index_type_for(size, dim)
        if kind == "Flat":
            index = faiss.IndexFlatIP(dim)
        elif kind.startswith(("HNSW", "Proj")):
            projected, _, graph = kind.rpartition(",")
            reduced = int(projected[4:]) if projected else dim
            index = faiss.IndexHNSWFlat(reduced, int(graph[4:]), faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = EF_CONSTRUCTION
            index.hnsw.efSearch = EF_SEARCH  # stored with the index
            if projected:
                matrix = projection(vectors, reduced) if size else np.eye(reduced, dim)
                transform = faiss.LinearTransform(dim, reduced, False)
                faiss.copy_array_to_vector(matrix.astype(np.float32).ravel(), transform.A)
                faiss.copy_array_to_vector(np.zeros(reduced, np.float32), transform.b)
                transform.is_trained = True
                index = faiss.IndexPreTransform(transform, index)
        else:  # an inverted file: no longer chosen, kept to measure it against the graph
            index = faiss.index_factory(dim, kind, faiss.METRIC_INNER_PRODUCT)
            ivf = faiss.extract_index_ivf(index)
            sample = np.random.default_rng(0).choice(
                size, min(size, TRAIN_PER_LIST * ivf.nlist), replace=False
            )
            index.train(vectors[np.sort(sample)])
            ivf.nprobe = nprobe_for(ivf.nlist)  # stored with the index
        if size:
            index.add(vectors)
        return cls(index, vectors)

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    @property
    def exact(self) -> bool:
        """Does a search compare the question with every passage?"""
        return isinstance(self._index, faiss.IndexFlat)

    @property
    def kind(self) -> str:
        """The index's factory string, as ``index_type_for`` gives it."""
        if self.exact:
            return "Flat"
        if isinstance(self._index, faiss.IndexHNSW):
            return f"HNSW{self._index.hnsw.nb_neighbors(1)}"
        if isinstance(self._index, faiss.IndexPreTransform):
            graph = faiss.downcast_index(self._index.index)
            return f"Proj{graph.d},HNSW{graph.hnsw.nb_neighbors(1)}"
        return f"IVF{faiss.extract_index_ivf(self._index).nlist},Flat"

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, vectors: np.ndarray | None = None) -> DenseIndex:
        """The index saved at ``path``; ``vectors`` (the passages', memory-mapped) rank the
        candidates of a graph built in fewer dimensions."""
        with open(path, "rb") as f:
            tag = f.read(4)
        flat = tag in (b"IxFI", b"IxF2")  # FAISS's tags of a flat index …
        graph = tag in (b"IHNf", b"IxPT")  # … of an HNSW graph over flat vectors (projected)
        flags = faiss.IO_FLAG_MMAP_IFC if flat or graph else faiss.IO_FLAG_MMAP
        index = faiss.read_index(str(path), flags | faiss.IO_FLAG_READ_ONLY)
        if not (flat or graph):  # an inverted file (versions written before HNSW)
            # Memory-mapped lists start 32 prefetch threads per search by default: 20x slower
            # than reading the pages as the search touches them.
            faiss.downcast_InvertedLists(
                faiss.extract_index_ivf(index).invlists
            ).prefetch_nthread = 0
        return cls(index, vectors)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` passages nearest to one query vector: (positions, cosines), best first."""
        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        if not isinstance(self._index, faiss.IndexPreTransform):
            sims, ids = self._index.search(q, k)
            found = ids[0] >= 0  # an inverted file may find fewer than k
            return ids[0][found], sims[0][found]
        # A graph in fewer dimensions: its efSearch candidates, ranked by their exact cosines.
        if self._vectors is None:
            raise ValueError("a projected graph needs the passages' vectors to rank its finds")
        wide = min(self.size, max(k, faiss.downcast_index(self._index.index).hnsw.efSearch))
        _, ids = self._index.search(q, wide)
        ids = np.sort(ids[0][ids[0] >= 0])  # in file order: the vectors are memory-mapped
        sims = np.asarray(self._vectors[ids], dtype=np.float32) @ q[0]
        best = np.lexsort((ids, -sims))[:k]
        return ids[best], sims[best]

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Cosine similarity of one query vector to every passage, in passage order (exact
        indexes only: one matrix-vector product over the index's own, memory-mapped, vectors)."""
        if not self.exact:
            raise ValueError("scores of every passage need an exact index; use search()")
        if self.size == 0:
            return np.zeros(0, dtype=np.float32)
        stored = faiss.rev_swig_ptr(self._index.get_xb(), self.size * self.dimension)
        return stored.reshape(self.size, self.dimension) @ np.asarray(query, dtype=np.float32)
