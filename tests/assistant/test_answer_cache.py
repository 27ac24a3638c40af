"""The answer cache: a repeated question is answered once per index version and context, the
cache is emptied when another version is served, and an answer is never served from another
version than the one the request sees."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.answer_cache import AnswerCache
from assistant.models import AskResult

PLAN = "# Boligplan\n\n## Mål\n\nKommunen bygger {n} nye boliger for unge i sentrum.\n"
QUESTION = "Hvor mange boliger bygger kommunen?"


@dataclasses.dataclass(frozen=True)
class _Turn:
    question: str
    citations: tuple[str, ...]


def test_key_is_the_normalised_question_and_every_part_of_the_context():
    key = AnswerCache.key
    assert key("  Hva  er\tmålet? ", k=5, lang="nb") == key("Hva er målet?", k=5, lang="nb")
    assert key("Hva er målet?", k=5, lang="nb") != key("Hva er målet?", k=5, lang="nn")
    assert key("Hva er målet?", k=5, lang="nb") != key("Hva er målet?", k=3, lang="nb")
    assert key("Hva er målet?", k=5) != key("hva er målet?", k=5)  # case may change the answer
    history = [_Turn("Hva er K4?", ("p-1", "p-2"))]
    with_history = key("Hvem har ansvaret?", k=5, lang="nb", history=history)
    assert with_history == key("Hvem har ansvaret?", k=5, lang="nb", history=list(history))
    assert with_history != key("Hvem har ansvaret?", k=5, lang="nb", history=[])
    other = [_Turn("Hva er K5?", ("p-1", "p-2"))]
    assert with_history != key("Hvem har ansvaret?", k=5, lang="nb", history=other)
    assert hash(key("x", turns=[{"question": "y", "citations": ["a"]}]))


def test_answers_are_kept_for_the_version_served_only():
    cache = AnswerCache(8)
    assert cache.get("v-1", "k") is None  # nothing is served before a version is
    cache.switch("v-1")
    cache.put("v-1", "k", "svar 1")
    assert cache.get("v-1", "k") == "svar 1"
    assert cache.get("v-2", "k") is None  # a request that sees another version
    cache.put("v-2", "k2", "svar 2")  # computed on a version that is not served: not kept
    assert len(cache) == 1
    cache.switch("v-2")
    assert len(cache) == 0 and cache.get("v-2", "k") is None and cache.get("v-1", "k") is None
    cache.put("v-1", "k", "svar 1")  # a slow request that finished on the old version
    assert len(cache) == 0


def test_least_recently_used_answers_go_first_and_size_zero_keeps_none():
    cache = AnswerCache(2)
    cache.switch("v")
    cache.put("v", "a", 1)
    cache.put("v", "b", 2)
    assert cache.get("v", "a") == 1  # a is now the most recently used
    cache.put("v", "c", 3)
    assert cache.get("v", "b") is None and cache.get("v", "a") == 1 and cache.get("v", "c") == 3
    off = AnswerCache(0)
    off.switch("v")
    off.put("v", "a", 1)
    assert off.get("v", "a") is None and len(off) == 0


@pytest.fixture()
def plans(tmp_path):
    from assistant.pipeline import build_index
    from assistant.service import Assistant
    from assistant.settings import Settings
    from index.embedder import FakeEmbedder

    (tmp_path / "plans").mkdir()
    plan = tmp_path / "plans" / "boligplan.md"
    plan.write_text(PLAN.format(n=40), "utf-8")
    settings = Settings(index_dir=tmp_path / "index", docs_dir=tmp_path / "plans")
    assert build_index(settings, embedder=FakeEmbedder()).version
    assistant = Assistant(settings, embedder=FakeEmbedder())

    def new_version(n: int) -> str:
        plan.write_text(PLAN.format(n=n), "utf-8")
        version = build_index(settings, embedder=FakeEmbedder()).version
        assert version
        return version

    return assistant, new_version


def _count_answers(assistant, monkeypatch) -> list[str]:
    computed: list[str] = []
    respond = assistant.respond

    def counting(question, *args, **kwargs):
        computed.append(question)
        return respond(question, *args, **kwargs)

    monkeypatch.setattr(assistant, "respond", counting)
    return computed


def _metric(name: str, **labels: str) -> float:
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_repeated_question_is_answered_once_per_context(plans, monkeypatch):
    assistant, _ = plans
    computed = _count_answers(assistant, monkeypatch)
    hits = _metric("planassistent_answer_cache_hits_total")
    first = assistant.ask(QUESTION)
    again = assistant.ask(f"  {QUESTION}  ")
    assert computed == [QUESTION] and again == first
    assert _metric("planassistent_answer_cache_hits_total") == hits + 1
    again.citations.clear()  # what a caller does with its answer does not reach the cache
    assert assistant.ask(QUESTION) == first
    assistant.ask(QUESTION, k=1)
    assistant.ask(QUESTION, lang="nn")
    assert len(computed) == 3  # another k, another language: answered anew


def test_a_follow_up_is_answered_anew_in_another_conversation(plans, monkeypatch):
    from assistant.conversation import Turn

    assistant, _ = plans
    computed = _count_answers(assistant, monkeypatch)
    first = assistant.ask(QUESTION)
    earlier = [Turn(QUESTION, tuple(c.passage_id for c in first.citations))]
    assistant.ask("Hvem har ansvaret for det?", history=earlier)
    assistant.ask("Hvem har ansvaret for det?", history=earlier)
    assistant.ask("Hvem har ansvaret for det?")
    assert computed == [QUESTION, "Hvem har ansvaret for det?", "Hvem har ansvaret for det?"]


def test_the_cache_is_emptied_on_a_version_switch(plans, monkeypatch):
    assistant, new_version = plans
    computed = _count_answers(assistant, monkeypatch)
    before = assistant.ask(QUESTION)
    assert "40" in before.citations[0].text and len(assistant.answers) == 1
    version = new_version(70)
    assert assistant.reload_if_changed(force=True)
    assert len(assistant.answers) == 0
    after = assistant.ask(QUESTION)
    assert after.index_version == version != before.index_version
    assert "70" in after.citations[0].text and len(computed) == 2
    assert _metric("planassistent_index_version_info", version=version) == 1
    assert _metric("planassistent_index_version_info", version=before.index_version) == 0


def test_an_answer_computed_while_the_version_switches_is_never_served(plans, monkeypatch):
    """The version changes while a question is being answered on the old one: that answer
    reaches its own caller, but no later request gets it."""
    assistant, new_version = plans
    respond = assistant.respond
    switched: list[str] = []

    def switch_midway(question, *args, **kwargs):
        result = respond(question, *args, **kwargs)  # computed on the old version …
        if not switched:
            switched.append(new_version(70))
            assert assistant.reload_if_changed(force=True)  # … which is then replaced
        return result

    monkeypatch.setattr(assistant, "respond", switch_midway)
    old = assistant.ask(QUESTION)
    assert old.index_version != switched[0]
    monkeypatch.setattr(assistant, "respond", respond)
    fresh = assistant.ask(QUESTION)
    assert fresh.index_version == switched[0] and "70" in fresh.citations[0].text


def test_answers_are_counted_by_whether_something_was_found(plans):
    assistant, _ = plans
    found = _metric("planassistent_answers_total", found="true")
    embeds = _metric("planassistent_embed_seconds_count")
    result = assistant.ask(QUESTION)
    assert isinstance(result, AskResult) and result.found
    assert _metric("planassistent_answers_total", found="true") == found + 1
    assert _metric("planassistent_embed_seconds_count") == embeds + 1
    assert _metric("planassistent_index_passages") == assistant.passage_count
