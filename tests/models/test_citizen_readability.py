"""The app's own wording on the citizen's page is easy to read (issue 20): LIX at most 25, as
models/readability.py measures the plan, and every sentence is in Danish and English."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from models.readability import lix

ROOT = Path(__file__).resolve().parents[2]
MAX_LIX = 25


def section(lang: str) -> dict[str, str]:
    with (ROOT / "locales" / f"{lang}.toml").open("rb") as handle:
        return tomllib.load(handle)["citizen_link"]


def as_prose(values: dict[str, str]) -> str:
    """Each string as a sentence of its own; placeholders become a short word ("{name}" -> "Ida")."""
    lines = [re.sub(r"\{[^}]+\}", "Ida", value).rstrip() for value in values.values()]
    return "\n".join(line if line.endswith((".", "?", "!", ":")) else line + "." for line in lines)


def test_the_citizens_page_reads_at_lix_25_or_less():
    measured = lix(as_prose(section("da")))
    assert measured.lix <= MAX_LIX, measured


def test_every_sentence_of_the_citizens_page_is_in_both_languages():
    danish, english = section("da"), section("en")
    assert danish.keys() == english.keys()
    assert all(value.strip() for value in [*danish.values(), *english.values()])
    # The same placeholders in both languages: a sentence must not lose what it tells.
    for key in danish:
        assert set(re.findall(r"\{\w+\}", danish[key])) == set(re.findall(r"\{\w+\}", english[key])), key


def test_the_page_uses_only_catalogue_keys_that_exist():
    used = set()
    for path in (
        "pages/citizen_link.py",
        "ui/citizen_sections.py",
        "ui/citizen_session.py",
        "ui/citizen_read_aloud.py",
    ):
        used |= set(re.findall(r"citizen_link\.(\w+)", (ROOT / path).read_text()))
    used -= {"proposal_", "py"}  # "proposal_" + a status; "py": the file name in a docstring
    assert used <= set(section("da")), used - set(section("da"))
