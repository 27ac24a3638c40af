"""Benchmark: time of the text analysis and request handling on the worst inputs found so far
(issue 12).

    .venv/bin/python bench/hostile_inputs.py [--timeout 60] [--only NAME]

Each case runs in a forked child with a time limit, so a case that does not finish in time is
reported as "> LIMIT" instead of hanging the run; the time printed is that of the hostile
operation only (imports and set-up excluded). To measure other code, run this file with
``PYTHONPATH`` pointing at that checkout. Prints figures; asserts nothing. Timings on shared
cores are noisy: compare runs on one machine.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import tempfile
import time
from pathlib import Path

WORD = "planleggingsarbeid"
PLANS = Path(__file__).resolve().parents[1] / "data" / "plans"


def _vocabulary():
    """The compound vocabulary of the sample plans (as the index builds it)."""
    from index.norwegian import build_vocabulary
    from ingest.pdf_reader import read_pdf

    return build_vocabulary(
        page.text for p in sorted(PLANS.glob("*.pdf")) for page in read_pdf(p).pages
    )


def _timed(operation) -> float:
    t0 = time.perf_counter()
    operation()
    return time.perf_counter() - t0


def compound_words() -> float:
    """split_compound on made-up compounds of 102 to 250 characters."""
    from index.norwegian import split_compound

    vocabulary, total = _vocabulary(), 0.0
    for length in (102, 150, 200, 250):
        seconds = _timed(lambda n=length: split_compound((WORD * 30)[:n], vocabulary))
        print(f"    {length} characters: {seconds:.3f} s", flush=True)
        total += seconds
    return total


def compound_question_500() -> float:
    """The analysis of a 500-character question that is one compound-looking word."""
    from index.norwegian import analyse

    vocabulary = _vocabulary()
    return _timed(lambda: analyse((WORD * 28)[:500], vocabulary))


def _read_markdown(text: str) -> float:
    from ingest.text_reader import read_markdown

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.md"
        path.write_text(text, "utf-8")
        return _timed(lambda: read_markdown(path))


def heading_1500_spaces() -> float:
    return _read_markdown("# a" + " " * 1500 + "b\n\nTekst.\n")


def passage_from_numbers() -> float:
    from ingest.splitter import pack
    from ingest.tokens import estimate_tokens

    numbers = ",".join(str(i) for i in range(1, 3000))
    passages = []
    seconds = _timed(lambda: passages.extend(pack(numbers, estimate_tokens, 200, 800)))
    print(f"    longest passage: {max(len(p.text) for p in passages)} characters", flush=True)
    return seconds


def count_regex_on_14k_numbers() -> float:
    """The answer-type pattern of "Hvor mange …?" on a 14,000-character list of numbers."""
    from assistant.retrieval import answer_pattern

    pattern = answer_pattern("Hvor mange boliger bygges?")
    text = " ".join(str(i) for i in range(1, 3000))
    return _timed(lambda: pattern.search(text))


def money_regex_on_100k_digits() -> float:
    from assistant.retrieval import answer_pattern

    pattern = answer_pattern("Hvor mye penger brukes?")
    return _timed(lambda: pattern.search("1 " * 50_000))


def analyse_100k_words() -> float:
    from index.norwegian import analyse

    vocabulary = _vocabulary()
    return _timed(lambda: analyse((WORD + " ") * 5_300, vocabulary))


def sentences_100k_abbreviations() -> float:
    from ingest.splitter import split_sentences

    return _timed(lambda: split_sentences("bl.a. A " * 12_500))


def markdown_100k_brackets() -> float:
    return _read_markdown("# " + "[" * 100_000 + "\n\nTekst.\n")


def text_file_4mb() -> float:
    """A 4 MB TXT of distinct paragraphs, parsed and cut into passages in process."""
    from ingest.document_builder import build_document
    from ingest.text_reader import read_text
    from ingest.tokens import estimate_tokens

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stor.txt"
        para = "Kommunen skal bygge flere boliger for unge i alle bygder. " * 4
        path.write_text("".join(f"Avsnitt {i}. {para}\n\n" for i in range(16_000)), "utf-8")

        def read() -> None:
            build_document(
                read_text(path),
                file_name="stor.txt",
                sha256="0" * 64,
                media_type="text/plain",
                count_tokens=estimate_tokens,
            )

        return _timed(read)


def json_body_20mb() -> float:
    """POST /api/ask with a 20 MB body, in process (fake embedder, empty index)."""
    from fastapi.testclient import TestClient

    from assistant.service import Assistant
    from assistant.settings import Settings
    from index.embedder import FakeEmbedder
    from web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index_dir=Path(tmp))
        client = TestClient(create_app(settings, Assistant(settings, embedder=FakeEmbedder())))
        body = b'{"question": "' + b"a" * (20 * 2**20) + b'"}'
        headers = {"content-type": "application/json"}
        status = []
        seconds = _timed(
            lambda: status.append(client.post("/api/ask", content=body, headers=headers))
        )
        print(f"    status {status[0].status_code}", flush=True)
        return seconds


def text_file_30mb_in_child() -> float:
    """A 30 MB TXT read as ingest reads it now (in the limited child process); needs
    ingest.safe_parse, so it fails on code without it."""
    from ingest.reader import ReadJob
    from ingest.safe_parse import read_document_safely

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stor.txt"
        para = "Kommunen skal bygge flere boliger for unge i alle bygder. " * 4
        path.write_text("".join(f"Avsnitt {i}. {para}\n\n" for i in range(120_000)), "utf-8")
        job = ReadJob("text/plain", "stor.txt", "0" * 64)
        docs = []
        seconds = _timed(
            lambda: docs.append(read_document_safely(path, job, timeout_s=600, memory_mb=4096))
        )
        size = path.stat().st_size / 2**20
        print(f"    {size:.0f} MB, {len(docs[0].passages)} passages", flush=True)
        return seconds


CASES = {
    f.__name__: f
    for f in (
        compound_words,
        compound_question_500,
        heading_1500_spaces,
        passage_from_numbers,
        count_regex_on_14k_numbers,
        money_regex_on_100k_digits,
        analyse_100k_words,
        sentences_100k_abbreviations,
        markdown_100k_brackets,
        text_file_4mb,
        json_body_20mb,
        text_file_30mb_in_child,
    )
}


def _run(name: str, out) -> None:
    out.send(CASES[name]())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--only", action="append")
    args = ap.parse_args()
    ctx = mp.get_context("fork")
    for name in args.only or CASES:
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_run, args=(name, child))
        proc.start()
        proc.join(args.timeout)
        if proc.is_alive():
            proc.kill()
            proc.join()
            print(f"{name:30s} > {args.timeout:.0f} s (stopped)", flush=True)
        elif parent.poll():
            print(f"{name:30s} {parent.recv():9.3f} s", flush=True)
        else:
            print(f"{name:30s} failed (exit {proc.exitcode})", flush=True)


if __name__ == "__main__":
    main()
