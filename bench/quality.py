"""Answer quality on every public question set, in one run, next to the baselines.

    .venv/bin/python bench/quality.py [--work-dir DIR] [--write bench/quality.md]

Sets (../shared/eval/README.md): dev and dev2 (plan questions, passage level: hit@5, MRR@10,
refusal accuracy, false refusals) and norquad-dev (NorQuAD questions against an index of their
own 274 articles, document level: doc hit@5, doc MRR@10, false refusals). NorQuAD questions are
also asked against the plan index as off-topic questions: the share refused.

Baselines on the same sets, same run: the tutorial recipe (pypdf text, 1000-character chunks with
200 overlap, all-MiniLM-L6-v2, FAISS) and plain BM25 (bm25s + Snowball Norwegian) over the same
1000-character chunks. Then the ablation: every rule of ``PLAN_RULES_OFF`` switched off in turn,
other dense shares of relative fusion and rank fusion (``PLAN_FUSION=rrf``). Then the refusal
model's cross-validated curve (``bench/calibrate_refusal.py``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from calibrate_refusal import collect, curve  # bench/ is on sys.path as a script
from eval_sets import NORQUAD, PLANS, build_indexes, load, work_dir

RULES = ("sentence", "glossary", "spelling", "nynorsk")
FUSION_SHARES = (0.5, 0.7)  # dense shares measured beside the default (0.6)
# The project on 2026-11-30, before this work (shared/eval/README.md and bench/quality.md).
BEFORE = {
    "dev": (1.000, 0.873, 1.000, 0.037),
    "dev2": (0.741, 0.576, 0.917, 0.66),
    "norquad-dev": (0.909, 0.850, None, 0.097),
}


class CachedEmbedder:
    """The real embedder; a question asked again (ablations) is not encoded again."""

    def __init__(self, embedder) -> None:
        self.inner = embedder
        self.name = embedder.name
        self.dimension = embedder.dimension
        self._cache: dict[str, np.ndarray] = {}

    def encode_passages(self, texts):
        return self.inner.encode_passages(texts)

    def encode_queries(self, texts):
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for text, vector in zip(missing, self.inner.encode_queries(missing), strict=True):
                self._cache[text] = vector
        return np.stack([self._cache[t] for t in texts])


# -- baselines ------------------------------------------------------------------------------
def chunks_of(texts: dict[str, str], size: int = 1000, overlap: int = 200) -> list[tuple[str, str]]:
    out = []
    for doc, text in texts.items():
        step = size - overlap
        out.extend((doc, text[i : i + size]) for i in range(0, max(len(text) - overlap, 1), step))
    return out


def plan_texts() -> dict[str, str]:
    from pypdf import PdfReader

    from ingest.document_builder import slugify

    return {
        slugify(pdf.name): "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
        for pdf in sorted(PLANS.glob("*.pdf"))
    }


def norquad_texts() -> dict[str, str]:
    return {p.stem: p.read_text("utf-8") for p in sorted((NORQUAD / "articles").glob("*.txt"))}


def baseline_rankers(chunks: list[tuple[str, str]], minilm):
    import bm25s
    import faiss
    import Stemmer

    texts = [t for _, t in chunks]
    vectors = minilm.encode_passages(texts)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    stemmer = Stemmer.Stemmer("norwegian")
    bm25 = bm25s.BM25()
    bm25.index(bm25s.tokenize(texts, stemmer=stemmer, show_progress=False), show_progress=False)

    def dense(q: str) -> list[int]:
        return [int(i) for i in index.search(minilm.encode_queries([q]), 10)[1][0]]

    def lexical(q: str) -> list[int]:
        tokens = bm25s.tokenize([q], stemmer=stemmer, show_progress=False, return_ids=False)[0]
        return [int(i) for i in np.argsort(-bm25.get_scores(tokens))[:10]]

    return dense, lexical


def baseline_scores(questions, chunks, rank, document_level: bool) -> tuple[float, float]:
    answerable = [q for q in questions if q.get("answerable", True)]
    hits, rr = 0, 0.0
    for q in answerable:
        order = rank(q["question"])
        found = None
        if document_level:
            docs: list[str] = []
            for i in order:
                if chunks[i][0] not in docs:
                    docs.append(chunks[i][0])
                if chunks[i][0] == q["document"]:
                    found = len(docs)
                    break
        else:
            gold = [" ".join(g.lower().split()) for g in q["gold"]]
            for n, i in enumerate(order, 1):
                if any(g in " ".join(chunks[i][1].lower().split()) for g in gold):
                    found = n
                    break
        if found:
            hits += found <= 5
            rr += 1 / found
    return hits / len(answerable), rr / len(answerable)


# -- the project ------------------------------------------------------------------------------
def evaluate_all(assistants, questions) -> dict[str, dict]:
    from assistant.evaluation import evaluate

    out = {}
    for name in ("dev", "dev2"):
        out[name] = evaluate(questions[name], lambda q: assistants["plans"].ask(q, k=10)).summary()
    out["norquad-dev"] = evaluate(
        questions["norquad-dev"], lambda q: assistants["norquad"].ask(q, k=10)
    ).summary()
    off = evaluate(
        questions["norquad-dev"], lambda q: assistants["plans"].ask(q, k=10), off_topic=True
    ).summary()
    out["off-topic"] = off["refusal_accuracy"]
    return out


def fmt(x) -> str:
    return "–" if x is None else f"{x:.3f}"


def row(label: str, r: dict) -> str:
    cells = []
    for name in ("dev", "dev2", "norquad-dev"):
        s = r[name]
        refusal = fmt(s["refusal_accuracy"]) if name != "norquad-dev" else "–"
        cells.append(
            f"{fmt(s['hit@5'])} / {fmt(s['mrr@10'])} | {refusal} | {fmt(s['false_refusal_rate'])}"
        )
    return f"| {label} | " + " | ".join(cells) + f" | {fmt(r['off-topic'])} |"


HEADER = [
    "| System | dev hit@5 / MRR@10 | dev refusal acc. | dev false ref. "
    "| dev2 hit@5 / MRR@10 | dev2 refusal acc. | dev2 false ref. "
    "| norquad-dev doc hit@5 / MRR@10 | norquad refusal acc. | norquad false ref. "
    "| off-topic refused |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work-dir", type=Path)
    ap.add_argument("--write", type=Path)
    args = ap.parse_args()
    started = time.perf_counter()

    from assistant.service import Assistant
    from assistant.settings import Settings
    from index.embedder import load_embedder

    embedder = CachedEmbedder(load_embedder(Settings()))
    minilm = load_embedder(Settings(embedding_model="all-MiniLM-L6-v2"))
    indexes = build_indexes(embedder, work_dir(args.work_dir))
    questions = {name: load(name) for name in ("dev", "dev2", "norquad-dev")}

    lines = [
        f"Model: {embedder.name}. Sets: "
        + ", ".join(f"{k} ({len(v)} questions)" for k, v in questions.items())
        + ".",
        "",
        *HEADER,
    ]
    b = BEFORE
    lines.append(
        "| The project before (2026-11-30, MiniLM, rules fitted to dev) "
        f"| {b['dev'][0]:.3f} / {b['dev'][1]:.3f} | {b['dev'][2]:.3f} | {b['dev'][3]:.3f} "
        f"| {b['dev2'][0]:.3f} / {b['dev2'][1]:.3f} | {b['dev2'][2]:.3f} | {b['dev2'][3]:.2f} "
        f"| {b['norquad-dev'][0]:.3f} / {b['norquad-dev'][1]:.3f} | – "
        f"| {b['norquad-dev'][3]:.3f} | – |"
    )
    baselines: dict[str, tuple] = {}
    for texts, sets in ((plan_texts(), ("dev", "dev2")), (norquad_texts(), ("norquad-dev",))):
        chunks = chunks_of(texts)
        dense, lexical = baseline_rankers(chunks, minilm)
        for name in sets:
            doc = name == "norquad-dev"
            baselines[name] = (
                baseline_scores(questions[name], chunks, dense, doc),
                baseline_scores(questions[name], chunks, lexical, doc),
            )
    tutorial = "| Tutorial recipe (1000/200 chunks, MiniLM, FAISS) "
    plain = "| Plain BM25, Snowball, same chunks "
    for name in ("dev", "dev2", "norquad-dev"):
        (t_hit, t_mrr), (b_hit, b_mrr) = baselines[name]
        tutorial += f"| {t_hit:.3f} / {t_mrr:.3f} | – | – "
        plain += f"| {b_hit:.3f} / {b_mrr:.3f} | – | – "
    lines += [tutorial + "| – |", plain + "| – |"]

    def assistants(rules_off: str = "", **update) -> dict:
        update["rules_off"] = rules_off
        return {
            key: Assistant(settings.model_copy(update=update), embedder=embedder)
            for key, settings in (("plans", indexes.plans), ("norquad", indexes.norquad))
        }

    ours = evaluate_all(assistants(), questions)
    lines.append(row("**Planassistenten**", ours))
    passages = assistants()["plans"]._state_now().loaded.passages
    lengths = [len(p.text) for p in passages]
    lines += [
        "",
        f"Plan index: {len(passages)} passages, at most {max(lengths)} characters "
        f"(median {int(np.median(lengths))}).",
        "",
        "Ablation: each rule switched off (`PLAN_RULES_OFF`), then other fusion settings; "
        "same run.",
        "",
        *HEADER,
        row("all rules", ours),
    ]
    for rule in RULES:
        lines.append(row(f"without `{rule}`", evaluate_all(assistants(rule), questions)))
        print(lines[-1], flush=True)
    for share in FUSION_SHARES:
        fused = evaluate_all(assistants(dense_share=share), questions)
        lines.append(row(f"relative fusion, dense share {share}", fused))
    rank_fusion = evaluate_all(assistants(fusion="rrf"), questions)
    lines.append(row("rank fusion (`PLAN_FUSION=rrf`, k 10)", rank_fusion))
    print(lines[-1], flush=True)

    from sklearn.linear_model import LogisticRegression  # noqa: F401 - fail early if missing

    plans, norquad = assistants()["plans"], assistants()["norquad"]
    rows = (
        collect(plans, questions["dev"], "dev")
        + collect(plans, questions["dev2"], "dev2")
        + collect(norquad, questions["norquad-dev"], "norquad-dev")
        + collect(plans, questions["norquad-dev"], "norquad-dev off-topic", off_topic=True)
    )
    model = plans.refusal
    from assistant.evidence import Evidence

    scores = np.array([model.score(Evidence(*r[2])) for r in rows])
    lines += [
        "",
        "Refusal: the shipped model's score on every question (`PLAN_MIN_EVIDENCE` is the "
        f"threshold, default {Settings().min_evidence:+.1f}). `bench/calibrate_refusal.py` "
        "prints the cross-validated curve.",
        "",
        *curve(scores, rows),
        "",
        f"Run time: {time.perf_counter() - started:.0f} s.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        args.write.write_text(
            "# Answer quality\n\nEvery public question set in one run, next to the baselines, "
            "with the ablation of each rule and the refusal curve. Reproduce: "
            "`.venv/bin/python bench/quality.py --write bench/quality.md` (figures from one run "
            "on one machine; timings on shared cores are noisy, quality figures are not).\n\n"
            + text
            + "\n",
            "utf-8",
        )


if __name__ == "__main__":
    main()
