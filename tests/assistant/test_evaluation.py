from assistant.evaluation import evaluate
from assistant.models import AskResult, Citation


def _result(texts, found=True):
    cites = [
        Citation(
            n=i,
            passage_id=f"p{i}",
            document_id="d",
            document_title="D",
            page=1,
            section="",
            text=t,
            score=1.0,
            url="/",
            pdf_url="/",
        )
        for i, t in enumerate(texts, 1)
    ]
    return AskResult(question="q", found=found, answer="", citations=cites, index_version="v")


def test_scores_follow_the_eval_readme_definitions():
    questions = [
        {"id": "a", "question": "A", "gold": ["Gull  TEKST"]},
        {"id": "b", "question": "B", "gold": ["finnes ikke"]},
        {"id": "c", "question": "C", "gold": ["sjette"]},
        {"id": "u", "question": "U", "answerable": False},
    ]
    answers = {
        "A": _result(["x", "her er gull tekst"]),
        "B": _result(["x", "y"], found=False),
        "C": _result(["1", "2", "3", "4", "5", "sjette"]),
        "U": _result(["x"], found=False),
    }
    report = evaluate(questions, lambda q: answers[q])
    assert report.hit_at_5 == 1 / 3
    assert abs(report.mrr_at_10 - (1 / 2 + 1 / 6) / 3) < 1e-9
    assert report.refusal_accuracy == 1.0
    assert abs(report.false_refusal_rate - 1 / 3) < 1e-9
    misses = report.misses()
    assert any(m.startswith("b:") for m in misses) and any(m.startswith("c:") for m in misses)
