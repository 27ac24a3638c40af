from hypothesis import given, settings
from hypothesis import strategies as st

from index import norwegian
from index.norwegian import (
    analyse,
    build_vocabulary,
    content_words,
    normalise,
    split_compound,
    stem,
    words,
)


def test_compound_splits_into_known_parts():
    vocab = build_vocabulary(["bolig for alle", "et godt tilbud", "utvikling av arbeid og liv"])
    assert split_compound("boligtilbud", vocab) == ["bolig", "tilbud"]
    assert [stem(p) for p in split_compound("arbeidslivet", vocab)] == ["arbeid", "liv"]
    assert split_compound("fylkeskommune", vocab) == []  # parts unknown: no split


def test_analyse_adds_compound_parts_so_parts_match():
    vocab = build_vocabulary(["bolig", "tilbud"])
    terms = analyse("Nye boligtilbud", vocab)
    assert stem("boligtilbud") in terms
    assert stem("bolig") in terms and stem("tilbud") in terms


def test_nynorsk_question_words_fold_to_bokmal():
    assert words("Kva gjer kommunen ikkje?")[:1] == ["hva"]
    assert "ikke" in words("ikkje")
    # question words are stopwords either way, so nynorsk and bokmål questions analyse alike
    assert content_words("Korleis får eg bustad?") == content_words("Hvordan får jeg bolig?")


def test_stopwords_and_single_letters_are_not_content():
    assert content_words("Hva er en trainee i et år?") == ["trainee", "år"]


# -- properties (hypothesis) and bounds of compound splitting -------------------------------------
SYLLABLES = ["plan", "legging", "s", "arbeid", "e", "bolig", "tilbud", "liv", "het", "ing", "kom"]
VOCABULARY = build_vocabulary(
    ["plan planlegging arbeid bolig tilbud liv kommune legging arbeidsliv boligtilbud"]
)
compound_words = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=8).map("".join)
any_text = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.sampled_from(
            [*"aeiklnoprstæøå -.,0123456789#[](\n", "ing", "het", "K4", "kr", "arbeid"]
        ),
        max_size=150,
    ).map("".join),
)


def reference_split(word, vocabulary, min_part=4):
    """The unbounded search split_compound replaced (exponential on long words): the results
    must be the same wherever that search finishes."""
    if len(word) < 2 * min_part:
        return []
    for i in range(len(word) - min_part, min_part - 1, -1):
        head, tail = word[:i], word[i:]
        for link in ("", "s", "e"):
            if link and not head.endswith(link):
                continue
            base = head[: len(head) - len(link)] if link else head
            if len(base) < min_part:
                continue
            if stem(base) in vocabulary or base in vocabulary:
                if tail in norwegian._SUFFIX_TAILS or stem(tail) in norwegian._SUFFIX_TAILS:
                    continue
                if stem(tail) in vocabulary or tail in vocabulary:
                    return [base, tail]
                rest = reference_split(tail, vocabulary, min_part)
                if rest:
                    return [base, *rest]
    return []


@settings(max_examples=400, deadline=None)
@given(compound_words.filter(lambda w: len(w) <= 30))
def test_split_compound_gives_the_results_of_the_unbounded_search(word):
    expected = reference_split(word, VOCABULARY)
    found = split_compound(word, VOCABULARY)
    if len(expected) <= norwegian.MAX_COMPOUND_PARTS:
        assert found == expected
    else:  # "planplanplanplanplanplan": more parts than any real compound has
        assert len(found) <= norwegian.MAX_COMPOUND_PARTS


def rebuilds(word: str, parts: list[str]) -> bool:
    """Is ``word`` the parts joined by nothing, -s- or -e-?"""
    if len(parts) == 1:
        return word == parts[0]
    head, rest = parts[0], parts[1:]
    return word.startswith(head) and any(
        word[len(head) :].startswith(link) and rebuilds(word[len(head) + len(link) :], rest)
        for link in ("", "s", "e")
    )


@settings(max_examples=300, deadline=500)
@given(compound_words)
def test_split_parts_rebuild_the_word_from_known_parts(word):
    parts = split_compound(word, VOCABULARY)
    if not parts:
        return
    assert 2 <= len(parts) <= norwegian.MAX_COMPOUND_PARTS
    assert all(len(p) >= 4 for p in parts)
    assert rebuilds(word, parts)
    assert all(stem(p) in VOCABULARY or p in VOCABULARY for p in parts)


@settings(max_examples=200, deadline=200)
@given(st.integers(1, 40), st.sampled_from(["planleggingsarbeid", "boligtilbud", "arbeidsliv"]))
def test_split_compound_is_bounded_on_long_made_up_words(repeat, word):
    long_word = word * repeat
    parts = split_compound(long_word, VOCABULARY)
    if len(long_word) > norwegian.MAX_COMPOUND_CHARS:
        assert parts == []


@settings(max_examples=300, deadline=500)
@given(any_text)
def test_analysis_of_any_text_is_consistent(text):
    all_words = words(text)
    content = content_words(text)
    assert set(content) <= set(all_words)
    assert all(len(w) > 1 and "-" not in w for w in content)
    terms = analyse(text, VOCABULARY)
    parts = {stem(p) for w in content for p in split_compound(w, VOCABULARY)}
    assert {stem(w) for w in content} <= set(terms) <= {stem(w) for w in content} | parts
    assert analyse(text, VOCABULARY) == terms  # deterministic
    assert words(normalise(text)) == all_words
