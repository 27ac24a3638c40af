from assistant.glossary import Glossary, load_glossary


def test_everyday_words_expand_to_plan_words_by_stem():
    g = Glossary.from_toml('[terms]\njobb = ["arbeidsliv"]\n"dropper ut" = ["frafall"]\n')
    assert g.expansions("Hvordan får jeg jobb?") == ["arbeidsliv"]
    assert g.expansions("Mange jobber deltid") == ["arbeidsliv"]  # inflected form
    assert g.expansions("Ungdom som dropper ut av skolen") == ["frafall"]
    assert g.expansions("Hva er planen?") == []


def test_words_already_in_the_question_are_not_repeated():
    g = Glossary.from_toml('[terms]\njobb = ["jobb", "arbeid"]\n')
    assert g.expansions("jobb") == ["arbeid"]


def test_bundled_glossary_has_abbreviations_and_nynorsk_works():
    g = load_glossary()
    assert "interkommunale politiske råd" in g.expansions("Hva gjør IPR?")
    assert g.expansions("Korleis får eg jobb?")  # nynorsk question words do not block matching
