"""The command line refuses bad input at once (before the model is loaded), in Norwegian, with a
non-zero exit status: the real `planassistent` command in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

REFUSED_WITHIN_S = 2.0
COMMAND = shutil.which("planassistent", path=str(Path(sys.executable).parent))
CLI = [COMMAND] if COMMAND else [sys.executable, "-m", "assistant.cli"]


@pytest.fixture()
def folders(tmp_path) -> dict[str, Path]:
    empty = tmp_path / "tom"
    empty.mkdir()
    other = tmp_path / "andre-filer"
    other.mkdir()
    for name in ("referat.docx", "kart.png", ".skjult.md"):
        (other / name).write_bytes(b"x")
    questions = tmp_path / "spm.jsonl"
    questions.write_text('{"question": "Hva er målet?", "gold": []}\n', "utf-8")
    return {"empty": empty, "other": other, "questions": questions, "tmp": tmp_path}


CASES = {
    "empty question": (["ask", ""], ["Skriv et spørsmål"]),
    "blank question": (["ask", "   \t "], ["Skriv et spørsmål"]),
    "too long": (["ask", "Hva " * 200], ["for langt", "500 tegn"]),
    "k out of range": (["ask", "-k", "0", "Hva er målet?"], ["-k må være et heltall fra 1 til 20"]),
    "no index": (["ask", "Hva er målet?"], ["Fant ingen indeks", "planassistent ingest"]),
    "missing path": (["ingest", "{tmp}/finnes-ikke.pdf"], ["finnes-ikke.pdf finnes ikke"]),
    "empty folder": (["ingest", "{empty}"], ["Fant ingen filer å lese inn"]),
    "no supported files": (
        ["ingest", "{other}"],
        [
            "referat.docx: Filtypen støttes ikke",
            "kart.png: Filtypen støttes ikke",
            ".skjult.md: Skjulte filer",
            "Fant ingen filer å lese inn",
        ],
    ),
    "missing question file": (["eval", "{tmp}/borte.jsonl"], ["Fant ikke spørsmålsfilen"]),
    "missing index for eval": (
        ["eval", "{questions}", "--index-dir", "{tmp}/ingen-indeks"],
        ["Fant ingen indeks"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_refused_at_once(case, folders):
    args, messages = CASES[case]
    args = [a.format(**folders) for a in args]
    index = str(folders["tmp"] / "index")
    env = {**os.environ, "PLAN_INDEX_DIR": index, "COLUMNS": "300"}  # rich wraps at 80
    started = time.monotonic()
    done = subprocess.run(CLI + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - started
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert elapsed < REFUSED_WITHIN_S, f"{case}: {elapsed:.2f} s"
    for message in messages:
        assert message in output, output
    assert "Traceback" not in output
    assert not (folders["tmp"] / "index").exists()  # nothing was started
