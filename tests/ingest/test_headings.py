from ingest.headings import find_blocks, initiative_id
from ingest.models import Line, Page

BODY = 10.0


def _lines(*specs):
    return [Line(t, s, b) for t, s, b in specs]


def test_initiative_ids():
    assert initiative_id("K4 Sikre digital kompetanse") == "K4"
    assert initiative_id("L13 Beitostølen - et inkluderende bygde- og reiselivssenter") == "L13"
    assert initiative_id("2.1 Strategier") is None
    assert initiative_id("FNs bærekraftsmål") is None


def test_numbered_headings_nest_and_initiatives_sit_under_the_nearest_numbered():
    pages = [
        Page(
            1,
            _lines(
                ("5 Handlingsprogram", 18, True),
                ("Innledende tekst om programmet.", BODY, False),
                ("5.2 Arbeidsliv", 14, True),
                ("5.2.3 By- og regionsentersatsinger", 11.5, True),
                ("A6 Samarbeid mellom næringsklynger og kompetanse- og", 11.5, True),
                ("forskningsmiljøene - Innlandsporteføljen", 11.5, True),
                ("Beskrivelse av A6.", BODY, False),
                ("A7 Ung inkludering", 11.5, True),
                ("Beskrivelse av A7.", BODY, False),
            ),
        ),
        Page(
            2,
            _lines(
                ("Fortsatt A7.", BODY, False),
                ("5.3 Lokalsamfunn", 14, True),
                ("Tekst om lokalsamfunn.", BODY, False),
            ),
        ),
    ]
    blocks = find_blocks(pages)
    paths = [(" › ".join(b.path), b.parts) for b in blocks]
    assert paths == [
        ("5 Handlingsprogram", [(1, "Innledende tekst om programmet.")]),
        (
            "5 Handlingsprogram › 5.2 Arbeidsliv › 5.2.3 By- og regionsentersatsinger › "
            "A6 Samarbeid mellom næringsklynger og kompetanse- og forskningsmiljøene - "
            "Innlandsporteføljen",
            [(1, "Beskrivelse av A6.")],
        ),
        (
            "5 Handlingsprogram › 5.2 Arbeidsliv › 5.2.3 By- og regionsentersatsinger › "
            "A7 Ung inkludering",
            [(1, "Beskrivelse av A7."), (2, "Fortsatt A7.")],
        ),
        ("5 Handlingsprogram › 5.3 Lokalsamfunn", [(2, "Tekst om lokalsamfunn.")]),
    ]


def test_bold_body_size_heading_is_a_subsection_and_sentences_are_not_headings():
    pages = [
        Page(
            1,
            _lines(
                ("2 Kompetanse", 18, True),
                ("Mål", BODY, True),
                ("Alle skal ha kompetanse.", BODY, False),
                ("Dette er en fet setning i brødteksten.", BODY, True),
                ("Mer tekst.", BODY, False),
            ),
        )
    ]
    blocks = find_blocks(pages)
    assert [b.path for b in blocks] == [["2 Kompetanse", "Mål"]]
    assert "Dette er en fet setning i brødteksten." in blocks[0].text


def test_markdown_levels_come_from_the_source():
    pages = [
        Page(
            1,
            [
                Line("Plan", heading_level=1),
                Line("Innledning."),
                Line("Mål", heading_level=2),
                Line("Målteksten."),
                Line("Tiltak", heading_level=2),
                Line("Tiltakstekst."),
            ],
        )
    ]
    assert [b.path for b in find_blocks(pages)] == [
        ["Plan"],
        ["Plan", "Mål"],
        ["Plan", "Tiltak"],
    ]
