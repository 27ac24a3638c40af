"""The organisation register: canonical names, aliases, whole words, case and inflection."""

from __future__ import annotations

import pytest

from ingest.organisations import Register, name_matcher, register

SMALL = Register.from_toml(
    """
[[organisation]]
name = "Innlandet fylkeskommune"
aliases = ["fylkeskommunen", "IFK"]

[[organisation]]
name = "KS"
aliases = []

[[organisation]]
name = "Skogfinsk museum"

[places]
names = ["Gjøvik", "Trondheim"]
"""
)


def test_a_name_string_names_an_organisation_only_on_whole_words():
    ks = SMALL.resolve("KS")
    assert ks is not None and ks.pattern.search("Innlandet fylkeskommune, KS og NAV")
    for text in ["landbruksorganisasjonene", "IT-virksomheter", "andre eksterne", "ks"]:
        assert not ks.pattern.search(text), text
    ifk = SMALL.resolve("IFK")
    assert [o.name for o in SMALL.named_in("Innlandet fylkeskommune ved Kultur")] == [ifk.name]
    assert not SMALL.named_in("fylkeskommunale råd, andre fylkeskommuner (Trøndelag)")


@pytest.mark.parametrize(
    "typed",
    ["fylkeskommunen", "Fylkeskommunen", "IFK", "ifk", "innlandet  fylkeskommune", "fylkeskommune"],
)
def test_typed_names_resolve_by_alias_case_and_inflection(typed):
    assert SMALL.resolve(typed).name == "Innlandet fylkeskommune"


def test_unknown_names_resolve_to_nothing_and_match_as_phrases():
    assert SMALL.resolve("Gjøvik kommune") is None
    matches = name_matcher("Gjøvik kommune")
    assert matches("Gjøvik kommune") and matches("gjøvik  kommune og NTNU")
    assert not matches("Gjøvik kommunes råd")
    assert name_matcher("  ")("anything")  # an empty filter filters nothing


def test_known_names_run_together_are_split_and_places_are_not_names():
    assert SMALL.split_run_together("Innlandet fylkeskommune Skogfinsk museum") == [
        "Innlandet fylkeskommune",
        "Skogfinsk museum",
    ]
    assert SMALL.split_run_together("KS Gjøvik") == ["KS Gjøvik"]  # a place, not a name
    assert SMALL.split_run_together("KS Hamar Game Collective") == ["KS Hamar Game Collective"]
    assert SMALL.is_place("Trondheim (Sit)") and not SMALL.is_place("Sit")


def test_the_shipped_register_knows_the_issue_16_names():
    reg = register()
    assert reg.resolve("HINN").name == reg.resolve("høgskolen").name == "Høgskolen i Innlandet"
    assert reg.resolve("kommuner").name == reg.resolve("kommunene").name == "kommunene"
    assert reg.resolve("fylkeskommunen").name == "Innlandet fylkeskommune"
    assert reg.resolve("Nav").name == "NAV"
    names = [o.name for o in reg.organisations]
    assert len(names) == len(set(names))
    forms = [f for o in reg.organisations for f in {f.casefold() for f in o.forms}]
    assert len(forms) == len(set(forms)), "a form names two organisations"
