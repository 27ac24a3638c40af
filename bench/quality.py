"""Quality report: Planassistenten against the tutorial RAG recipe, in the same run.

    .venv/bin/python bench/quality.py [QUESTIONS.jsonl] [--write bench/quality.md]

Tutorial recipe (the eval README's reference): pypdf text, 1000-character chunks with 200
overlap, all-MiniLM-L6-v2, FAISS inner product. Also BM25 alone (bm25s + Snowball Norwegian) on
the same chunks. Planassistenten: the real pipeline and `Assistant.ask`.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev-questions.jsonl"


def tutorial_chunks(pdfs: list[Path], size: int = 1000, overlap: int = 200) -> list[str]:
    from pypdf import PdfReader

    chunks = []
    for pdf in pdfs:
        text = "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
        step = size - overlap
        chunks.extend(text[i : i + size] for i in range(0, max(len(text) - overlap, 1), step))
    return chunks


def score(questions, ranked_texts) -> dict[str, float]:
    answerable = [q for q in questions if q.get("answerable", True)]
    hits, rr = 0, 0.0
    for q in answerable:
        gold = [" ".join(g.lower().split()) for g in q["gold"]]
        texts = ranked_texts(q["question"])[:10]
        for rank, t in enumerate(texts, 1):
            if any(g in " ".join(t.lower().split()) for g in gold):
                hits += rank <= 5
                rr += 1 / rank
                break
    return {"hit@5": hits / len(answerable), "mrr@10": rr / len(answerable)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("questions", nargs="?", type=Path, default=DEFAULT_QUESTIONS)
    ap.add_argument("--write", type=Path)
    args = ap.parse_args()

    import bm25s
    import faiss
    import Stemmer

    from assistant.evaluation import evaluate, load_questions
    from assistant.pipeline import build_index
    from assistant.service import Assistant
    from assistant.settings import Settings
    from index.embedder import load_embedder

    questions = load_questions(args.questions)
    settings = Settings(docs_dir=ROOT / "data" / "plans")
    embedder = load_embedder(settings)
    pdfs = sorted((ROOT / "data" / "plans").glob("*.pdf"))

    chunks = tutorial_chunks(pdfs)
    vecs = embedder.encode_passages(chunks)
    index = faiss.IndexFlatIP(vecs.shape[1])
    index.add(vecs)

    def dense(q: str) -> list[str]:
        _, ids = index.search(embedder.encode_queries([q]), 10)
        return [chunks[i] for i in ids[0]]

    stemmer = Stemmer.Stemmer("norwegian")
    bm25 = bm25s.BM25()
    bm25.index(bm25s.tokenize(chunks, stemmer=stemmer, show_progress=False), show_progress=False)

    def lexical(q: str) -> list[str]:
        scores = bm25.get_scores(
            bm25s.tokenize([q], stemmer=stemmer, show_progress=False, return_ids=False)[0]
        )
        return [chunks[i] for i in np.argsort(-scores)[:10]]

    tutorial = score(questions, dense)
    bm25_only = score(questions, lexical)

    with tempfile.TemporaryDirectory() as tmp:
        ours_settings = settings.model_copy(update={"index_dir": Path(tmp)})
        report = build_index(ours_settings, embedder=embedder)
        assistant = Assistant(ours_settings, embedder=embedder)
        ours = evaluate(questions, lambda q: assistant.ask(q, k=10))
        lengths = [len(p.text) for p in assistant._state_now().loaded.passages]

    s = ours.summary()
    lines = [
        f"Questions: `{args.questions.name}` ({s['questions']}, {s['answerable']} answerable)",
        "",
        "| System | Chunk size | hit@5 | MRR@10 | Refusal accuracy | False refusals |",
        "|---|---|---|---|---|---|",
        f"| Tutorial recipe (pypdf, 1000/200 chunks, MiniLM, FAISS) | 1000 chars "
        f"| {tutorial['hit@5']:.3f} | {tutorial['mrr@10']:.3f} | – | – |",
        f"| BM25 + Snowball on the same chunks | 1000 chars "
        f"| {bm25_only['hit@5']:.3f} | {bm25_only['mrr@10']:.3f} | – | – |",
        f"| **Planassistenten** | ≤ {max(lengths)} chars (median {int(np.median(lengths))}), "
        f"{report.passages} passages | **{s['hit@5']:.3f}** | **{s['mrr@10']:.3f}** "
        f"| {s['refusal_accuracy']:.3f} | {s['false_refusal_rate']:.3f} |",
    ]
    misses = ours.misses()
    text = (
        "\n".join(lines)
        + "\n\nMisses:\n"
        + ("\n".join(f"- {m}" for m in misses) if misses else "- none")
    )
    print(text)
    if args.write:
        args.write.write_text(
            "# Answer quality\n\nReproduce: `.venv/bin/python bench/quality.py "
            f"--write bench/quality.md` (figures from one run on one machine).\n\n{text}\n",
            "utf-8",
        )


if __name__ == "__main__":
    main()
