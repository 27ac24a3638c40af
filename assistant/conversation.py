"""Follow-up questions, resolved against the earlier turns of a conversation.

The conversation lives with the client (the page's hidden fields, chat.js, the API's ``history``,
the terminal); nothing of it is stored here. A question leans on it when it has no subject of
its own and

- refers back with a pronoun or a pointing noun: "Hvem har ansvaret for det?", "Hvor mye koster
  dette tiltaket?", nynorsk "Kven er med i det?", "Kva gjer dei?";
- is only a question about something unnamed: "Hvem har ansvaret?", "Hvor mye koster?";
- or continues the previous question: "Og for eldre?", "Men i Østre Toten?", "Kva med kultur?".

Such a question is rewritten with what the latest turn it can refer to was about: the
initiative it named or cited first ("K4 Sikre digital kompetanse"), else its subject words ("en
deltidsinnbygger" → "deltidsinnbygger"). A question with a subject of its own is never changed.
When nothing can be referred to, the answer is a short question back ("Hva viser «det» til?").

The word lists are in ``assistant/data/conversation.toml``; the rules are about Norwegian
sentences (pronouns, elliptic continuations, question words without an object), never about
particular questions.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from assistant.initiatives import INITIATIVE_ID
from assistant.messages import message
from assistant.query import question_sentences
from index.norwegian import TOKEN, normalise, stem, stopwords
from index.nynorsk import fold_word

MAX_TURNS = 10  # earlier turns a client may send
MAX_CITATIONS = 10  # passage ids per earlier turn
HISTORY_BUDGET = 4000  # URL-encoded bytes of earlier turns a page carries in its form
PAGE_CITATIONS = 3  # passage ids per turn a page carries (the first one decides the initiative)


@dataclass(frozen=True)
class Turn:
    """An earlier turn: the question as asked and the passages its answer cited."""

    question: str
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Subject:
    """What a turn was about: ``phrase`` stands in for "det"; ``span`` is where the subject sits
    in ``question`` (the turn as resolved), for "Og for eldre?" to replace."""

    phrase: str
    question: str
    span: tuple[int, int] | None = None
    initiative_key: str | None = None


@dataclass(frozen=True)
class Resolution:
    """The question to answer, and how it came about. ``clarify`` is the message key of the
    question to ask back (with ``values``) when a follow-up could not be resolved."""

    question: str
    interpreted_as: str | None = None
    subject: Subject | None = None
    clarify: str | None = None
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    word: str  # lower-cased, folded to bokmål
    stem: str


@dataclass(frozen=True)
class Reading:
    """How a question relates to the conversation.

    ``kind``: "standalone"; "reference" (``span`` is the pronoun or pointing noun to replace);
    "bare" (a question without an object; ``relational`` when it asks for an owner, partners,
    a cost, a status … or ends in a preposition: "Hvem er med?"); "continuation" ("Og for
    eldre?": ``phrase`` is "for eldre"); "topic" ("Hva med kultur?": ``phrase`` is "kultur").
    """

    kind: str
    span: tuple[int, int] | None = None
    phrase: str = ""
    relational: bool = False
    start: int = 0  # where the question proper starts ("Og hvem er med?": at "hvem")


@lru_cache(maxsize=1)
def _words() -> dict[str, frozenset[str]]:
    path = Path(__file__).parent / "data" / "conversation.toml"
    data = tomllib.loads(path.read_text("utf-8"))
    out = {key: frozenset(fold_word(w) for w in words) for key, words in data.items()}
    for key in ("referents", "relations", "frame", "agents"):  # compared by stem
        out[key] = frozenset(stem(w) for w in out[key])
    return out


def _tokens(text: str) -> list[_Token]:
    out = []
    for m in TOKEN.finditer(text):
        word = fold_word(normalise(m.group()))
        out.append(_Token(m.start(), m.end(), word, stem(word)))
    return out


def _is_subject_word(token: _Token) -> bool:
    """Does this word name something (rather than ask, point back or frame the question)?"""
    w = _words()
    if len(token.word) < 2 and not token.word.isdigit():
        return False
    if token.word in stopwords() or token.word in w["question_words"]:
        return False
    if token.word in w["pronouns"] or token.word in w["definite_referents"]:
        return False
    return not any(token.stem in w[key] for key in ("referents", "relations", "frame"))


def _anaphors(tokens: list[_Token]) -> list[tuple[int, int]]:
    """Spans of pronouns and pointing nouns ("det", "dei", "dette tiltaket", "satsinga")."""
    w = _words()
    spans = []
    for i, tok in enumerate(tokens):
        if tok.word in w["definite_referents"] or (
            tok.stem in w["referents"] and i and tokens[i - 1].word in w["pronouns"]
        ):
            start = tokens[i - 1].start if i and tokens[i - 1].word in w["pronouns"] else tok.start
            if spans and spans[-1][0] == start:
                spans.pop()
            spans.append((start, tok.end))
        elif tok.word in w["pronouns"]:
            spans.append((tok.start, tok.end))
    return spans


def _phrase(text: str) -> str:
    return text.strip().rstrip("?!. ").strip()


def _phrase_start(token: _Token) -> bool:
    """Can a phrase after "og"/"men" start with this word ("for", "en", "de", "eldre"), rather
    than a question of its own ("hva", "er", "kan")?"""
    w = _words()
    if token.word in w["question_words"]:
        return False
    return (
        token.word in w["prepositions"]
        or token.word in w["articles"]
        or token.word in w["pronouns"]
        or token.word not in stopwords()
    )


def read(question: str) -> Reading:
    """How ``question`` relates to the conversation (see ``Reading``)."""
    w = _words()
    text = question.strip()
    tokens = _tokens(text)
    skip = 0  # leading "og", "men" …
    while skip < len(tokens) and tokens[skip].word in w["continuations"]:
        skip += 1
    if skip == len(tokens):
        return Reading("bare" if tokens else "standalone")
    rest = tokens[skip:]
    start = rest[0].start
    opening = " ".join(t.word for t in rest[:4]) + " "
    for opener in w["topic_openers"]:
        if opening.startswith(opener + " ") and len(rest) > len(opener.split()):
            return Reading("topic", phrase=_phrase(text[rest[len(opener.split())].start :]))
    anaphors = _anaphors(rest)
    subject = [t for t in rest if _is_subject_word(t)]
    if anaphors:  # "Hva gjør fylket med det?": the agent is not what "det" stands for
        subject = [t for t in subject if t.stem not in w["agents"]]
    if subject:
        if skip and _phrase_start(rest[0]):
            # "Og for eldre?", "Men i Østre Toten?", "Og innvandrere?": not a question of its own.
            return Reading("continuation", phrase=_phrase(text[start:]))
        return Reading("standalone")
    if anaphors:  # objects come last, expletives first
        return Reading("reference", span=anaphors[-1], start=start)
    # "Hvem har ansvaret?" asks for a relation; "Hvem er med?" strands its preposition: both
    # leave out what they are about.
    relational = any(t.stem in w["relations"] for t in rest) or rest[-1].word in w["prepositions"]
    return Reading("bare", relational=relational, start=start)


def subject_of(question: str, initiative: tuple[str, str, str] | None = None) -> Subject | None:
    """What a (resolved) question sentence is about. ``initiative`` is (key, id, title) of the
    initiative the turn named or cited first: it is the subject, and its id in the question is
    the span. Otherwise the subject is the question sentence from its first to its last word
    that names something ("Hva gjør fylket for unge som står utenfor arbeidslivet?" → "unge som
    står utenfor arbeidslivet")."""
    focus = question_sentences(question)
    focus = focus if focus in question else question
    if initiative is not None:
        key, ini_id, title = initiative
        named = (m for m in INITIATIVE_ID.finditer(focus) if m.group().upper() == ini_id)
        span = next((m.span() for m in named), None)
        if span is not None and focus[span[1] :].lower().startswith(" " + title.lower()):
            span = (span[0], span[1] + 1 + len(title))
        return Subject(f"{ini_id} {title}", focus, span, key)
    agents = _words()["agents"]
    named = [t for t in _tokens(focus) if _is_subject_word(t) and t.stem not in agents]
    if not named:
        return None
    start, end = named[0].start, named[-1].end
    return Subject(focus[start:end], focus, (start, end))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _continue(subject: Subject, phrase: str) -> str:
    """The earlier question with its subject replaced: "Hva gjør fylket for unge?" + "for eldre"
    → "Hva gjør fylket for eldre?"; "Hva er K4?" + "K5" → "Hva er K5?"."""
    w = _words()
    earlier = subject.question
    tokens = _tokens(phrase)
    if tokens and tokens[0].word in w["prepositions"] and len(tokens) > 1:
        same = [t for t in _tokens(earlier) if t.word == tokens[0].word]
        if same:  # "og for eldre" after "… for unge …": from that preposition on
            return f"{earlier[: same[0].start]}{phrase}?"
        phrase = phrase[tokens[1].start :]
    if subject.span is None:
        return f"{_phrase(earlier)}, {phrase}?"
    start, end = subject.span
    words = phrase.split(maxsplit=1)
    before = earlier[:start].split()
    if len(words) == 2 and before and fold_word(before[-1].lower()) in w["articles"]:
        phrase = words[1] if fold_word(words[0].lower()) in w["articles"] else phrase
    return _capitalised(f"{earlier[:start]}{phrase}{earlier[end:]}")


def _rewrite(question: str, reading: Reading, subject: Subject, lang: str) -> str:
    text = question.strip()
    if reading.kind == "reference" and reading.span:
        start, end = reading.span
        return _capitalised(f"{text[reading.start : start]}{subject.phrase}{text[end:]}")
    if reading.kind in ("continuation", "topic"):
        return _continue(subject, reading.phrase)
    text = text[reading.start :]
    body = text[:1].lower() + text[1:] if text[1:2].islower() else text
    return message("about", lang, subject=subject.phrase, question=body)


def _clarify(question: str, reading: Reading) -> Resolution:
    if reading.kind == "reference" and reading.span:
        word = question.strip()[reading.span[0] : reading.span[1]]
        return Resolution(question, clarify="clarify_reference", values=(("word", word),))
    if reading.kind in ("continuation", "topic") and reading.phrase:
        return Resolution(
            question, clarify="clarify_ellipsis", values=(("phrase", reading.phrase),)
        )
    return Resolution(question, clarify="clarify_bare")


# (resolved question, cited passage ids) → (key, id, title) of the initiative the turn is about.
InitiativeOf = Callable[[str, Sequence[str]], tuple[str, str, str] | None]


def resolve(
    question: str,
    history: Sequence[Turn] = (),
    initiative_of: InitiativeOf | None = None,
    lang: str = "nb",
) -> Resolution:
    """The question to answer given the earlier turns (oldest first). Earlier turns are
    resolved in order too, so "Og hvem er med?" after "Hvem har ansvaret for det?" after "Hva er
    K4?" still means K4."""
    question = " ".join(question.split())
    reading = read(question)
    if reading.kind == "standalone":
        return Resolution(question)
    latest: Subject | None = None
    for turn in history[-MAX_TURNS:]:
        earlier = _resolved(" ".join(turn.question.split()), read(turn.question), latest, lang)
        if earlier is None:
            continue
        ini = initiative_of(earlier, turn.citations) if initiative_of else None
        latest = subject_of(earlier, ini) or latest
    rewritten = _resolved(question, reading, latest, lang)
    if rewritten is None:
        return _clarify(question, reading)
    if rewritten == question:
        return Resolution(question)
    return Resolution(rewritten, interpreted_as=rewritten, subject=latest)


def _resolved(question: str, reading: Reading, latest: Subject | None, lang: str) -> str | None:
    """The question as it is answered after the turn about ``latest``; None when it needs
    something to refer to and there is nothing. "Hva med kultur?" and "Hva er målet?" stand on
    their own when nothing came before."""
    if reading.kind == "standalone":
        return question
    if latest is None:
        alone = reading.kind == "topic" or (reading.kind == "bare" and not reading.relational)
        return question if alone else None
    return _rewrite(question, reading, latest, lang)


def history_bytes(turns: Sequence[Turn]) -> int:
    """Size of the turns as a page's form carries them (URL-encoded)."""
    return len(urlencode(form_fields(turns)))


def form_fields(turns: Sequence[Turn]) -> list[tuple[str, str]]:
    """The hidden fields of the chat form for these turns: ``tidligere`` (the question) and
    ``kilder`` (its passage ids, space-separated), in pairs, oldest first."""
    return [
        field
        for t in turns
        for field in (("tidligere", t.question), ("kilder", " ".join(t.citations[:PAGE_CITATIONS])))
    ]


_PASSAGE_ID = re.compile(r"^[\w.-]{1,200}$")


def fit(turns: Sequence[Turn]) -> list[Turn]:
    """The turns a page carries: the latest ``MAX_TURNS``, then the oldest dropped until the
    rest fits ``HISTORY_BUDGET`` (the latest is always kept)."""
    kept = list(turns[-MAX_TURNS:])
    while len(kept) > 1 and history_bytes(kept) > HISTORY_BUDGET:
        kept.pop(0)
    return kept


def page_history(questions: Sequence[str], citations: Sequence[str], max_chars: int) -> list[Turn]:
    """Earlier turns from a page's form (``tidligere``/``kilder`` pairs), within bounds
    (``fit``). A form is lenient: anything unusable is left out (the JSON API validates)."""
    turns = []
    for i, raw in enumerate(questions):
        text = " ".join(raw.split())
        if not text or len(text) > max_chars:
            continue
        ids = citations[i].split() if i < len(citations) else []
        turns.append(Turn(text, tuple(p for p in ids if _PASSAGE_ID.match(p))[:PAGE_CITATIONS]))
    return fit(turns)
