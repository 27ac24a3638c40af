from index.passage_text import answer_sentences, vector_sentences


def test_vector_sentences_read_lines_as_running_text():
    # Indexes written before lines were kept have these sentences; their vectors still match.
    text = "Toleranse for feil\nUtformingen skal minimalisere farer. Like muligheter\nAlle med."
    assert vector_sentences(text) == [
        "Toleranse for feil Utformingen skal minimalisere farer.",
        "Like muligheter Alle med.",
    ]


def test_answer_sentences_know_the_vector_sentence_they_belong_to():
    text = "Toleranse for feil\nUtformingen skal minimalisere farer. Like muligheter\nAlle med."
    assert answer_sentences(text) == [
        ("Toleranse for feil", 0),
        ("Utformingen skal minimalisere farer.", 0),
        ("Like muligheter", 1),
        ("Alle med.", 1),
    ]
    assert answer_sentences("Én setning. To setninger.") == [
        ("Én setning.", 0),
        ("To setninger.", 1),
    ]
