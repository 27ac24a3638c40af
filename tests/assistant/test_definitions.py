from assistant.definitions import defined_term, defines


def test_definition_questions_name_their_term():
    assert defined_term("Hva menes med utenforskap?") == ["utenforskap"]
    assert defined_term("Kva tyder deltidsinnbyggjar?") is not None
    assert defined_term("Hva er en deltidsinnbygger?") is not None
    assert defined_term("Hvilke tiltak har NAV ansvar for?") is None


def test_a_defining_sentence_is_recognised():
    term = defined_term("Hva menes med utenforskap?")
    assert defines("Det handler om arbeid. Utenforskap handler om at en person står utenfor.", term)
    assert defines("Med utenforskap menes at noen står utenfor fellesskapet.", term)


def test_a_new_sentence_after_the_term_is_not_a_definition():
    # Headings run into the text without a full stop: "… relatert til utenforskap Det er …".
    term = defined_term("Hva menes med utenforskap?")
    assert not defines("Utfordringer relatert til utenforskap Det er høy andel unge.", term)
    assert not defines("Vi vil redusere utenforskap i hele fylket.", term)
