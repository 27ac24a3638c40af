"""The ``planassistent`` command: ingest, ask, chat, eval, serve."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from assistant import cli_norwegian
from assistant.settings import Settings, get_settings, settings_problems

cli_norwegian.install()
app = typer.Typer(
    cls=cli_norwegian.NorwegianGroup,
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="markdown",
    help="Planassistenten: spør planene og få svar med kilder.",
)
out = Console()
err = Console(stderr=True)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]Feil:[/] {message}", highlight=False)
    return typer.Exit(code)


def _settings() -> Settings:
    """The settings, or a Norwegian message and exit code 2 when the environment's are wrong
    (a PLAN_ADMIN_TOKEN that is too short, a number that is not one)."""
    from pydantic import ValidationError

    try:
        return get_settings()
    except ValidationError as exc:
        raise _fail(settings_problems(exc), 2) from None


@app.command(cls=cli_norwegian.NorwegianCommand)
def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(metavar="STI", help="Filer eller mapper (standard: data/plans/)."),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Bygg indeksen bare av disse filene.")
    ] = False,
) -> None:
    """Les inn plandokumenter (PDF, TXT, Markdown) og bygg søkeindeksen."""
    from ingest.file_checks import find_plan_files

    settings = _settings()
    found = find_plan_files(paths or [settings.docs_dir])
    if found.missing:
        names = ", ".join(str(p) for p in found.missing)
        raise _fail(f"{names} finnes ikke. Sjekk navnet og stien.", 2)
    for path, reason in found.skipped:
        err.print(f"[yellow]Hoppet over[/] {path}: {reason}", highlight=False)
    if not found.files:
        raise _fail(
            "Fant ingen filer å lese inn. Planassistenten leser PDF, TXT og Markdown "
            "(.pdf, .txt, .md, .markdown).",
            2,
        )
    from assistant.pipeline import build_index
    from index.store import WriterBusy

    settings = settings.for_ingest()  # a batch job: the model may use every core
    err.print("Laster språkmodellen …")
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("Leser filer", total=None)

        def update(name: str, done: int, total: int) -> None:
            label = "Lager vektorer" if name == "embedding" else f"Leser {name}"
            progress.update(task, description=label, completed=done, total=total)

        try:
            report = build_index(settings, found.files, replace=replace, progress=update)
        except WriterBusy as exc:
            raise _fail(exc.message) from None
    for s in report.skipped:
        err.print(f"[yellow]Hoppet over[/] {s.path.name}: {s.message}")
    for w in report.warnings:
        err.print(f"[yellow]Merk:[/] {w}")
    if not report.ingested_anything:
        raise _fail("Ingen dokumenter ble lest inn. Sjekk filene og meldingene over.")
    out.print(
        f"Indeksversjon {report.version}: {report.documents} dokumenter, {report.pages} sider, "
        f"{report.passages} passasjer, {report.initiatives} tiltak "
        f"({len(report.new_documents)} nye/endrede, {len(report.reused_documents)} uendrede; "
        f"{report.embedded} nye vektorer, {report.reused_vectors} gjenbrukt; "
        f"{len(report.skipped)} hoppet over)."
    )


def _assistant(index_dir: Path | None = None):
    settings = _settings()
    if index_dir is not None:
        settings = settings.model_copy(update={"index_dir": index_dir})
    if not Path(settings.index_dir).is_dir():  # said before the model is loaded
        raise _fail(
            f"Fant ingen indeks i {settings.index_dir}. Kjør «planassistent ingest» først.", 2
        )
    from assistant.service import Assistant, IndexUnavailable

    assistant = Assistant(settings)
    try:
        assistant.index_version  # noqa: B018 - loads the index, raising if unusable
        assistant._state_now()
    except IndexUnavailable as exc:
        raise _fail(exc.message) from None
    return assistant


def _print_answer(result, lang: str = "nb") -> None:
    from assistant.messages import message

    out.print(f"[bold]{escape(result.question)}[/]\n")
    if result.interpreted_as:
        said = message("interpreted_as", lang, question=result.interpreted_as)
        out.print(f"[dim]{escape(said)}[/]\n")
    out.print(result.answer, highlight=False)
    if result.expanded_terms:
        out.print(f"\n[dim]Søkte også etter: {', '.join(result.expanded_terms)}[/]")
    if result.citations:
        heading = "Kilder" if result.found else "Kanskje relevant"
        out.print(f"\n[bold]{heading}[/]")
        for c in result.citations:
            page = f"side {c.page}" + (f" (trykt side {c.page_label})" if c.page_label else "")
            section = f", {c.section}" if c.section else ""
            out.print(f"[{c.n}] {c.document_title}, {page}{section}", highlight=False)


@app.command(cls=cli_norwegian.NorwegianCommand)
def ask(
    question: Annotated[
        str | None, typer.Argument(metavar="SPØRSMÅL", help="Spørsmålet. Uten: les fra stdin.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv svaret som JSON.")] = False,
    k: Annotated[int, typer.Option("-k", "--k", help="Antall kilder (1–20).")] = 5,
) -> None:
    """Still et spørsmål om planene."""
    # Bad input is refused before the model is loaded.
    if not 1 <= k <= 20:
        raise _fail(f"-k må være et heltall fra 1 til 20 (fikk {k}).", 2)
    if question is not None:
        if not question.strip():
            raise _fail(
                'Skriv et spørsmål, for eksempel: planassistent ask "Hva er hovedmålet?"', 2
            )
        problem = _question_problem(question)
        if problem:
            raise _fail(problem, 2)
    assistant = _assistant()
    if question is None:
        for line in sys.stdin:
            if not line.strip():
                continue
            problem = _question_problem(line)
            if problem:
                print(json.dumps({"question": line.strip(), "error": problem}, ensure_ascii=False))
                continue
            print(assistant.ask(line, k=k).model_dump_json(), flush=True)
        return
    result = assistant.ask(question, k=k)
    if as_json:
        print(result.model_dump_json(indent=2))
    else:
        _print_answer(result)


def _question_problem(question: str) -> str | None:
    """What is wrong with a question, in Norwegian, or None."""
    question = " ".join(question.split())
    if not question:
        return "Skriv et spørsmål (linjen er tom)."
    limit = _settings().max_question_chars
    if len(question) > limit:
        return f"Spørsmålet er for langt (over {limit} tegn). Gjør det kortere."
    return None


def _questions(interactive: bool):
    """Questions line by line: typed at a prompt, or read from stdin when it is not a terminal."""
    if not interactive:
        yield from sys.stdin
        return
    err.print("Spør om planene. Oppfølgingsspørsmål forstås. Avslutt med Ctrl+D.")
    while True:
        try:
            yield input("Du: ")
        except (EOFError, KeyboardInterrupt):
            err.print()
            return


@app.command(cls=cli_norwegian.NorwegianCommand)
def chat(
    as_json: Annotated[
        bool, typer.Option("--json", help="Ett JSON-objekt per linje (som POST /api/ask).")
    ] = False,
    k: Annotated[int, typer.Option("-k", "--k", help="Antall kilder (1–20).")] = 5,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", help="Svar på nb (bokmål) eller nn (nynorsk); standard: spørsmålets."
        ),
    ] = None,
) -> None:
    """En samtale i terminalen, med oppfølgingsspørsmål.

    Oppfølgingsspørsmål som «Hvem har ansvaret for det?» forstås ut fra de tidligere
    spørsmålene, som i API-et. Leser ett spørsmål per linje fra stdin når den ikke er en
    terminal."""
    from assistant.conversation import MAX_TURNS, Turn

    if not 1 <= k <= 20:
        raise _fail(f"-k må være et heltall fra 1 til 20 (fikk {k}).", 2)
    if lang not in (None, "nb", "nn"):
        raise _fail("--lang må være nb (bokmål) eller nn (nynorsk).", 2)
    assistant = None  # loaded at the first good question: bad input never waits for the model
    history: list[Turn] = []
    for line in _questions(sys.stdin.isatty()):
        problem = _question_problem(line)
        if problem:
            if as_json:
                print(json.dumps({"question": line.strip(), "error": problem}, ensure_ascii=False))
            else:
                err.print(f"[yellow]{problem}[/]")
            continue
        assistant = assistant or _assistant()
        result = assistant.ask(line, k=k, lang=lang, history=history)
        if as_json:
            print(result.model_dump_json(), flush=True)
        else:
            _print_answer(result, lang or assistant.analyse(result.question).language)
            out.print()
        cited = tuple(c.passage_id for c in result.citations) if result.found else ()
        history = [*history, Turn(result.question, cited)][-MAX_TURNS:]


@app.command("eval", cls=cli_norwegian.NorwegianCommand)
def evaluate_cmd(
    file: Annotated[Path, typer.Argument(metavar="FIL", help="Spørsmålsfil (JSONL).")],
    as_json: Annotated[bool, typer.Option("--json", help="Skriv resultatet som JSON.")] = False,
    index_dir: Annotated[
        Path | None, typer.Option("--index-dir", help="Bruk denne indeksen (f.eks. NorQuAD).")
    ] = None,
    off_topic: Annotated[
        bool, typer.Option("--off-topic", help="Alle spørsmål skal avslås (utenfor planene).")
    ] = False,
) -> None:
    """Mål treffsikkerhet på en spørsmålsfil: hit@5, MRR@10, avslagsnøyaktighet.

    Planspørsmål (med «gold») måles på avsnitt; NorQuAD-spørsmål (med «document») på dokument."""
    if not file.is_file():
        raise _fail(f"Fant ikke spørsmålsfilen {file}. Sjekk navnet og stien.", 2)
    from assistant.evaluation import evaluate, load_questions

    try:
        questions = load_questions(file)
    except (ValueError, KeyError) as exc:
        raise _fail(f"Kunne ikke lese spørsmålsfilen: {exc}") from None
    assistant = _assistant(index_dir)
    report = evaluate(questions, lambda q: assistant.ask(q, k=10), off_topic=off_topic)
    summary = report.summary()
    if as_json:
        print(json.dumps({**summary, "misses": report.misses()}, ensure_ascii=False, indent=2))
        return
    prefix = "dok-" if summary["kind"] == "document" else ""
    out.print(
        f"Spørsmål: {summary['questions']} ({summary['answerable']} kan besvares)\n"
        f"{prefix}hit@5: {summary['hit@5']:.3f}   {prefix}MRR@10: {summary['mrr@10']:.3f}\n"
        f"Avslagsnøyaktighet: {summary['refusal_accuracy']:.3f}   "
        f"Feilaktige avslag: {summary['false_refusal_rate']:.3f}"
    )
    misses = report.misses()
    if misses:
        out.print("\n[bold]Bom:[/]")
        for line in misses:
            out.print(f"- {line}", highlight=False)


@app.command(cls=cli_norwegian.NorwegianCommand)
def serve(
    host: Annotated[str, typer.Option(help="Adresse å lytte på.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Start nettsiden og API-et (leser inn data/plans/ først hvis det ikke finnes en indeks)."""
    from web.server import serve as run

    run(host=host, port=port, settings=_settings())


def main() -> None:  # pragma: no cover
    logging.basicConfig(level=logging.WARNING)
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
