"""The Assistant facade: what the CLI and the web app call. Loads the current index once,
answers questions, searches, lists documents and initiatives, and picks up new index versions
without a restart (requests in flight keep the version they started with).

A version that cannot be served is remembered, not loaded again and again: a new attempt is
made only when the ``current`` pointer or the set of versions changes."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import quote

from assistant import metrics
from assistant.answer import Source, compose, marks
from assistant.answer_cache import AnswerCache
from assistant.conversation import Turn, resolve
from assistant.evidence import EVIDENCE_PASSAGES, Evidence, RefusalModel, refusal_model_for
from assistant.glossary import Glossary, load_glossary
from assistant.messages import message
from assistant.models import AskResult, Citation, DocumentInfo
from assistant.query import Query, analyse
from assistant.retrieval import Hit, Retriever
from assistant.settings import Settings
from index.embedder import Embedder, load_embedder
from index.lexicon import Lexicon
from index.store import IndexError_, IndexStore, LoadedIndex
from ingest.models import Initiative, Passage
from ingest.splitter import split_sentences

log = logging.getLogger(__name__)

NUMBERED_CHAPTER = re.compile(r"^\d+(?:\.\d+)*\.?\s+(\S.*)$")
# First words of chapters that are about the plan rather than a theme of it.
FRONT_MATTER = frozenset(
    {
        "forord",
        "innledning",
        "innhold",
        "innholdsfortegnelse",
        "sammendrag",
        "bakgrunn",
        "velkommen",
        "vedlegg",
        "kilder",
        "referanser",
        "litteratur",
        "handlingsprogram",
        "handlingsdel",
        "oppfølging",
    }
)


# The initiative field that answers each kind of structured question.
_FIELD_LABELS = {
    "responsible": re.compile(r"\bAnsvarle?g", re.IGNORECASE),
    "partner": re.compile(r"\bSam[ae]r?beids?\s*part", re.IGNORECASE),
    "priority": re.compile(r"\bPrioriter", re.IGNORECASE),
    "links": re.compile(r"\bKo[bp]l(?:ing|inger|ingar)\s+til", re.IGNORECASE),
}


class IndexUnavailable(Exception):
    """No usable index (none built yet, or every version damaged). The web answers 503."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class _State:
    loaded: LoadedIndex
    retriever: Retriever
    by_id: dict[str, int]
    lexicon: Lexicon
    by_initiative: dict[tuple[str, str], list[int]]  # (document, initiative id) → passages


