"""Adversarial text for tests/test_linear_time.py: long runs of one word, of spaces, of digits and
separators, of brackets and markup, fed to every text-analysis function and to every regular
expression the code applies to user input or document text.

Run as ``python -m tests.hostile_text [SIZE]`` the cases are timed in this process, one JSON line
per finished case (``{"case", "input", "seconds"}``) after a ``{"start": case}`` line, so the
parent can stop a case that never ends and say which one it was.
"""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("assistant", "index", "ingest", "web")
SIZE = 100_000

# Short strings repeated to SIZE characters.
ATOMS = {
    "word": "planleggingsarbeid",
    "words": "planleggingsarbeid ",
    "capitals": "ÆØÅ ",
    "space": " ",
    "newline": "\n",
    "blank-lines": " \n",
    "digit": "1",
    "digit-space": "1 ",
    "digit-dot": "1.",
    "digit-comma-space": "1, ",
    "years": "2020-",
    "number-dot-capital": "1. A ",
    "square": "[",
    "round": "(",
    "link": "[a](",
    "marker": "[1",
    "hash": "#",
    "hash-space": "# ",
    "equals": "=",
    "bullet": "- ",
    "star": "*",
    "dot": ".",
    "dot-space": ". ",
    "abbreviation": "bl.a. A ",
    "letter-dot": "a. B ",
    "question": "hvor mye ",
    "kroner": "kr ",
    "until": "til ",
    "with": "med ",
    "what-is": "hva er ",
    "label-colon": "Ansvarlig: ",
    "partner": "Samarbeidspart",
    "initiative": "K1 ",
    "and": "og ",
    "comma": ", ",
    "hyphen-word": "arbeids-\n",
}


