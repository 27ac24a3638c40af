from ingest.splitter import pack, split_sentences
from ingest.tokens import estimate_tokens


def test_sentences_keep_abbreviations_and_dates_whole():
    text = (
        "Planen gjelder bl.a. skole og arbeid. Den ble vedtatt 16. desember 2022. "
        "Tiltak gjelder f.eks. NAV. Hva nå? Ja!"
    )
    assert split_sentences(text) == [
        "Planen gjelder bl.a. skole og arbeid.",
        "Den ble vedtatt 16. desember 2022.",
        "Tiltak gjelder f.eks. NAV.",
        "Hva nå?",
        "Ja!",
    ]


def test_passages_respect_both_limits_and_are_sentence_aligned():
    sentences = [
        f"Setning nummer {i} handler om kompetanse og arbeid i Innlandet." for i in range(40)
    ]
    text = " ".join(sentences)
    passages = pack(text, estimate_tokens, max_tokens=60, max_chars=300, overlap=1)
    assert len(passages) > 5
    for p in passages:
        assert len(p.text) <= 300
        assert estimate_tokens(p.text) <= 60
        assert p.text.startswith("Setning nummer") and p.text.endswith(".")
        assert text[p.start :].startswith(p.text[:20])
    # Every sentence is in some passage, and neighbours overlap by one sentence.
    joined = " ".join(p.text for p in passages)
    assert all(s in joined for s in sentences)
    first, second = passages[0].text, passages[1].text
    assert first.split(". ")[-1].rstrip(".") in second


def test_a_sentence_longer_than_the_limit_is_cut_at_commas_then_words():
    long = ", ".join(f"ledd {i} om bolig og tjenester" for i in range(60)) + "."
    passages = pack(long, estimate_tokens, max_tokens=50, max_chars=200, overlap=0)
    assert len(passages) > 3
    assert all(len(p.text) <= 200 for p in passages)
    words = " ".join(p.text for p in passages).replace(",", "").split()
    assert words[:4] == ["ledd", "0", "om", "bolig"]


def test_no_overlap_setting():
    text = " ".join(f"Kort setning {i}." for i in range(30))
    passages = pack(text, estimate_tokens, max_tokens=30, max_chars=100, overlap=0)
    joined = " ".join(p.text for p in passages)
    assert joined == text


def test_no_passage_is_longer_than_max_chars_even_without_spaces():
    """A list of numbers without spaces (one "word" of 13,887 characters) was one passage."""
    numbers = ",".join(str(i) for i in range(1, 3000))
    passages = pack(numbers, estimate_tokens, max_tokens=200, max_chars=800)
    assert len(passages) > 15
    assert max(len(p.text) for p in passages) <= 800
    assert "".join(p.text for p in passages) == numbers  # nothing lost, nothing repeated
    assert all(p.text.endswith(",") for p in passages[:-1])  # cut after a separator


def test_a_long_word_among_words_is_cut_at_the_limit():
    text = "Kort setning først. " + "x" * 5000 + " og litt til."
    passages = pack(text, estimate_tokens, max_tokens=200, max_chars=300)
    assert max(len(p.text) for p in passages) <= 300
    assert "".join(p.text for p in passages).count("x") == 5000


def test_token_limit_also_holds_for_cut_pieces():
    def count(s: str) -> int:  # a tokenizer for which every character is a token
        return len(s)

    passages = pack("ø" * 2000, count, max_tokens=100, max_chars=800)
    assert all(count(p.text) <= 100 for p in passages)
    assert "".join(p.text for p in passages) == "ø" * 2000


def test_a_line_without_a_full_stop_keeps_its_line_end():
    text = "Toleranse for feil\nUtformingen skal minimalisere farer.\nAndre ting\nog mer tekst her."
    [passage] = pack(text, estimate_tokens, max_tokens=200, max_chars=800)
    # A heading line ends with a newline; a line followed by lower case is wrapped text.
    assert passage.text == (
        "Toleranse for feil\nUtformingen skal minimalisere farer. Andre ting og mer tekst her."
    )
    assert split_sentences(passage.text)[:2] == [
        "Toleranse for feil",
        "Utformingen skal minimalisere farer.",
    ]
