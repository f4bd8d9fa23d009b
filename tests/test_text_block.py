"""ui/text_block.py: lines to read as one element, every line the user's text exactly, never markup."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from models.text import clean_text
from tests.reliability import hostile
from ui.text_block import KINDS, key_class, lines_html


def _parse(markup: str):
    return lxml_html.fragment_fromstring(markup)


def test_each_line_is_its_kinds_element_in_order_and_empty_lines_are_left_out():
    block = _parse(lines_html([("heading", "Ditte Mikkelsen"), ("caption", "Kontaktperson: Rasmus"),
                               ("caption", None), ("words", ""), ("words", "Jeg vil i praktik"),
                               ("late", "Punkt 3 af 6 · tiden er gået"), ("code", "AB2C-DE3F")]))  # fmt: skip
    assert block.tag == "div" and block.get("class") == "sp-lines"
    assert [(el.tag, el.get("class"), el.text) for el in block] == [
        ("h2", "sp-heading", "Ditte Mikkelsen"),
        ("p", "sp-caption", "Kontaktperson: Rasmus"),
        ("p", "sp-words", "Jeg vil i praktik"),
        ("p", "sp-late", "Punkt 3 af 6 · tiden er gået"),
        ("p", "room-code", "AB2C-DE3F"),
    ]


def test_line_breaks_are_kept_for_the_browser_to_show():
    block = _parse(lines_html([("text", "Første linje\nAnden linje\n\n  indrykket")]))
    assert block[0].text == "Første linje\nAnden linje\n\n  indrykket"


def test_an_unknown_kind_is_a_programming_error_not_a_silent_paragraph():
    with pytest.raises(KeyError):
        lines_html([("shout", "Hej")])


def test_every_kind_is_styled_in_the_theme():
    from ui.theme import _CSS

    # A kind may carry two classes (a coloured subheading: "sp-subheading sp-colour-red"): each is styled.
    assert all(f".{name}" in _CSS for _tag, css in KINDS.values() for name in css.split())


def test_every_hostile_text_is_shown_as_typed_and_makes_no_element():
    # As stored: models/text.clean_text takes out what no page can show (controls, lone surrogates).
    values = [clean_text(str(case.value), field="x") for case in hostile.RENDERABLE]
    lines = [(kind, value) for value in values for kind in KINDS]
    block = _parse(lines_html(lines))
    # Only the block's own elements: nothing a user typed became a tag or an attribute.
    assert {el.tag for el in block.iter()} <= {"div", "p", "h2", "h3"}
    assert all(set(el.attrib) == {"class"} for el in block.iter())
    shown = [el.text_content() for el in block]
    assert shown == [value for value in values if value for _kind in KINDS]


def test_a_key_names_the_block_by_a_class_and_only_a_code_made_key_is_taken():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(
        "from ui.text_block import show_lines\nshow_lines([('text', 'Hej')], key='meet-head')"
    ).run()
    (block,) = at.get("html")
    assert block.value.startswith('<div class="sp-key-meet-head"><div class="sp-lines">')
    assert [type(child).__name__ for child in at.main.children.values()] == ["Html"]  # no container around it
    for bad in ('x" onclick="y', "Mødet", "a b", ""):
        with pytest.raises(ValueError):
            key_class(bad)
