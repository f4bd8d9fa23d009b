"""The invitation letter to the citizen (Word), in plain Danish: data in, bytes out.

Why we meet, when and where, who comes and what they do, the agenda, and what the citizen
prepared in their own words (verbatim). What the citizen does not want raised in front of
everyone is never printed: a letter can lie on a table. Professionals no valid consent covers
are named only in a sentence asking the citizen about consent.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from models.formatting import format_clock, format_day, local
from models.i18n import translate
from models.meetings import Invitation, InvitedPerson, split_matters_most
from models.tables import today

BLUE = RGBColor(0x1F, 0x4E, 0x79)


def _role(person: InvitedPerson, lang: str) -> str:
    parts = [person.title or person.relation or "", person.department or ""]
    if person.kind == "private" and not person.relation:
        parts.append(translate("before.letter.role_private", lang))
    doing = []
    if person.is_leader:
        doing.append(translate("before.letter.role_leader", lang))
    if person.is_note_taker:
        doing.append(translate("before.letter.role_note_taker", lang))
    if person.is_coordinator:
        doing.append(translate("before.letter.role_coordinator", lang))
    who = ", ".join(p for p in parts if p)
    joined = (" og " if lang == "da" else " and ").join(doing)
    return " – ".join(x for x in (person.name, who, joined) if x)


def _verbatim(document: Document, text: str, *, style: str | None = None) -> None:
    """The citizen's words exactly as written, line breaks included."""
    paragraph = document.add_paragraph(style=style)
    for n, line in enumerate(text.split("\n")):
        if n:
            paragraph.runs[-1].add_break()
        paragraph.add_run(line)


def _heading(document: Document, text: str) -> None:
    heading = document.add_heading(text, level=2)
    for run in heading.runs:
        run.font.color.rgb = BLUE


def build_invitation_docx(invitation: Invitation, *, lang: str = "da") -> bytes:
    def letter(key: str, **params: object) -> str:
        return translate(f"before.letter.{key}", lang, **params)

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4, not US Letter
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.2))
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"  # type: ignore[attr-defined]
    normal.font.size = Pt(12)  # type: ignore[attr-defined]

    dated = document.add_paragraph(format_day(today(), lang))
    dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    title = document.add_heading(letter("title"), level=1)
    for run in title.runs:
        run.font.color.rgb = BLUE
    document.add_paragraph(letter("greeting", name=invitation.citizen_name))
    document.add_paragraph(letter("why"))

    _heading(document, letter("when_heading"))
    start = local(invitation.starts_at)
    when = letter(
        "when",
        day=format_day(start, lang),
        start=format_clock(start, lang),
        end=format_clock(invitation.ends_at, lang),
        minutes=invitation.minutes,
    )
    document.add_paragraph().add_run(when).bold = True
    if invitation.place:
        document.add_paragraph(letter("where", place=invitation.place))
    if invitation.video_link:
        document.add_paragraph(letter("video", link=invitation.video_link))

    _heading(document, letter("who_heading"))
    for person in invitation.invited:
        document.add_paragraph(_role(person, lang), style="List Bullet")
    if invitation.left_out:
        names = ", ".join(
            f"{p.name} ({p.department})" if p.department else p.name for p in invitation.left_out
        )
        document.add_paragraph(letter("missing_consent", names=names))

    _heading(document, letter("agenda_heading"))
    for item in invitation.agenda:
        line = letter("agenda_line", title=item.title, minutes=item.minutes)
        document.add_paragraph(line, style="List Number")

    _heading(document, letter("prepared_heading"))
    prep = invitation.preparation
    written = False
    if prep is not None:
        things = split_matters_most(prep.matters_most)
        if things:
            document.add_paragraph().add_run(translate("preparation.matters_most", lang)).bold = True
            for thing in things:
                _verbatim(document, thing, style="List Bullet")
            written = True
        for name in ("dream", "going_well", "questions", "when_hard"):
            value = getattr(prep, name)
            if value:
                document.add_paragraph().add_run(translate(f"preparation.{name}", lang)).bold = True
                _verbatim(document, value)
                written = True
        if prep.not_to_raise:
            note = document.add_paragraph().add_run(letter("not_to_raise_note"))
            note.italic = True
    if not written:
        document.add_paragraph(letter("prepared_none"))

    if invitation.contact is not None:
        _heading(document, letter("contact_heading"))
        phone = letter("contact_phone", phone=invitation.contact.phone) if invitation.contact.phone else ""
        document.add_paragraph(letter("contact", name=invitation.contact.name, phone=phone))
    document.add_paragraph(letter("closing"))

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