def hostile_inputs(size: int = SIZE) -> dict[str, str]:
    """Adversarial strings of about ``size`` characters, by name."""
    inputs = {name: (atom * (size // len(atom) + 1))[:size] for name, atom in ATOMS.items()}
    run = size - 20
    inputs["heading-spaces"] = "# a" + " " * run + "b"
    inputs["digit-spaces-letter"] = "1" + " " * run + "x"
    inputs["question-spaces"] = "hva er ab" + " " * run + "x"
    inputs["nested-brackets"] = "(" * (size // 2) + ")" * (size // 2)
    inputs["equals-spaces"] = "=" * (size // 2) + " " * (size // 2 - 1) + "x"
    inputs["long-sentence"] = ("Kommunen skal bygge boliger, " * size)[:size]
    return inputs


# -- the regular expressions the code applies -------------------------------------------------
def _modules() -> Iterator[object]:
    for package in PACKAGES:
        pkg = importlib.import_module(package)
        yield pkg
        for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{package}."):
            yield importlib.import_module(info.name)


def _patterns_in(value: object) -> Iterator[re.Pattern[str]]:
    if isinstance(value, re.Pattern):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _patterns_in(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _patterns_in(v)


def module_patterns() -> dict[str, re.Pattern[str]]:
    """Every compiled pattern held by a module of the packages (also inside dicts and tuples)."""
    found: dict[str, re.Pattern[str]] = {}
    for module in _modules():
        for name, value in vars(module).items():
            for n, pattern in enumerate(_patterns_in(value)):
                if isinstance(pattern.pattern, str):
                    found[f"{module.__name__}.{name}[{n}]"] = pattern
    return found


# Where the flags argument sits in each ``re`` function's positional arguments.
FLAGS_POSITION = {
    "compile": 1,
    "match": 2,
    "search": 2,
    "fullmatch": 2,
    "findall": 2,
    "finditer": 2,
    "split": 3,
    "sub": 4,
    "subn": 4,
}


def _source_files() -> Iterator[Path]:
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def _flags(node: ast.expr | None) -> int | None:
    """The value of a flags argument such as ``re.I | re.UNICODE``; None if not constant."""
    if node is None:
        return 0
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return getattr(re, node.attr, None) if node.value.id == "re" else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _flags(node.left), _flags(node.right)
        return None if left is None or right is None else left | right
    return None


def _calls_in_functions(tree: ast.AST) -> Iterator[ast.Call]:
    """``re.<function>(...)`` calls inside function bodies (module-level ones compile patterns
    that ``module_patterns`` finds on the module)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and isinstance(call.func.value, ast.Name)
                    and call.func.value.id == "re"
                    and call.func.attr in FLAGS_POSITION
                    and call.args
                ):
                    yield call


# Patterns built at run time that the sweep reaches another way: every organisation pattern of
# the register (escaped literal words joined by \s+, as whole words) is searched by the case
# "organisations.named_in", and name_matcher's by "organisations.name_matcher"; the nynorsk
# phrase pattern (an alternation of escaped literal phrases) by "nynorsk.fold_phrases".
BUILT_AT_RUN_TIME = ("ingest/organisations.py", "index/nynorsk.py")


def inline_patterns() -> tuple[dict[str, re.Pattern[str]], list[str]]:
    """Patterns written as literals in ``re.<function>(...)`` calls in functions, compiled, and
    the calls whose pattern is built at run time (which this test cannot see)."""
    found: dict[str, re.Pattern[str]] = {}
    dynamic: list[str] = []
    for path in _source_files():
        for call in _calls_in_functions(ast.parse(path.read_text("utf-8"))):
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            arg = call.args[0]
            if isinstance(arg, ast.Name | ast.Attribute):
                continue  # a compiled pattern or a constant: found on its module
            flag_node = next((k.value for k in call.keywords if k.arg == "flags"), None)
            position = FLAGS_POSITION[call.func.attr]
            if flag_node is None and len(call.args) > position:
                flag_node = call.args[position]
            flags = _flags(flag_node)
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and flags is not None:
                found.setdefault(where, re.compile(arg.value, flags))
            elif not where.startswith(BUILT_AT_RUN_TIME):
                dynamic.append(where)
    return found, dynamic


def all_patterns() -> dict[str, re.Pattern[str]]:
    patterns = module_patterns()
    inline, _dynamic = inline_patterns()
    patterns.update(inline)
    return patterns


def _apply(pattern: re.Pattern[str]) -> Callable[[str], object]:
    def run(text: str) -> object:
        for _ in pattern.finditer(text):
            pass
        return pattern.fullmatch(text)

    return run


# -- the text-analysis functions ----------------------------------------------------------------
def _with_file(reader: Callable[[Path], object], suffix: str) -> Callable[[str], object]:
    def run(text: str) -> object:
        from ingest.errors import IngestError

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"fil{suffix}"
            path.write_text(text, "utf-8")
            try:
                return reader(path)
            except IngestError:
                return None

    return run


def _vocabulary() -> frozenset[str]:
    from index.norwegian import build_vocabulary

    return build_vocabulary(
        ["planlegging arbeid plan legging arbeidsliv kompetanse bolig tilbud samarbeid"]
    )


def function_cases() -> dict[str, Callable[[str], object]]:
    from assistant import answer, answer_types, conversation, definitions, initiatives, query
    from assistant.evidence import coverage
    from assistant.glossary import load_glossary
    from index import norwegian, nynorsk
    from index.lexical import LexicalIndex
    from index.lexicon import Lexicon
    from ingest import cleaning, document_builder, headings, organisations, splitter, text_reader
    from ingest import initiatives as ingest_initiatives
    from ingest.initiative_status import status_of
    from ingest.models import Block, Initiative, Line, Page, RawDocument
    from ingest.tokens import estimate_tokens
    from web import markup, uploads

    vocabulary = _vocabulary()
    glossary = load_glossary()
    ini = Initiative("k1", "K1", "Tittel", "Tema", "Nivå", "Tekst", ["NAV"], [], [], "", "d", 1)

    def pages(text: str) -> list[Page]:
        """The text as lines of a page (some body, some bold headings), and as one line."""
        lines = [
            Line(t, 12.0 if n % 7 == 0 else 10.0, n % 7 == 0)
            for n, t in enumerate(text.split("\n"))
        ]
        return [Page(1, lines), Page(2, [Line(text[: len(text) // 2], 10.0)])]

    def build(text: str) -> object:
        return document_builder.build_document(
            RawDocument(pages(text), title=text[:200]),
            file_name="plan.md",
            sha256="0" * 64,
            media_type="text/markdown",
            count_tokens=estimate_tokens,
        )

    corpus = ["Planlegging av arbeid og kompetanse.", "Bolig og tilbud i distriktene."]
    lexical = LexicalIndex.build(corpus, vocabulary)
    lexicon = Lexicon.from_texts(corpus, vocabulary)

    def analysed(text: str) -> object:
        return query.analyse(text, lexical, glossary, lexicon)

    def composed(text: str) -> object:
        q = analysed("Hva er planlegging av arbeid?")
        return answer.compose(q, [answer.Source(1, text, 0)], lexical, 3)

    def terms(text: str) -> list[str]:
        return [norwegian.stem(w) for w in norwegian.words(text)[:4]] or ["plan"]

    return {
        "norwegian.normalise": norwegian.normalise,
        "norwegian.words": norwegian.words,
        "norwegian.content_words": norwegian.content_words,
        "norwegian.stem": norwegian.stem,
        "norwegian.split_compound": lambda t: norwegian.split_compound(t, vocabulary),
        "norwegian.analyse": lambda t: norwegian.analyse(t, vocabulary),
        "norwegian.build_vocabulary": lambda t: norwegian.build_vocabulary([t]),
        "definitions.defined_term": definitions.defined_term,
        "definitions.defines": lambda t: definitions.defines(t, terms(t)),
        "answer_types.answer_type": answer_types.answer_type,
        "answer_types.has_answer_of_type": lambda t: [
            answer_types.has_answer_of_type(kind, t)
            for kind in (answer_types.AMOUNT, answer_types.PERIOD, answer_types.COUNT)
        ],
        "query.analyse": analysed,
        "query.question_sentences": query.question_sentences,
        "nynorsk.fold_phrases": nynorsk.fold_phrases,
        "nynorsk.bokmal_candidates": nynorsk.bokmal_candidates,
        "lexicon.correct": lexicon.correct,
        "evidence.coverage": lambda t: coverage(
            analysed(t[:500]).terms, set(lexical.query_terms(t))
        ),
        "answer.is_prose_sentence": answer.is_prose_sentence,
        "answer.without_run_in_heading": answer.without_run_in_heading,
        "answer.compose": composed,
        "glossary.expansions": glossary.expansions,
        "initiatives.match_question": lambda t: initiatives.match_initiative_question(t, [ini]),
        "conversation.read": conversation.read,
        "conversation.resolve": lambda t: [
            conversation.resolve(t, [conversation.Turn(t)]),
            conversation.resolve("Og for eldre?", [conversation.Turn(t)]),
            conversation.resolve("Hvem har ansvaret for det?", [conversation.Turn(t)]),
        ],
        "conversation.page_history": lambda t: conversation.page_history([t] * 3, [t], 10**6),
        "initiatives.filter": lambda t: initiatives.filter_initiatives([ini], q=t[:200]),
        "cleaning.normalise_text": cleaning.normalise_text,
        "cleaning.remove_running_lines": lambda t: cleaning.remove_running_lines(pages(t)),
        "cleaning.remove_table_of_contents": lambda t: cleaning.remove_table_of_contents(pages(t)),
        "cleaning.join_lines": lambda t: cleaning.join_lines(t.split("\n")),
        "cleaning.join_paragraphs": lambda t: cleaning.join_paragraphs(t.split("\n")),
        "headings.find_blocks": lambda t: headings.find_blocks(pages(t), t[:100]),
        "headings.initiative_id": headings.initiative_id,
        "splitter.split_sentences": splitter.split_sentences,
        "splitter.pack": lambda t: splitter.pack(t, estimate_tokens, 200, 800),
        "document_builder.slugify": document_builder.slugify,
        "document_builder.build_document": build,
        "ingest_initiatives.split_organisations": ingest_initiatives.split_organisations,
        "ingest_initiatives.split_links": lambda t: ingest_initiatives.split_links(t, "K1"),
        "ingest_initiatives.fields": ingest_initiatives._fields,
        "ingest_initiatives.extract": lambda t: ingest_initiatives.extract_initiatives(
            "d", [Block(["5.1 Tema", "5.1.1 Nivå", "K1 " + t[:150]], [(1, t)])]
        ),
        "text_reader.read_text": _with_file(text_reader.read_text, ".txt"),
        "text_reader.read_markdown": _with_file(text_reader.read_markdown, ".md"),
        "text_reader._plain": text_reader._plain,
        "markup.answer_segments": markup.answer_segments,
        "markup.marked_segments": lambda t: markup.marked_segments(t, [(0, 5), (3, 9)]),
        "markup.description_blocks": markup.description_blocks,
        "initiative_status.status_of": status_of,
        "initiatives.resolve_reference": lambda t: initiatives.resolve_reference([ini], t),
        "initiatives.sort_key": initiatives.sort_key,
        "uploads.display_name": lambda t: uploads.display_name(t, ".pdf"),
        "organisations.named_in": organisations.register().named_in,
        "organisations.resolve": organisations.register().resolve,
        "organisations.is_place": organisations.register().is_place,
        "organisations.split_run_together": organisations.register().split_run_together,
        "organisations.name_matcher": lambda t: organisations.name_matcher("Skogfinsk museum")(t),
    }


def main(size: int) -> None:
    inputs = hostile_inputs(size)
    cases = {f"re {name}": _apply(p) for name, p in all_patterns().items()}
    cases.update(function_cases())
    for case, run in cases.items():
        print(json.dumps({"start": case}), flush=True)
        for input_name, text in inputs.items():
            t0 = time.perf_counter()
            run(text)
            seconds = time.perf_counter() - t0
            print(json.dumps({"case": case, "input": input_name, "seconds": seconds}), flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else SIZE)
