from index.passage_text import sentence_runs


def test_lines_know_the_running_sentence_they_are_part_of():
    text = "Toleranse for feil\nUtformingen skal minimalisere farer. Like muligheter\nAlle med."
    assert sentence_runs(text) == [
        ("Toleranse for feil", 0),
        ("Utformingen skal minimalisere farer.", 0),
        ("Like muligheter", 1),
        ("Alle med.", 1),
    ]
    assert sentence_runs("Én setning. To setninger.") == [
        ("Én setning.", 0),
        ("To setninger.", 1),
    ]
