import tomllib
from pathlib import Path

from index.norwegian import words
from index.nynorsk import bokmal_candidates, fold_phrases, fold_word, is_nynorsk

TABLE = tomllib.loads((Path("index/data/nynorsk.toml")).read_text("utf-8"))


def test_question_words_and_common_forms_fold_to_bokmal():
    assert [fold_word(w) for w in ("kva", "kven", "korleis", "kvifor", "eg", "ikkje")] == [
        "hva",
        "hvem",
        "hvordan",
        "hvorfor",
        "jeg",
        "ikke",
    ]
    assert fold_word("utanforskap") == "utenforskap"
    assert fold_word("planen") == "planen"  # bokmål words pass through


def test_question_phrases_fold_before_words():
    assert fold_phrases("Kor mykje kostar det?") == "hvor mye kostar det?"
    assert fold_phrases("kva tid startar det") == "når startar det"
    assert fold_phrases("Koret song") == "Koret song"  # "kor" alone may be a choir


def test_plural_and_definite_endings_give_bokmal_candidates():
    assert "jobber" in bokmal_candidates("jobbar")
    assert "satsingene" in bokmal_candidates("satsingane")
    assert "inkluderende" in bokmal_candidates("inkluderande")


def test_passages_and_questions_are_analysed_alike():
    assert words("Kva gjer fylket for born?") == words("Hva gjør fylket for barn?")


def test_language_is_recognised_from_marker_words():
    assert is_nynorsk(["kva", "er", "hovudmålet", "med", "planen"])
    assert is_nynorsk(["følgjer", "fylket", "med", "på", "kor", "mange", "småborn"])
    assert not is_nynorsk(["hva", "er", "hovedmålet", "med", "planen"])


def test_the_table_only_maps_words_to_other_words():
    for table in ("words", "phrases"):
        for key, value in TABLE[table].items():
            assert key == key.lower() and value and key != value, (table, key)
    for ending, replacement in TABLE["suffixes"].items():
        assert ending != replacement
