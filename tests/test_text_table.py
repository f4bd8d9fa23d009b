"""ui/text_table.py: a small table as HTML, every cell the user's text exactly, never markup."""

from __future__ import annotations

from lxml import html as lxml_html

from models.text import clean_text
from tests.reliability import hostile
from ui.text_table import table_html


def _parse(markup: str):
    return lxml_html.fragment_fromstring(markup)


def test_headings_cells_and_caption_in_order():
    table = _parse(table_html({"Aftale": ["Ringe", "Skrive"], "Hvem": ["Ditte", None]}, caption="Mål 1"))
    assert table.tag == "table" and table.get("class") == "sp-table"
    assert table.find("caption").text == "Mål 1"
    heads = table.findall("thead/tr/th")
    assert [(h.text, h.get("scope")) for h in heads] == [("Aftale", "col"), ("Hvem", "col")]
    rows = [[td.text_content() for td in tr.findall("td")] for tr in table.findall("tbody/tr")]
    assert rows == [["Ringe", "Ditte"], ["Skrive", ""]]  # None is an empty cell


def test_a_short_column_leaves_empty_cells_and_no_table_without_rows_breaks():
    table = _parse(table_html({"A": [1, 2, 3], "B": ["x"]}))
    assert [[td.text_content() for td in tr] for tr in table.findall("tbody/tr")] == [
        ["1", "x"], ["2", ""], ["3", ""],
    ]  # fmt: skip
    empty = _parse(table_html({"A": []}))
    assert empty.findall("tbody/tr") == [] and empty.find("caption") is None


def test_every_hostile_text_is_shown_as_typed_and_makes_no_element():
    # As stored: models/text.clean_text takes out what no page can show (controls, lone surrogates).
    values = [clean_text(str(case.value), field="x") for case in hostile.RENDERABLE]
    markup = table_html({'Aftale "<b>"': values, "Hvem": values}, caption="<i>Mål</i> & 'x'")
    table = _parse(markup)
    # Only the table's own elements: nothing a user typed became a tag or an attribute.
    assert {el.tag for el in table.iter()} == {"table", "caption", "thead", "tbody", "tr", "th", "td"}
    assert all(set(el.attrib) <= {"class", "scope"} for el in table.iter())
    cells = [tr.findall("td") for tr in table.findall("tbody/tr")]
    assert [row[0].text_content() for row in cells] == values
    assert [row[1].text_content() for row in cells] == values
    assert table.find("thead/tr/th").text == 'Aftale "<b>"'
    assert table.find("caption").text == "<i>Mål</i> & 'x'"
