"""Does the int8 ONNX runtime lose quality? The public question sets, torch against ONNX int8,
in one run, through the command line exactly as a user runs it:

    .venv/bin/python bench/runtime_quality.py [--runtimes torch onnx-int8]

For each runtime (``PLAN_MODEL_RUNTIME``) it ingests ``data/plans`` and the NorQuAD articles into
fresh index directories, then runs ``planassistent eval`` on ``dev-questions.jsonl``,
``dev2-questions.jsonl`` and NorQuAD's ``questions.jsonl``. The last rows serve the index built
with torch through the other runtimes (the manifest names the same model, so it is accepted).
``auto`` (the default) embeds passages with the float32 export and questions with the int8 one.
Prints a Markdown table; asserts nothing.

Measured here (2 busy cores; torch and int8 rows in one run, run twice with the same figures;
auto in another run):

    built / asked        dev hit@5 MRR@10   dev2 hit@5 MRR@10   NorQuAD doc-hit@5 MRR@10
    torch / torch             0.963  0.883        0.931  0.747             0.995  0.965
    auto / auto               0.963  0.868        0.931  0.756             0.993  0.967
    int8 / int8               0.963  0.835        0.931  0.748             0.994  0.966
    torch / int8              0.963  0.868        0.931  0.756                 –      –

Refusal accuracy is the same everywhere; false refusals on dev2 0.069 with int8 questions
against 0.052, on NorQuAD 0.007 (auto) against 0.008. Ingest of data/plans: 72 s (torch), 26 s
(auto, measured alone), 17 s (int8).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
CLI = [sys.executable, "-m", "assistant.cli"]
SETS = {
    "dev": ("plans", EVAL / "dev-questions.jsonl"),
    "dev2": ("plans", EVAL / "dev2-questions.jsonl"),
    "NorQuAD": ("norquad", EVAL / "norquad-dev" / "questions.jsonl"),
}
SOURCES = {"plans": ROOT / "data" / "plans", "norquad": EVAL / "norquad-dev" / "articles"}


def run(args: list[str], runtime: str, index_dir: Path) -> str:
    env = {**os.environ, "PLAN_MODEL_RUNTIME": runtime, "PLAN_INDEX_DIR": str(index_dir)}
    done = subprocess.run(
        CLI + args, env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({runtime}):\n{done.stderr[-2000:]}")
    return done.stdout


def evaluate(runtime: str, indexes: dict[str, Path], name: str) -> dict:
    source, questions = SETS[name]
    out = run(["eval", str(questions), "--json"], runtime, indexes[source])
    return json.loads(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runtimes", nargs="+", default=["torch", "auto", "onnx-int8"])
    args = ap.parse_args()
    rows: list[tuple[str, str, dict]] = []
    ingest_s: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        built: dict[str, dict[str, Path]] = {}
        for runtime in args.runtimes:
            built[runtime] = {}
            for source, path in SOURCES.items():
                index_dir = Path(tmp) / runtime / source
                t = time.perf_counter()
                run(["ingest", str(path)], runtime, index_dir)
                ingest_s[runtime, source] = time.perf_counter() - t
                built[runtime][source] = index_dir
            for name in SETS:
                rows.append(
                    (runtime, runtime, evaluate(runtime, built[runtime], name) | {"set": name})
                )
        for runtime in [r for r in built if r != "torch" and "torch" in built]:
            for name in ("dev", "dev2"):
                result = evaluate(runtime, built["torch"], name)
                rows.append(("torch", runtime, result | {"set": name}))
    print(
        "| Index built with | Questions on | Set | hit@5 | MRR@10 | Refusal acc. | False refusals |"
    )
    print("|---|---|---|---|---|---|---|")
    for built_with, asked_with, r in rows:
        prefix = "doc-" if r.get("kind") == "document" else ""
        print(
            f"| {built_with} | {asked_with} | {r['set']} ({r['questions']}) "
            f"| {prefix}{r['hit@5']:.3f} | {r['mrr@10']:.3f} | {r['refusal_accuracy']:.3f} "
            f"| {r['false_refusal_rate']:.3f} |"
        )
    print()
    for (runtime, source), seconds in ingest_s.items():
        print(
            f"ingest {source} with {runtime}: {seconds:.1f} s (whole command, model load included)"
        )


if __name__ == "__main__":
    main()