class Assistant:
    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        glossary: Glossary | None = None,
    ) -> None:
        self.settings = settings
        self.store = IndexStore(settings.index_dir)
        self._embedder = embedder
        self.glossary = glossary or load_glossary()
        self._state: _State | None = None
        self._refusal: RefusalModel | None = None
        self._lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self._reloader: threading.Thread | None = None
        self._reloader_guard = threading.Lock()
        self._last_check = 0.0
        self._seen_current: str | None = None  # `current` as it was at the last check
        self._failure: tuple[object, IndexUnavailable] | None = None  # (what was on disk, why)
        self.answers = AnswerCache(settings.answer_cache_size)
        # Answers are computed one at a time: the model runs on PLAN_COMPUTE_THREADS threads,
        # and more questions at once would only make them fight over the same cores.
        self._compute = threading.Lock()

    # -- index lifecycle ------------------------------------------------------------------
    @property
    def refusal(self) -> RefusalModel:
        if self._refusal is None:
            self._refusal = refusal_model_for(self.embedder.name)
        return self._refusal

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder(self.settings)
        return self._embedder

    def _load(self) -> _State:
        """The current version, or the newest good one when current is damaged."""
        emb = self.embedder
        try:
            loaded = self.store.load_best(model=emb.name, dimension=emb.dimension)
        except IndexError_ as exc:
            raise IndexUnavailable(exc.message) from exc
        return self._serve(loaded)

    def _serve(self, loaded: LoadedIndex) -> _State:
        by_id = {p.passage_id: i for i, p in enumerate(loaded.passages)}
        lexicon = Lexicon.from_texts(
            (_lexical(p) for p in loaded.passages), loaded.lexical.vocabulary
        )
        by_initiative: dict[tuple[str, str], list[int]] = {}
        for i, p in enumerate(loaded.passages):
            if p.initiative:
                by_initiative.setdefault((p.document_id, p.initiative), []).append(i)
        retriever = Retriever(loaded, self.embedder, self.settings)
        return _State(loaded, retriever, by_id, lexicon, by_initiative)

    def _on_disk(self) -> tuple[str | None, tuple[str, ...]]:
        """What a load would look at: the current pointer and the version directories."""
        return self.store.current_version(), tuple(self.store.versions())

    def _state_now(self) -> _State:
        state = self._state
        if state is None:
            with self._lock:
                if self._state is None:
                    on_disk = self._on_disk()
                    if self._failure is not None and self._failure[0] == on_disk:
                        raise self._failure[1]  # nothing changed since the last attempt
                    try:
                        self._state = self._load()
                    except IndexUnavailable as exc:
                        self._failure = (on_disk, exc)
                        raise
                    self._now_serving(self._state, None)
                    self._seen_current = on_disk[0]
                state = self._state
        return state

    def reload_if_changed(self, force: bool = False) -> bool:
        """Swap to a newer current version if there is one. A bad new version keeps the old one
        and is remembered: it is not loaded again until ``current`` changes."""
        now = time.monotonic()
        if not force and now - self._last_check < self.settings.index_poll_s:
            return False
        with self._reload_lock:
            self._last_check = now
            current = self.store.current_version()
            state = self._state
            if state is None:
                try:
                    self._state_now()
                except IndexUnavailable:
                    return False
                return True
            if current == state.loaded.version or current == self._seen_current:
                return False
            self._seen_current = current
            if current is None:
                log.error("index: no current version, keeping %s", state.loaded.version)
                return False
            emb = self.embedder
            try:
                new = self._serve(self.store.load(current, model=emb.name, dimension=emb.dimension))
            except IndexError_ as exc:
                log.error("index: %s Keeping %s.", exc.message, state.loaded.version)
                return False
            with self._lock:
                self._state = new
            self._now_serving(new, state.loaded.version)
            log.info("serving index version %s", new.loaded.version)
            return True

    def _now_serving(self, state: _State, previous: str | None) -> None:
        """After a version is loaded: cached answers of other versions go, metrics follow."""
        self.answers.switch(state.loaded.version)
        metrics.serving(state.loaded.version, len(state.loaded.passages), previous)

    def reload_in_background(self) -> None:
        """Run ``reload_if_changed`` in a thread when a check is due; never blocks the caller
        (the web app calls this from its event loop, where loading an index would stall every
        request)."""
        if time.monotonic() - self._last_check < self.settings.index_poll_s:
            return
        with self._reloader_guard:
            if self._reloader is not None and self._reloader.is_alive():
                return
            self._reloader = threading.Thread(
                target=self._reload_logged, name="index-reload", daemon=True
            )
            self._reloader.start()

    def _reload_logged(self) -> None:
        try:
            self.reload_if_changed()
        except Exception:  # a bad new version must never fail requests
            log.exception("index reload check failed")

    @property
    def index_version(self) -> str | None:
        try:
            return self._state_now().loaded.version
        except IndexUnavailable:
            return None

    @property
    def passage_count(self) -> int:
        try:
            return len(self._state_now().loaded.passages)
        except IndexUnavailable:
            return 0

    # -- questions --------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        k: int | None = None,
        lang: str | None = None,
        history: Sequence[Turn] = (),
    ) -> AskResult:
        """The answer; a question asked before with the same context (k, language, the
        conversation so far) on the version served now is answered from the cache
        (``assistant.answer_cache``)."""
        key = self.answers.key(
            question, k=k or self.settings.top_k, lang=lang, history=tuple(history)
        )
        cached = self.answers.get(self._state_now().loaded.version, key)
        if cached is None:
            with self._compute:  # the same question may have been answered while waiting
                cached = self.answers.get(self._state_now().loaded.version, key)
                if cached is None:
                    result = self.respond(question, k, lang, history)[0]
                    self.answers.put(result.index_version, key, result.model_copy(deep=True))
        if cached is not None:
            result = cached.model_copy(deep=True)
        metrics.answered(result.found, cached is not None)
        return result

    def respond(
        self,
        question: str,
        k: int | None = None,
        lang: str | None = None,
        history: Sequence[Turn] = (),
    ) -> tuple[AskResult, Evidence | None]:
        """The answer, and the evidence the refusal decision was made on (None for answers
        from the structured initiative data and for questions asked back). ``history`` holds
        the earlier turns of the conversation, oldest first (``assistant.conversation``);
        ``lang`` is the language the assistant writes in (default: the question's)."""
        state = self._state_now()
        k = k or self.settings.top_k
        question = " ".join(question.split())
        asked = self.analyse(question, state)
        lang = lang or asked.language
        resolution = resolve(question, history, partial(self._initiative_of, state), lang)
        if resolution.clarify:
            answer = message(resolution.clarify, lang, **dict(resolution.values))
            result = AskResult(
                question=question,
                found=False,
                answer=answer,
                citations=[],
                index_version=state.loaded.version,
                clarifying=True,
            )
            return result, None
        searched = resolution.question
        query = asked if searched == question else self.analyse(searched, state)
        key = resolution.subject.initiative_key if resolution.subject else None
        structured = self._ask_initiatives(searched, query, state, lang, key)
        if structured is not None:
            structured.question = question
            structured.interpreted_as = resolution.interpreted_as
            return structured, None
        retriever = state.retriever
        texts = query.dense_texts
        focus = [query.focus] if query.focus != query.text else []
        started = time.perf_counter()
        vectors = retriever.embedder.encode_queries(texts + focus)
        metrics.EMBED_SECONDS.observe(time.perf_counter() - started)
        ranking = retriever.rank(query, max(k, EVIDENCE_PASSAGES), vectors[: len(texts)])
        hits = ranking.hits
        dense_focus = ranking.best_dense
        if focus:
            dense_focus = float(retriever.dense_scores(query, vectors[len(texts) :]).max())
        evidence = self._evidence(query, hits, ranking.best_dense, dense_focus, state)
        found = bool(hits) and self.refusal.score(evidence) >= self.settings.min_evidence
        citations = [
            self._citation(n, h.index, h.score, state, query) for n, h in enumerate(hits[:k], 1)
        ]
        if found:
            sources = [
                Source(
                    c.n, c.text, c.n - 1, state.loaded.sentence_similarities(h.index, vectors[0])
                )
                for c, h in zip(citations[:EVIDENCE_PASSAGES], hits, strict=False)
            ]
            answer = compose(
                query, sources, state.loaded.lexical, self.settings.answer_sentences, lang
            )
        else:
            answer = message("refusal", lang)
        result = AskResult(
            question=question,
            found=found,
            answer=answer,
            citations=citations,
            index_version=state.loaded.version,
            expanded_terms=query.also_searched,
            interpreted_as=resolution.interpreted_as,
        )
        return result, evidence

    def _initiative_of(
        self, state: _State, text: str, citations: Sequence[str]
    ) -> tuple[str, str, str] | None:
        """(key, id, title) of the initiative an earlier turn was about (``conversation``)."""
        from assistant.initiatives import referred_initiative

        cited = [state.loaded.passages[state.by_id[c]] for c in citations if c in state.by_id]
        ini = referred_initiative(text, cited, state.loaded.initiatives)
        return (ini.key, ini.id, ini.title) if ini else None

    def _evidence(
        self, query: Query, hits: list[Hit], dense: float, dense_focus: float, state: _State
    ) -> Evidence:
        lexical = state.loaded.lexical
        top = [state.loaded.passages[h.index] for h in hits[:EVIDENCE_PASSAGES]]
        sentences = [
            (text, terms) for p in top for text, terms in _sentences_in_context(p, lexical)
        ]
        return Evidence.gather(
            query,
            dense,
            dense_focus,
            [set(lexical.query_terms(_lexical(p))) for p in top],
            sentences,
            lexical,
        )

    def search(self, q: str, k: int | None = None) -> list[Citation]:
        state = self._state_now()
        k = k or self.settings.top_k
        query = self.analyse(q, state)
        with self._compute:
            hits: list[Hit] = state.retriever.search(query, k)
        return [self._citation(n, h.index, h.score, state, query) for n, h in enumerate(hits, 1)]

    def analyse(self, question: str, state: _State | None = None) -> Query:
        state = state or self._state_now()
        return analyse(
            question, state.loaded.lexical, self.glossary, state.lexicon, state.retriever.off
        )

    def _ask_initiatives(
        self, question: str, query: Query, state: _State, lang: str, key: str | None = None
    ) -> AskResult | None:
        """An answer from the initiatives' structured data; ``key`` is the initiative the
        conversation is about (tells two initiatives with one id apart)."""
        from assistant.initiatives import compose_initiative_answer, match_initiative_question

        match = match_initiative_question(question, state.loaded.initiatives, key)
        if match is None or not match.initiatives:
            return None
        citations = []
        # The passage with the field asked about; a linked initiative's first passage.
        kind = match.fields[0] if match.kind == "field" else match.kind
        asked = {i.key for i in match.initiatives}
        for n, ini in enumerate(match.cited[:12], 1):
            idx = self._initiative_passage(ini, kind if ini.key in asked else "", state)
            if idx is None:
                return None
            citations.append(self._citation(n, idx, 1.0, state, query))
        return AskResult(
            question=question,
            found=True,
            answer=compose_initiative_answer(match, lang=lang),
            citations=citations,
            index_version=state.loaded.version,
        )

    def _initiative_passage(self, ini: Initiative, kind: str, state: _State) -> int | None:
        """The passage that shows what the answer says about an initiative: the one with the
        field asked about ("Samarbeidspartnere: …" for a partner question), else the
        initiative's first passage."""
        passages = state.loaded.passages
        own = state.by_initiative.get((ini.document_id, ini.id), [])
        titled = [i for i in own if passages[i].section.endswith(ini.title)] or own
        label = _FIELD_LABELS.get(kind)
        if label is not None:
            with_field = next((i for i in titled if label.search(passages[i].text)), None)
            if with_field is not None:
                return with_field
        first = state.by_id.get(ini.passage_id or "")
        return first if first is not None else next(iter(titled), None)

    def _citation(self, n: int, idx: int, score: float, state: _State, query: Query) -> Citation:
        p = state.loaded.passages[idx]
        doc = quote(p.document_id, safe="")
        return Citation(
            n=n,
            passage_id=p.passage_id,
            document_id=p.document_id,
            document_title=p.document_title,
            page=p.page,
            page_label=p.page_label,
            section=p.section,
            initiative=p.initiative,
            text=p.text,
            score=round(float(score), 6),
            url=passage_url(p),
            pdf_url=f"/dokumenter/{doc}/fil#page={p.page}",
            marks=marks(p.text, query.terms, state.loaded.lexical.vocabulary),
        )

    # -- documents and initiatives --------------------------------------------------------------
    def documents(self) -> list[DocumentInfo]:
        loaded = self._state_now().loaded
        counts: dict[str, int] = {}
        for p in loaded.passages:
            counts[p.document_id] = counts.get(p.document_id, 0) + 1
        return [
            DocumentInfo(
                document_id=d["document_id"],
                title=d["title"],
                file_name=d["file_name"],
                media_type=d["media_type"],
                pages=len(d["pages"]),
                passages=counts.get(d["document_id"], 0),
            )
            for d in sorted(loaded.documents.values(), key=lambda d: d["title"].lower())
        ]

    def document(self, document_id: str) -> tuple[dict, list[Passage]] | None:
        loaded = self._state_now().loaded
        meta = loaded.documents.get(document_id)
        if meta is None:
            return None
        passages = [p for p in loaded.passages if p.document_id == document_id]
        passages.sort(key=lambda p: (p.page, p.char_start))
        return meta, passages

    def passage(self, passage_id: str) -> Passage | None:
        state = self._state_now()
        idx = state.by_id.get(passage_id)
        return None if idx is None else state.loaded.passages[idx]

    def document_file(self, document_id: str) -> Path | None:
        meta = self._state_now().loaded.documents.get(document_id)
        if meta is None:
            return None
        suffix = meta.get("stored_suffix") or Path(meta["file_name"]).suffix.lower()
        path = self.store.file_path(meta["sha256"], suffix)
        return path if path.is_file() else None

    def themes(self, limit: int = 12) -> list[str]:
        """What one can ask about: the initiatives' themes, then the plans' numbered chapters
        (numbering dropped). Front matter ("Innledning", "Handlingsprogram") and unnumbered
        headings such as slide titles ("Hva vet vi?") are left out."""
        loaded = self._state_now().loaded
        names = [i.theme for i in loaded.initiatives if i.theme]
        for p in loaded.passages:
            chapter = NUMBERED_CHAPTER.match(p.section.split(" › ")[0])
            if chapter and chapter.group(1).split()[0].casefold() not in FRONT_MATTER:
                names.append(chapter.group(1).strip())
        seen: dict[str, str] = {}
        for name in names:
            seen.setdefault(name.casefold(), name)
        return list(seen.values())[:limit]

    def all_initiatives(self) -> list[Initiative]:
        return list(self._state_now().loaded.initiatives)

    def initiatives(self, **filters: str | None) -> list[Initiative]:
        from assistant.initiatives import filter_initiatives

        return filter_initiatives(self.all_initiatives(), **filters)

    def initiatives_by_reference(self, ref: str) -> list[Initiative]:
        """A key, or an id ("K8"; several initiatives when an id is used twice)."""
        from assistant.initiatives import resolve_reference

        return resolve_reference(self.all_initiatives(), ref)

    def initiative_facets(self, **filters: str | None) -> dict[str, list[dict[str, object]]]:
        from assistant.initiatives import initiative_facets

        return initiative_facets(self.all_initiatives(), **filters)

    def initiatives_linking_to(self, initiative: Initiative) -> list[Initiative]:
        from assistant.initiatives import linking_to

        return linking_to(self.all_initiatives(), initiative)


def passage_url(p: Passage) -> str:
    """The passage in the document reader, highlighted."""
    doc = quote(p.document_id, safe="")
    return f"/dokumenter/{doc}?passasje={p.passage_id}#passasje-{p.passage_id}"


def _sentences_in_context(passage: Passage, lexical) -> list[tuple[str, set[str]]]:
    """The passage's sentences, each with the terms of its context: the section heading, the
    sentence before it and itself ("Handlingsprogrammet … Dette fornyes hvert år …": the
    second sentence answers "Hvor ofte blir handlingsprogrammet revidert?")."""
    heading = set(lexical.query_terms(passage.section))
    texts = split_sentences(passage.text)
    terms = [set(lexical.query_terms(t)) for t in texts]
    return [
        (text, heading | (terms[i - 1] if i else set()) | terms[i]) for i, text in enumerate(texts)
    ]


def _lexical(passage: Passage) -> str:
    from index.passage_text import lexical_text

    return lexical_text(passage)
