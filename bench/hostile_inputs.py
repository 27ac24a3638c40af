"""Benchmark: time of the text analysis on the worst inputs found so far (issue 12).

    .venv/bin/python bench/hostile_inputs.py [--timeout 60] [--only NAME]

Each case runs in a forked child with a time limit, so a case that does not finish in time is
reported as "> LIMIT" instead of hanging the run. Run it with ``PYTHONPATH`` pointing at another
checkout to measure that code. Prints figures; asserts nothing. Timings on shared cores are
noisy: compare runs on one machine.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import tempfile
import time
from pathlib import Path

WORD = "planleggingsarbeid"


def _vocabulary():
    from index.norwegian import build_vocabulary
    from ingest.pdf_reader import read_pdf

    plans = Path(__file__).resolve().parents[1] / "data" / "plans"
    texts = [p.read_text("utf-8") for p in sorted(plans.glob("*.md"))]
    texts += [page.text for p in sorted(plans.glob("*.pdf")) for page in read_pdf(p).pages]
    return build_vocabulary(texts)


def _compound(length: int) -> None:
    from index.norwegian import split_compound

    vocabulary = _vocabulary()
    t0 = time.perf_counter()
    split_compound((WORD * 30)[:length], vocabulary)
    print(f"    split_compound on {length} characters: {time.perf_counter() - t0:.3f} s")


def compound_words_102_to_250() -> None:
    for length in (102, 150, 200, 250):
        _compound(length)


def compound_question_500() -> None:
    from index.norwegian import analyse

    analyse((WORD * 28)[:500], _vocabulary())


def heading_1500_spaces() -> None:
    from ingest.text_reader import read_markdown

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "overskrift.md"
        path.write_text("# a" + " " * 1500 + "b\n\nTekst.\n", "utf-8")
        read_markdown(path)


def _numbers() -> str:
    return ",".join(str(i) for i in range(1, 3000))


def passage_from_numbers() -> None:
    from ingest.splitter import pack
    from ingest.tokens import estimate_tokens

    longest = max(len(p.text) for p in pack(_numbers(), estimate_tokens, 200, 800))
    print(f"    longest passage: {longest} characters")


def count_regex_on_14k_numbers() -> None:
    from assistant.retrieval import answer_pattern

    pattern = answer_pattern("Hvor mange boliger bygges?")
    pattern.search(" ".join(str(i) for i in range(1, 3000)))


def money_regex_on_100k_digits() -> None:
    from assistant.retrieval import answer_pattern

    answer_pattern("Hvor mye penger brukes?").search("1 " * 50_000)


def analyse_100k_words() -> None:
    from index.norwegian import analyse

    analyse((WORD + " ") * 5_300, _vocabulary())


def sentences_100k_abbreviations() -> None:
    from ingest.splitter import split_sentences

    split_sentences("bl.a. A " * 12_500)


def markdown_100k_brackets() -> None:
    from ingest.text_reader import read_markdown

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "klammer.md"
        path.write_text("# " + "[" * 100_000 + "\n\nTekst.\n", "utf-8")
        read_markdown(path)


def text_file_4mb() -> None:
    from ingest.document_builder import build_document
    from ingest.text_reader import read_text
    from ingest.tokens import estimate_tokens

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stor.txt"
        para = "Kommunen skal bygge flere boliger for unge i alle bygder. " * 4
        text = "".join(f"Avsnitt {i}. {para}\n\n" for i in range(16_000))  # about 4 MB
        path.write_text(text, "utf-8")
        raw = read_text(path)
        build_document(
            raw,
            file_name="stor.txt",
            sha256="0" * 64,
            media_type="text/plain",
            count_tokens=estimate_tokens,
        )


CASES = {
    f.__name__: f
    for f in (
        compound_words_102_to_250,
        compound_question_500,
        heading_1500_spaces,
        passage_from_numbers,
        count_regex_on_14k_numbers,
        money_regex_on_100k_digits,
        analyse_100k_words,
        sentences_100k_abbreviations,
        markdown_100k_brackets,
        text_file_4mb,
    )
}


def _run(name: str, out) -> None:
    t0 = time.perf_counter()
    CASES[name]()
    out.send(time.perf_counter() - t0)


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
            print(f"{name:32s} > {args.timeout:.0f} s (stopped)", flush=True)
        elif parent.poll():
            print(f"{name:32s} {parent.recv():9.3f} s", flush=True)
        else:
            print(f"{name:32s} failed (exit {proc.exitcode})", flush=True)


if __name__ == "__main__":
    main()
