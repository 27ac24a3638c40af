"""Fit the refusal model on the public question sets and print its curve.

    .venv/bin/python bench/calibrate_refusal.py [--work-dir DIR] [--write]

Examples: the plan questions of dev and dev2 against the plan index (answerable or not, as the
files say), NorQuAD questions against their own articles (answerable) and against the plan index
(off-topic: to be refused). The features are ``assistant.evidence.Evidence``; the model is a
logistic regression (scikit-learn) in which the 100 plan questions weigh as much in total as the
NorQuAD ones. The curve is cross-validated (5 folds, stratified by set and label): each question
is scored by a model that never saw it. ``--write`` stores the model fitted on everything in
``assistant/data/refusal_model.json``.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import astuple, fields
from pathlib import Path

import numpy as np
from eval_sets import build_indexes, load, work_dir  # bench/ is on sys.path as a script

GROUPS = ("dev", "dev2", "norquad-dev", "norquad-dev off-topic")
THRESHOLDS = (-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0)


def collect(assistant, questions, group: str, off_topic: bool = False):
    rows = []
    for q in questions:
        _result, evidence = assistant.respond(q["question"], k=10)
        if evidence is None:  # answered from the structured initiative data
            continue
        answerable = q.get("answerable", True) and not off_topic
        rows.append((group, answerable, astuple(evidence)))
    return rows


def curve(scores, rows) -> list[str]:
    lines = [
        "| threshold | " + " | ".join(GROUPS) + " |",
        "|---|" + "---|" * len(GROUPS),
    ]
    groups = np.array([r[0] for r in rows])
    labels = np.array([r[1] for r in rows])
    for t in THRESHOLDS:
        cells = []
        for g in GROUPS:
            found = scores >= t
            answerable = (groups == g) & labels
            unanswerable = (groups == g) & ~labels
            parts = []
            if answerable.any():
                parts.append(f"false refusals {1 - found[answerable].mean():.3f}")
            if unanswerable.any():
                parts.append(f"refused {1 - found[unanswerable].mean():.3f}")
            cells.append(", ".join(parts))
        lines.append(f"| {t:+.1f} | " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work-dir", type=Path)
    ap.add_argument("--write", action="store_true", help="store the fitted model")
    args = ap.parse_args()

    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    from assistant.evidence import MODEL_FILE, Evidence, RefusalModel
    from assistant.service import Assistant
    from assistant.settings import Settings
    from index.embedder import load_embedder

    embedder = load_embedder(Settings())
    indexes = build_indexes(embedder, work_dir(args.work_dir))
    plans = Assistant(indexes.plans, embedder=embedder)
    norquad = Assistant(indexes.norquad, embedder=embedder)
    nq = load("norquad-dev")
    rows = (
        collect(plans, load("dev"), "dev")
        + collect(plans, load("dev2"), "dev2")
        + collect(norquad, nq, "norquad-dev")
        + collect(plans, nq, "norquad-dev off-topic", off_topic=True)
    )
    names = tuple(f.name for f in fields(Evidence))
    x = np.array([r[2] for r in rows])
    y = np.array([r[1] for r in rows], dtype=int)
    groups = np.array([r[0] for r in rows])
    is_plan = np.isin(groups, ["dev", "dev2"])
    weights = np.where(is_plan, (~is_plan).sum() / max(is_plan.sum(), 1), 1.0)

    def model():
        return LogisticRegression(C=10.0, max_iter=5000)

    scores = np.zeros(len(y))
    strata = np.array([f"{g}:{label}" for g, label in zip(groups, y, strict=True)])
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    for train, test in folds.split(x, strata):
        fitted = model().fit(x[train], y[train], sample_weight=weights[train])
        scores[test] = fitted.decision_function(x[test])
    full = model().fit(x, y, sample_weight=weights)
    fitted = RefusalModel(
        names,
        tuple(round(float(c), 4) for c in full.coef_[0]),
        round(float(full.intercept_[0]), 4),
        embedder.name,
    )
    aucs = {
        "plan questions": roc_auc_score(y[is_plan], scores[is_plan]),
        "dev2": roc_auc_score(y[groups == "dev2"], scores[groups == "dev2"]),
        "norquad-dev own vs off-topic": roc_auc_score(y[~is_plan], scores[~is_plan]),
    }
    lines = [
        f"Refusal model (logistic regression on {', '.join(names)}), fitted on "
        f"{len(rows)} questions; cross-validated ROC AUC: "
        + ", ".join(f"{k} {v:.3f}" for k, v in aucs.items())
        + ".",
        "",
        "Coefficients: "
        + ", ".join(f"{n} {c:+.2f}" for n, c in zip(names, fitted.coefficients, strict=True))
        + f", intercept {fitted.intercept:+.2f}.",
        "",
        "Cross-validated curve (`PLAN_MIN_EVIDENCE` is the threshold; default "
        f"{Settings().min_evidence:+.1f}):",
        "",
        *curve(scores, rows),
    ]
    print("\n".join(lines))
    if args.write:
        MODEL_FILE.write_text(json.dumps(fitted.to_dict(), indent=2) + "\n", "utf-8")
        print(f"\nwrote {MODEL_FILE}")


if __name__ == "__main__":
    main()
