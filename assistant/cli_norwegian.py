"""The command line's own words in Norwegian: help ("Bruk:", "Valg", "Vis denne hjelpen og
avslutt."), type labels and typer's error messages ("Ukjent valg: --x").

Typer renders help with rich and keeps its panel titles as module constants; its bundled copy
of click writes the usage line, the help option and the parser's errors in English without a
translation hook. So the commands use the two classes below (Norwegian usage line and help
option), and ``install()`` sets the panel titles and translates an error's message just before
typer prints it. Messages of the project's own are Norwegian already and pass unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import typer.core
import typer.rich_utils as rich_utils

HELP_TEXT = "Vis denne hjelpen og avslutt."
USAGE_PREFIX = "Bruk: "

_PANEL_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": "Argumenter",
    "OPTIONS_PANEL_TITLE": "Valg",
    "COMMANDS_PANEL_TITLE": "Kommandoer",
    "ERRORS_PANEL_TITLE": "Feil",
    "ABORTED_TEXT": "Avbrutt.",
    "RICH_HELP": "Skriv [blue]'{command_path} {help_option}'[/] for hjelp.",
    "DEFAULT_STRING": "[standard: {}]",
    "ENVVAR_STRING": "[miljøvariabel: {}]",
    "REQUIRED_LONG_STRING": "[påkrevd]",
    "DEPRECATED_STRING": "(utgått) ",
}

# typer's gettext strings (typer.core looks them up at run time).
_GETTEXT = {
    "(dynamic)": "(dynamisk)",
    "Aborted!": "Avbrutt.",
    "default: {default}": "standard: {default}",
    "required": "påkrevd",
    "env var: {var}": "miljøvariabel: {var}",
    "Arguments": "Argumenter",
    "Options": "Valg",
    "Commands": "Kommandoer",
    "Missing command.": "Mangler kommando.",
    "No such command {name!r}.": "Kommandoen {name!r} finnes ikke.",
}

# Type labels in the help ("<int>"): what to write instead.
_TYPE_LABELS = {
    "str": "tekst",
    "int": "heltall",
    "float": "tall",
    "bool": "",
    "path": "sti",
    "list[path]": "stier",
    "list[str]": "tekster",
    "file": "fil",
    "directory": "mappe",
}

# Error messages of typer's parser and type checks, most specific first.
_ERRORS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^No such option: (.+?)(?: Did you mean (.+)\?)?$", re.S), "ukjent"),
    (re.compile(r"^Missing argument (.+)\.$"), r"Mangler argumentet \1."),
    (re.compile(r"^Missing option (.+)\.$"), r"Mangler valget \1."),
    (re.compile(r"^Missing parameter: (.+)$"), r"Mangler \1."),
    (
        re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((.*)\)$"),
        r"Uventet ekstra argument: \1.",
    ),
    (re.compile(r"^Option (.+) requires an argument\.$"), r"Valget \1 trenger en verdi."),
    (re.compile(r"^Option (.+) requires (\d+) arguments\.$"), r"Valget \1 trenger \2 verdier."),
    (re.compile(r"^Option (.+) does not take a value\.$"), r"Valget \1 tar ingen verdi."),
    (re.compile(r"^No such command (.+)\.$"), r"Kommandoen \1 finnes ikke."),
    (re.compile(r"^Missing command\.$"), "Mangler kommando."),
]
_INVALID = re.compile(r"^Invalid value(?: for (.+?))?: (.*)$", re.S)
_VALUE_PROBLEMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"valid integer", re.I), "skriv et heltall"),
    (re.compile(r"valid number|valid float", re.I), "skriv et tall"),
    (re.compile(r"valid boolean", re.I), "skriv ja eller nei (true/false)"),
    (re.compile(r"does not exist", re.I), "finnes ikke; sjekk navnet og stien"),
    (re.compile(r"is a directory", re.I), "er en mappe, ikke en fil"),
    (re.compile(r"is a file", re.I), "er en fil, ikke en mappe"),
    (re.compile(r"not one of|should be '", re.I), "velg en av verdiene i hjelpen"),
]


def translate_error(message: str) -> str:
    """The Norwegian for one of typer's error messages; other messages are returned as they
    are (the project's own are Norwegian already)."""
    text = message.strip()
    for pattern, replacement in _ERRORS:
        m = pattern.match(text)
        if m is None:
            continue
        if replacement == "ukjent":
            out = f"Ukjent valg: {m.group(1)}."
            return f"{out} Mente du {m.group(2)}?" if m.group(2) else out
        return m.expand(replacement)
    m = _INVALID.match(text)
    if m is not None:
        where = f" for {m.group(1)}" if m.group(1) else ""
        problem = next((n for p, n in _VALUE_PROBLEMS if p.search(m.group(2))), None)
        return f"Ugyldig verdi{where}: {problem or m.group(2)}."
    return message


def _type_label(label: str | None) -> str | None:
    if not label:
        return label
    inner = label.strip("<>").lower()
    if inner in _TYPE_LABELS:
        return f"<{_TYPE_LABELS[inner]}>" if _TYPE_LABELS[inner] else None
    return label


class _Norwegian:
    """The usage line and the help option in Norwegian (mixed into typer's classes)."""

    def format_usage(self, ctx, formatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE_PREFIX)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option


class NorwegianCommand(_Norwegian, typer.core.TyperCommand):
    def __init__(self, *args, **kwargs) -> None:
        kwargs["options_metavar"] = "[VALG]"
        super().__init__(*args, **kwargs)


class NorwegianGroup(_Norwegian, typer.core.TyperGroup):
    def __init__(self, *args, **kwargs) -> None:
        if kwargs.get("subcommand_metavar") is None:
            kwargs["subcommand_metavar"] = "KOMMANDO [ARGUMENTER]..."
        super().__init__(*args, **kwargs)
        self.options_metavar = "[VALG]"


def _translated_errors(show: Callable) -> Callable:
    def show_norwegian(error) -> None:
        if getattr(error, "message", None):
            error.message = translate_error(error.message)
        original = error.format_message
        error.format_message = lambda: translate_error(original())
        show(error)

    show_norwegian.norwegian = True
    return show_norwegian


def install() -> None:
    """Norwegian panel titles, gettext strings, type labels and error messages for typer.
    Safe to call more than once."""
    for name, text in _PANEL_TEXTS.items():
        setattr(rich_utils, name, text)
    typer.core._ = lambda text: _GETTEXT.get(text, text)
    if not getattr(rich_utils.rich_format_error, "norwegian", False):
        rich_utils.rich_format_error = _translated_errors(rich_utils.rich_format_error)
    parameter = typer.core._TyperParameter
    if not getattr(parameter.display_type, "norwegian", False):
        english = parameter.display_type

        def display_type(self, ctx):
            return _type_label(english(self, ctx))

        display_type.norwegian = True
        parameter.display_type = display_type
