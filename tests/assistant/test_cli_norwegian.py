"""The command line speaks Norwegian: help, type labels and typer's own error messages."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.cli_norwegian import translate_error

COMMANDS = ["ingest", "ask", "chat", "eval", "serve"]
ENGLISH = re.compile(
    r"\b(Usage|Options|Arguments|Commands|Show this message|Missing|No such|Got unexpected"
    r"|Invalid value|default:|required|Try '|Error|COMMAND|ARGS|OPTIONS|list\[|<str>|<int>"
    r"|<bool>|<path>)",
)
runner = CliRunner()


@pytest.mark.parametrize("args", [["--help"], ["-h"], *([c, "--help"] for c in COMMANDS)])
def test_help_has_no_english(args):
    result = runner.invoke(app, args, prog_name="planassistent", terminal_width=100)
    assert result.exit_code == 0, result.output
    assert "Bruk: planassistent" in result.output
    assert "Vis denne hjelpen og avslutt." in result.output
    assert not ENGLISH.search(result.output), ENGLISH.search(result.output)


@pytest.mark.parametrize(
    ("args", "norwegian"),
    [
        (["ask", "--nope"], "Ukjent valg: --nope."),
        (["ask", "-k", "mange", "Hva?"], "skriv et heltall"),
        (["eval"], "Mangler argumentet"),
        (["frob"], "Kommandoen 'frob' finnes ikke."),
        (["ask", "a", "b"], "Uventet ekstra argument: b."),
        (["ask", "-k"], "trenger en verdi"),
        (["ingest", "--replace=ja"], "tar ingen verdi"),
    ],
)
def test_typer_errors_are_norwegian(args, norwegian):
    result = runner.invoke(app, args, prog_name="planassistent", terminal_width=100)
    assert result.exit_code == 2
    assert norwegian in result.output
    assert "Feil" in result.output
    assert not ENGLISH.search(result.output), result.output


def test_the_real_command_prints_norwegian_help_and_errors():
    exe = Path(sys.executable).with_name("planassistent")
    help_run = subprocess.run([str(exe), "ask", "--help"], capture_output=True, text=True)
    assert help_run.returncode == 0 and "Argumenter" in help_run.stdout
    bad = subprocess.run([str(exe), "ask", "--frob"], capture_output=True, text=True)
    assert bad.returncode == 2 and "Ukjent valg: --frob." in bad.stderr
    assert not ENGLISH.search(help_run.stdout + bad.stderr)


def test_messages_that_are_norwegian_already_pass_unchanged():
    message = "Spørsmålet er tomt. Skriv et spørsmål."
    assert translate_error(message) == message
    assert translate_error("No such option: --x Did you mean --k?") == (
        "Ukjent valg: --x. Mente du --k?"
    )
