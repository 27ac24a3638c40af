from ingest.cleaning import (
    join_lines,
    join_paragraphs,
    normalise_text,
    remove_running_lines,
    remove_table_of_contents,
)
from ingest.models import Line, Page


def _page(n, texts, size=10.0):
    return Page(n, [Line(t, size) for t in texts])


def test_nfkc_turns_ligatures_into_letters_and_drops_soft_hyphens():
    assert normalise_text("ﬁnansiering og e\u00adﬀekt") == "finansiering og effekt"
    assert normalise_text("  to\u00a0  mellomrom ") == "to mellomrom"


TOPICS = ["kompetanse", "bolig", "arbeid", "kultur", "helse", "transport", "klima", "natur"]


def test_running_header_and_page_numbers_are_removed_but_body_stays():
    pages = [
        Page(
            n,
            [
                Line(f"{n}/5", 8),
                Line("Regional plan for det inkluderende Innlandet", 8),
                Line(f"Brødtekst om {TOPICS[n]}.", 10),
            ]
            + ([Line("Regional plan for det inkluderende Innlandet", 10)] if n == 3 else []),
        )
        for n in range(1, 6)
    ]
    cleaned = remove_running_lines(pages)
    for page in cleaned:
        texts = [ln.text for ln in page.lines]
        assert texts[0] == f"Brødtekst om {TOPICS[page.number]}."
        assert not any(t.endswith("/5") for t in texts)
    # A body line in the body font is not a running header even with the same words.
    assert cleaned[2].lines[-1].text == "Regional plan for det inkluderende Innlandet"


def test_footer_page_numbers_become_labels_when_they_differ():
    pages = [_page(n, [f"Tekst om {TOPICS[n]}.", f"Side {n + 10}"]) for n in range(1, 4)]
    cleaned = remove_running_lines(pages)
    assert [p.label for p in cleaned] == ["11", "12", "13"]
    assert all(len(p.lines) == 1 for p in cleaned)


def test_lines_repeated_on_few_pages_are_kept():
    pages = [_page(n, ["Mål", f"Tekst om {TOPICS[n]}."]) for n in range(1, 3)] + [
        _page(n, [f"Annet om {TOPICS[n - 2]}.", f"Tekst om {TOPICS[n - 1]}."]) for n in range(3, 9)
    ]
    cleaned = remove_running_lines(pages)
    assert cleaned[0].lines[0].text == "Mål"


def test_table_of_contents_is_dropped():
    toc = ["Innholdsfortegnelse"] + [f"{i} Kapittel {i}" for i in range(1, 7)]
    page = _page(1, [*toc, "Dette er brødtekst."])
    assert [ln.text for ln in remove_table_of_contents([page])[0].lines] == ["Dette er brødtekst."]


def test_dehyphenation_at_line_ends():
    assert join_lines(["Det gjelder arbeids-", "plassen vår."]) == "Det gjelder arbeidsplassen vår."
    assert join_lines(["By-", "og regionsentre"]) == "By- og regionsentre"
    assert join_lines(["et NAV-", "kontor"]) == "et NAV-kontor"
    assert join_lines(["Slutt på linje", "Ny linje"]) == "Slutt på linje Ny linje"


WIDE = "Satsingen handler om tilgjengelighet og mulighet for alle til å delta innenfor dette:"


def test_a_list_whose_bullets_the_pdf_lost_keeps_one_item_per_line():
    text = join_paragraphs(
        [
            WIDE,
            "kompetanse og livslang læring",
            "arbeidsliv og arbeidsplassutvikling",
            "lokalsamfunn, møteplasser og kultur",
        ],
        width=len(WIDE),
    )
    assert text.split("\n") == [
        WIDE,
        "kompetanse og livslang læring",
        "arbeidsliv og arbeidsplassutvikling",
        "lokalsamfunn, møteplasser og kultur",
    ]
    # Without the colon, short lines starting in lower case are one wrapped paragraph.
    assert "\n" not in join_paragraphs([WIDE[:-1], "kompetanse og", "livslang læring."])


def test_a_line_ending_in_a_preposition_runs_on_across_a_capital():
    lines = [WIDE, "Fra Norge deltar fylkeskommunen sammen med Høyskolen i", "Innlandet/ØF."]
    assert join_paragraphs(lines, width=len(WIDE)).split("\n")[1] == (
        "Fra Norge deltar fylkeskommunen sammen med Høyskolen i Innlandet/ØF."
    )
