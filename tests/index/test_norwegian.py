from index.norwegian import analyse, build_vocabulary, content_words, split_compound, stem, words


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
