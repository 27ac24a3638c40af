"""CSV cells never run as formulas in a spreadsheet (OWASP CSV injection)."""

import csv
import io

import pytest

from web.csv_export import csv_text, safe_cell


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://evil.example","klikk")', "@SUM(1+1)", "+47 123", "-2+3", "\tx", "\rx"],
)
def test_formula_cells_are_neutralised(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Innlandet fylkeskommune", "K4", "", "a=b", 12])
def test_plain_cells_are_unchanged(value):
    assert safe_cell(value) == str(value)


def test_csv_text_is_excel_friendly_and_safe():
    text = csv_text(["nr", "tittel"], [["K1", "=1+1"], ["K2", "Trygg; oppvekst"]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows == [["nr", "tittel"], ["K1", "'=1+1"], ["K2", "Trygg; oppvekst"]]


def test_initiative_csv_neutralises_formulas_from_plans(client, fake_assistant, monkeypatch):
    from dataclasses import replace

    real = fake_assistant.all_initiatives()
    hostile = [replace(real[0], title='=HYPERLINK("http://evil.example")', partners=["@SUM(A1)"])]
    monkeypatch.setattr(fake_assistant, "all_initiatives", lambda: hostile)
    body = client.get("/api/initiatives.csv").text
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[1][1] == "'" + hostile[0].title
    assert rows[1][5] == "'@SUM(A1)"
