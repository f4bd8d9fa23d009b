"""Counts through the string catalogue (issue 18): the plural form comes from Babel's CLDR rule
of the language, never from `if n == 1` in the code, and no sentence a user reads says
"1 aftaler", "1 dage" or "borger(e)"."""

from __future__ import annotations

import re
import string

import pytest
from babel import Locale

from models.i18n import LANGUAGES, catalogue, is_plural_key, plural_category, plural_keys, translate
from models.meeting_edit import MIN_MINUTES
from models.overview import NEEDS_ON_SCREEN


def placeholders(template: str) -> set[str]:
    return {field for _text, field, _spec, _conv in string.Formatter().parse(template) if field}


@pytest.mark.parametrize(
    ("key", "count", "lang", "expected"),
    [
        # The examples the issue names, and their neighbours.
        ("count.own_agreements", 1, "da", "1 aftale"),
        ("count.own_agreements", 2, "da", "2 aftaler"),
        ("count.own_agreements", 0, "da", "0 aftaler"),  # zero is plural in Danish
        ("count.different_people", 1, "da", "1 person"),
        ("count.different_people", 3, "da", "3 forskellige personer"),
        ("followup.badge.overdue", 1, "da", "Overskredet med 1 dag"),
        ("followup.badge.overdue", 12, "da", "Overskredet med 12 dage"),
        ("followup.badge.overdue", 1, "en", "Overdue by 1 day"),
        ("followup.badge.overdue", 0, "en", "Overdue by 0 days"),
        ("admin.imported", 1, "da", "1 borger indlæst."),  # was "1 borger(e)"
        ("admin.imported", 40, "da", "40 borgere indlæst."),
        ("followup_more.show_more", 1, "da", "Vis 1 mere (1 er ikke vist endnu)"),  # not "1 flere"
    ],
)
def test_the_form_follows_the_count(key: str, count: int, lang: str, expected: str) -> None:
    assert translate(key, lang, count=count, hidden=1) == expected


@pytest.mark.parametrize(
    ("value", "lang", "category"),
    [
        (1, "da", "one"),
        (2, "da", "other"),
        (1.5, "da", "one"),  # CLDR: Danish "1,5 dag" — a median can be a fraction
        (1.5, "en", "other"),  # ... while English says "1.5 days"
        (-1, "da", "one"),  # a count below zero never reaches a user; its size decides anyway
        (None, "da", "other"),  # no number: the general form
        (True, "da", "other"),  # a bool is not a count
    ],
)
def test_plural_category_is_babels_rule(value: object, lang: str, category: str) -> None:
    assert plural_category(value, lang) == category


def test_the_load_line_the_issue_quotes_reads_as_danish() -> None:
    line = translate(
        "meet.load.line",
        agreements=translate("count.own_agreements", count=1),
        people=translate("count.different_people", count=1),
    )
    assert line == "Borgeren har 1 aftale selv og skal have med 1 person at gøre de næste fire uger."


def test_an_owner_without_a_date_is_not_due_by_no_date() -> None:
    line = translate("meet.owner_due", owner="Rasmus Holm", due=translate("deadline.none"))
    assert line == "Rasmus Holm · ingen dato endnu"  # was "Rasmus Holm · senest ingen dato"
    assert "senest" in translate("deadline.by", date="1. marts 2027")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_plural_key_has_every_form_its_language_needs(lang: str) -> None:
    strings = catalogue(lang)
    needed = set(Locale.parse(lang).plural_form.tags) | {"other"}
    for key in plural_keys(lang):
        forms = {name: strings.get(f"{key}.{name}") for name in needed}
        assert all(forms.values()), (key, forms)
        assert len({frozenset(placeholders(text)) for text in forms.values()}) == 1, key  # same fields
        assert is_plural_key(key, lang)


# Parameters that carry a count. Limits from the code ({max}, {min}, {length}) are left out:
# they are constants of at least 2 or the length of a text that is too long.
COUNT_PARAMETERS = {"count", "shown", "total", "hidden", "minutes", "elapsed", "planned", "over", "days",
                    "agreements", "people", "citizens", "limit", "per_year", "box"}  # fmt: skip
# Sentences whose count cannot be 1, each with the reason.
CANNOT_BE_ONE = {
    # A meeting lasts at least MIN_MINUTES (checked below).
    "prepare.meeting_when": "minutes", "word.when_value": "minutes", "before.clash_warning": "minutes",
    "before.agenda_sum": "minutes", "before.letter.when": "minutes", "meet.when": "minutes",
    "meet.agenda.total": "planned",
    # Shown only when more needs wait than the page shows: then it shows NEEDS_ON_SCREEN of them.
    "lead.needs_oldest": "shown",
    # The demo always loads its whole set of fictional citizens (more than one).
    "cli.demo_created": "citizens",
    # A survey round's fixed limits (issue 24): at most MAX_DAYS days, at least MIN_DEPARTMENTS.
    "rc.error.period_too_long": "days", "rc.error.departments": "count",
    # A reminder's meeting lasts at least MIN_MINUTES, as every meeting does.
    "remind.mail.meeting_when": "minutes",
}  # fmt: skip
PLURAL_WORD = {"da": re.compile(r"\b1 (\w+(?:er|e))\b"), "en": re.compile(r"\b1 (\w+s)\b")}


def test_the_counts_that_cannot_be_one_really_cannot() -> None:
    from models.relational_coordination_rounds import MAX_DAYS, MIN_DEPARTMENTS

    assert MIN_MINUTES > 1 and NEEDS_ON_SCREEN > 1 and MAX_DAYS > 1 and MIN_DEPARTMENTS > 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_sentence_says_one_of_a_plural_noun(lang: str) -> None:
    """Every sentence that is not written as plural forms, with its counts set to 1, must not
    read "1 aftaler" / "1 days"; and no "(e)"/"(s)" shortcut is left in any sentence."""
    plural = plural_keys(lang)
    wrong = []
    for key, text in catalogue(lang).items():
        if re.search(r"\((?:e|er|r|s)\)", text):
            wrong.append(f"{key}: {text}")
        base = key.rsplit(".", 1)[0]
        if base in plural or key in CANNOT_BE_ONE:
            continue
        fields = placeholders(text)
        counted = {name: 1 for name in fields & COUNT_PARAMETERS}
        if not counted:
            continue
        sample = text.format(**{name: "X" for name in fields} | counted)
        wrong.extend(f"{key}: {sample}" for _ in PLURAL_WORD[lang].finditer(sample))
    assert wrong == []
