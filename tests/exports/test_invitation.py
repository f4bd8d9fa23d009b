"""The Word letter to the citizen: A4, plain Danish, the citizen's words verbatim."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import docx
from docx.shared import Cm

from exports.invitation import build_invitation_docx
from models.plans import PreparationView
from tests.exports.test_calendar import invitation

HARD = "Gå en tur med hunden.\nRinge til Lone (mor) 📞"


def text_of(data: bytes) -> tuple[docx.document.Document, str]:
    document = docx.Document(io.BytesIO(data))
    # Dates and times are written with no-break spaces (they never wrap); read them plainly.
    text = "\n".join(p.text for p in document.paragraphs)
    return document, text.replace("\u00a0", " ").replace("\u2011", "-")


def test_the_letter_is_a4_and_says_why_when_who_and_the_agenda():
    document, text = text_of(build_invitation_docx(invitation()))
    section = document.sections[0]
    assert abs(section.page_width - Cm(21.0)) < Cm(0.01) and abs(section.page_height - Cm(29.7)) < Cm(0.01)
    assert "Invitation til netværksmøde" in text and "Kære Ditte Mikkelsen" in text
    assert "Vi mødes for at tale om din plan" in text
    assert "1. juli 2026 kl. 10.00–11.00 (60 minutter)" in text  # Copenhagen time, Danish style
    assert "Sted: Rådhuset, lokale 2" in text
    assert "Rasmus Holm – Jobcenter – leder mødet og koordinerer din plan" in text
    assert "Lone Mikkelsen – mor" in text
    assert "Velkomst (5 min.)" in text and "Dittes egne ord (55 min.)" in text


def test_the_citizens_words_are_verbatim_and_the_private_topic_is_left_out():
    prep = PreparationView("Min datter\nAt bo selv", "En lejlighed med altan 🌱", "Jeg sover bedre",
                           "Hvornår får jeg svar?", "Min far", HARD, 2)
    _, text = text_of(build_invitation_docx(invitation(preparation=prep)))
    for words in ("Min datter", "At bo selv", "En lejlighed med altan 🌱", "Jeg sover bedre",
                  "Hvornår får jeg svar?", HARD):
        assert words in text
    assert "Min far" not in text
    assert "står ikke i brevet" in text


def test_uncovered_professionals_are_only_named_in_the_question_about_consent():
    _, text = text_of(build_invitation_docx(invitation()))
    assert "Vi mangler dit samtykke til at dele oplysninger med: Sara Berg (Psykiatrien)." in text
    assert "Sara Berg –" not in text  # not in the list of who comes


def test_nothing_prepared_and_a_video_meeting():
    _, text = text_of(build_invitation_docx(invitation(
        preparation=None, place=None, video_link="https://video.kommune.dk/abc", left_out=(),
        starts_at=datetime(2026, 12, 1, 13, 30, tzinfo=UTC))))
    assert "Du har ikke skrevet noget endnu" in text
    assert "Video: https://video.kommune.dk/abc" in text and "Sted:" not in text
    assert "kl. 14.30–15.30" in text and "samtykke" not in text


def test_english_letter():
    _, text = text_of(build_invitation_docx(invitation(), lang="en"))
    assert "Invitation to a network meeting" in text and "Dear Ditte Mikkelsen" in text
