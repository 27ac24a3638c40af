"""Descriptions as paragraphs and lists for the initiative page."""

from web.markup import description_blocks


def test_short_lines_after_a_colon_are_a_list():
    text = "Innledning.\nVi satser på:\nkompetanse og læring\narbeidsliv\nEtter listen. Mer tekst."
    assert description_blocks(text) == [
        ("p", "Innledning."),
        ("p", "Vi satser på:"),
        ("ul", ["kompetanse og læring", "arbeidsliv"]),
        ("p", "Etter listen. Mer tekst."),
    ]


def test_a_single_line_or_running_text_after_a_colon_stays_a_paragraph():
    assert description_blocks("Hovedmålet er:\nInnlandet skal være inkluderende") == [
        ("p", "Hovedmålet er:"),
        ("p", "Innlandet skal være inkluderende"),
    ]
    assert [kind for kind, _ in description_blocks("Slik:\nEn setning. To setninger.\nx")] == [
        "p",
        "p",
        "p",
    ]
