"""`planassistent chat` driven through stdin, as a separate process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def chat(stdin: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", "chat", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
        timeout=600,
    )


@pytest.mark.integration
def test_chat_answers_a_follow_up_from_stdin(real_settings):
    index = {"PLAN_INDEX_DIR": str(real_settings.index_dir)}
    run = chat("Hva er K4?\nHvem har ansvaret for det?\n\nKven er med?\n", "--json", **index)
    assert run.returncode == 0, run.stderr
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    first, follow_up, empty, nynorsk = lines
    assert first["found"] and first["interpreted_as"] is None
    assert follow_up["interpreted_as"] == "Hvem har ansvaret for K4 Sikre digital kompetanse?"
    assert follow_up["citations"][0]["initiative"] == "K4"
    assert "Innlandet fylkeskommune" in follow_up["answer"]
    assert empty == {"question": "", "error": "Skriv et spørsmål (linjen er tom)."}
    # The conversation goes on past a bad line; a nynorsk question is answered in nynorsk.
    assert nynorsk["answer"].startswith("Samarbeidspartnarar i K4 Sikre digital kompetanse:")
    # As text: the rewritten question is shown in the reader's language.
    text = chat("Kva er K4?\nKven har ansvaret for det?\n", **index)
    assert "Tolka som: Kven har ansvaret for K4 Sikre digital kompetanse?" in text.stdout


def test_bad_lines_get_norwegian_messages_before_the_model_is_loaded(tmp_path):
    # An embedding model that does not exist: loading it would fail, so nothing may load it.
    run = chat(
        "\n" + "x" * 501 + "\n",
        "--json",
        PLAN_INDEX_DIR=str(tmp_path),
        PLAN_EMBEDDING_MODEL=str(tmp_path / "no-model"),
    )
    assert run.returncode == 0, run.stderr
    errors = [json.loads(line)["error"] for line in run.stdout.splitlines()]
    assert errors == [
        "Skriv et spørsmål (linjen er tom).",
        "Spørsmålet er for langt (over 500 tegn). Gjør det kortere.",
    ]
    wrong = chat("Hva er K4?\n", "--lang", "se", PLAN_INDEX_DIR=str(tmp_path))
    assert wrong.returncode == 2 and "--lang må være nb (bokmål) eller nn (nynorsk)" in wrong.stderr
    many = chat("Hva er K4?\n", "-k", "0", PLAN_INDEX_DIR=str(tmp_path))
    assert many.returncode == 2 and "-k må være et heltall fra 1 til 20 (fikk 0)" in many.stderr
