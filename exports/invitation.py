"""The invitation letter to the citizen (Word), in plain Danish: data in, bytes out.

Why we meet, when and where, who comes and what they do, the agenda, and what the citizen
prepared in their own words (verbatim). What the citizen does not want raised in front of
everyone is never printed: a letter can lie on a table. Professionals no valid consent covers
are named only in a sentence asking the citizen about consent.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from exports.docx_style import on_one_line, prepare_document
from models.contact_words import how_to_reach
from models.formatting import format_clock, format_day, local
from models.i18n import translate
from models.invitation import Invitation, InvitedPerson
from models.preparation import split_matters_most
from models.tables import today


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


def _verbatim(document: DocumentType, text: str, *, style: str | None = None) -> None:
    """The citizen's words exactly as written, line breaks included."""
    paragraph = document.add_paragraph(style=style)
    for n, line in enumerate(text.split("\n")):
        if n:
            paragraph.runs[-1].add_break()
        paragraph.add_run(line)


def _heading(document: DocumentType, text: str, level: int = 2) -> None:
    """A real heading (Heading 2/3): the colour and size come from the style (docx_style)."""
    document.add_heading(text, level=level)


def build_invitation_docx(invitation: Invitation, *, lang: str = "da") -> bytes:
    def letter(key: str, **params: object) -> str:
        return translate(f"before.letter.{key}", lang, **params)

    document = Document()
    styles = prepare_document(
        document, lang=lang, title=letter("title"), margin=Cm(2.2), body_size=12,
        subject=invitation.citizen_name,
    )  # fmt: skip

    dated = document.add_paragraph(on_one_line(format_day(today(), lang)))
    dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_heading(letter("title"), level=1)
    document.add_paragraph(letter("greeting", name=invitation.citizen_name))
    document.add_paragraph(letter("why"))

    _heading(document, letter("when_heading"))
    start = local(invitation.starts_at)
    when = letter(
        "when",
        day=on_one_line(format_day(start, lang)),
        start=on_one_line(format_clock(start, lang)),
        end=on_one_line(format_clock(invitation.ends_at, lang)),
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
            _heading(document, translate("preparation.matters_most", lang), level=3)
            for thing in things:
                _verbatim(document, thing, style=styles.goal)  # the citizen's words: the strongest text
            written = True
        for name in ("dream", "going_well", "questions", "when_hard"):
            value = getattr(prep, name)
            if value:
                _heading(document, translate(f"preparation.{name}", lang), level=3)
                _verbatim(document, value, style=styles.words)
                written = True
        if prep.not_to_raise:
            note = document.add_paragraph().add_run(letter("not_to_raise_note"))
            note.italic = True
    if not written:
        document.add_paragraph(letter("prepared_none"))

    if invitation.contact is not None:
        _heading(document, letter("contact_heading"))
        # "Ring" only with the number to ring; otherwise how else to reach the contact person.
        document.add_paragraph(how_to_reach(invitation.contact, lang, occasion="questions"))
    document.add_paragraph(letter("closing"))

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
