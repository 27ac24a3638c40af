"""/tilgjengelighet: the statement Norwegian rules ask for, in bokmål and nynorsk — date, status
against the regulation's 47 criteria with known deviations, how it was tested, a contact
channel, and the complaint route to Uu-tilsynet."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
WCAG = tomllib.loads((ROOT / "web" / "data" / "wcag.toml").read_text("utf-8"))


def _client(fake_settings, fake_assistant, **changes):
    from web.app import create_app

    settings = fake_settings.model_copy(update=changes)
    return TestClient(create_app(settings, fake_assistant))


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    ("lang", "updated", "status", "default_contact", "complaint"),
    [
        (
            "nb",
            "Erklæringen ble sist oppdatert 30. november 2026.",
            "Det er brudd på 4 av 47 krav.",
            "Kontakt kommunen eller fylkeskommunen som driver tjenesten",
            "kan du melde fra til Tilsynet for universell utforming av ikt",
        ),
        (
            "nn",
            "Erklæringa vart sist oppdatert 30. november 2026.",
            "Det er brot på 4 av 47 krav.",
            "Kontakt kommunen eller fylkeskommunen som driv tenesta",
            "kan du melde frå til Tilsynet for universell utforming av ikt",
        ),
    ],
)
def test_statement_has_date_status_contact_and_complaint_route(
    fake_settings, fake_assistant, lang, updated, status, default_contact, complaint
):
    page = _client(fake_settings, fake_assistant).get("/tilgjengelighet", params={"lang": lang})
    assert page.status_code == 200 and f'<html lang="{lang}">' in page.text
    text = _text(page.text)
    assert updated in text and status in text
    assert default_contact in text and "mailto:" not in page.text
    assert complaint in text
    assert '<a href="https://www.uutilsynet.no/">uutilsynet.no</a>' in page.text
    assert "1.2.3, 1.2.4, 1.2.5" in text  # the criteria the regulation leaves out
    assert "30. november 2026 (e" in text  # the date of the last check, and how it was done
    assert "axe-core" in text and "1.4.12 Tekstavstand" in text  # automated and by hand


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_contact_channels_are_shown_only_when_set(fake_settings, fake_assistant, lang):
    web = _client(
        fake_settings,
        fake_assistant,
        contact_email="uu@kommune.example",
        contact_url="https://kommune.example/meld-fra",
    )
    page = web.get("/tilgjengelighet", params={"lang": lang}).text
    assert '<a href="mailto:uu@kommune.example">uu@kommune.example</a>' in page
    assert '<a href="https://kommune.example/meld-fra">' in page
    assert "Kontakt kommunen eller fylkeskommunen" not in page
    only_url = _client(fake_settings, fake_assistant, contact_url="https://kommune.example/uu")
    page = only_url.get("/tilgjengelighet", params={"lang": lang}).text
    assert "mailto:" not in page and 'href="https://kommune.example/uu"' in page


@pytest.mark.parametrize(
    ("field", "value"),
    [("contact_url", "javascript:alert(1)"), ("contact_email", 'a@b.no" onclick="x')],
)
def test_contact_settings_that_are_not_an_address_are_refused(field, value):
    from pydantic import ValidationError

    from assistant.settings import Settings

    with pytest.raises(ValidationError, match="PLAN_CONTACT_"):
        Settings(**{field: value})


def test_the_criteria_are_the_regulations_and_deviations_name_real_ones():
    ids = [c["id"] for c in WCAG["criterion"]]
    assert len(ids) == len(set(ids)) == 50  # WCAG 2.1 A and AA
    exempt = WCAG["statement"]["exempt"]
    assert sorted(exempt) == ["1.2.3", "1.2.4", "1.2.5"] and set(exempt) <= set(ids)
    assert len(set(ids) - set(exempt)) == 47
    for deviation in WCAG["deviation"]:
        assert set(deviation["criteria"]) <= set(ids) - set(exempt)


def test_every_test_named_in_the_statement_exists():
    named = {n for c in WCAG["criterion"] for n in re.findall(r"\btest_\w+", c["test"])}
    assert named
    defined = {
        m
        for path in (ROOT / "tests").rglob("test_*.py")
        for m in re.findall(r"^def (test_\w+)", path.read_text("utf-8"), re.MULTILINE)
    }
    assert named - defined == set()


def test_each_criterion_has_a_status_in_the_table(fake_settings, fake_assistant):
    page = _client(fake_settings, fake_assistant).get("/tilgjengelighet").text
    statuses = dict(
        re.findall(
            r'<tr><td data-label="Kriterium"[^>]*>(\S+) [^<]*</td><td[^>]*>[^<]*</td>'
            r'<td data-label="Status">([^<]+)</td>',
            page,
        )
    )
    assert len(statuses) == 50
    assert statuses["1.2.4"] == "Ikke krav i forskriften"
    assert statuses["1.3.1"] == statuses["4.1.2"] == "Brudd (se over)"
    assert statuses["1.4.3"] == "Samsvar" and statuses["1.2.1"] == "Ikke relevant"
