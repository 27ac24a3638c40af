"""The public question sets and the indexes they are asked against, for the bench scripts.

Plan questions (dev, dev2) go to an index of the bundled plans; NorQuAD questions to an index of
their own articles, and, as off-topic questions, to the plan index. ``--work-dir`` keeps the
indexes between runs (they are rebuilt when the code or the files change their content).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
PLANS = ROOT / "data" / "plans"
NORQUAD = EVAL / "norquad-dev"
SETS = {
    "dev": EVAL / "dev-questions.jsonl",
    "dev2": EVAL / "dev2-questions.jsonl",
    "norquad-dev": NORQUAD / "questions.jsonl",
}


@dataclass
class Indexes:
    plans: object  # Settings for the plan index
    norquad: object  # Settings for the NorQuAD index


def work_dir(path: Path | None) -> Path:
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        return path
    return Path(tempfile.mkdtemp(prefix="planassistent-bench-"))


def build_indexes(embedder, base: Path, **overrides) -> Indexes:
    """Index the plans and the NorQuAD articles under ``base`` (unchanged files are reused)."""
    from assistant.pipeline import build_index
    from assistant.settings import Settings

    plans = Settings(index_dir=base / "plans", docs_dir=PLANS, **overrides)
    norquad = Settings(index_dir=base / "norquad", docs_dir=NORQUAD / "articles", **overrides)
    for settings in (plans, norquad):
        report = build_index(settings, embedder=embedder, replace=True)
        if not report.version:
            raise SystemExit(f"could not index {settings.docs_dir}: {report.skipped}")
    return Indexes(plans, norquad)


def load(name: str) -> list[dict]:
    from assistant.evaluation import load_questions

    return load_questions(SETS[name])
