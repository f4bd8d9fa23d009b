"""The joint plan as a Word document (.docx): data in, bytes out.

Two variants of the same plan:
- "citizen": the plan the citizen takes home, in plain language and the second person; no
  staff notes, no unmet needs, no cancelled agreements.
- "team": the same plan for the professionals, with the staff notes, score notes, written
  statuses and the unmet needs.
Text people typed goes in verbatim; only characters a Word file cannot hold are left out.
The page "Planen" and `samplan export --format docx` both call build_plan_docx.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from copy import deepcopy
from datetime import UTC, date, datetime

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from exports.docx_style import QUIET, header_row, on_one_line, prepare_document
from models.contact_words import how_to_reach
from models.formatting import format_day, format_moment
from models.i18n import DEFAULT_LANGUAGE, translate
from models.next_meeting import next_meeting_words
from models.phone import phone_for_reading
from models.plans import ActionView, GoalView, JointPlan, MeetingView, PersonView
from models.readability import latest_when_hard

VARIANTS = ("citizen", "team")
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# XML 1.0 cannot hold these (python-docx raises ValueError); tab, newline and CR are kept.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# 16.4 cm: the A4 text width. The date column holds "01.11.2026" on one line at 11.5 pt.
_ACTION_WIDTHS = (Cm(7.0), Cm(3.6), Cm(3.0), Cm(2.8))
_TABLE_STYLE = "Table Grid"  # lines only: the header's colours are set on the header cells
# python-docx turns these into <w:tab/> and <w:br/>; text without them is one <w:t>.
_RUN_BREAKS = re.compile(r"[\t\r\n]")


def word_safe(text: object) -> str:
    """`text` as a Word file can hold it: verbatim, minus XML-illegal characters."""
    return _NOT_IN_XML.sub("", "" if text is None else str(text))


def file_name(plan: JointPlan, variant: str) -> str:
    """The citizen's name in the file name, Danish letters kept: "plan-søren-ærø-min-plan.docx".

    Streamlit sends a name with æ, ø, å as RFC 6266's `filename*=utf-8''...`, which every
    current browser honours. Letters and digits of the Latin alphabets (up to Latin Extended-B)
    are kept, anything else becomes a hyphen: no path separators, no control or direction
    characters. A name with none of those letters falls back to the citizen's id."""
    return f"plan-{name_part(plan.citizen.name) or plan.citizen.id}-" + (
        "teamets-udgave.docx" if variant == "team" else "min-plan.docx"
    )


def name_part(name: str) -> str:
    """A name as part of a file name: Latin letters (æ, ø, å, é, ü ...) and digits, lower case."""
    kept = [
        char if char.isalnum() and ord(char) < 0x250 and unicodedata.category(char)[0] in "LN" else " "
        for char in unicodedata.normalize("NFC", name).lower()
    ]
    return re.sub(r"\s+", "-", "".join(kept).strip())


def build_plan_docx(
    plan: JointPlan,
    *,
    variant: str = "citizen",
    lang: str = DEFAULT_LANGUAGE,
    printed_at: datetime | None = None,
) -> bytes:
    """The plan as a .docx. The citizen's version is the default: it is the one to hand over."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}")
    writer = _PlanWriter(plan, variant=variant, lang=lang, printed_at=printed_at or datetime.now(UTC))
    return writer.build()


class _PlanWriter:
    def __init__(self, plan: JointPlan, *, variant: str, lang: str, printed_at: datetime) -> None:
        self.plan = plan
        self.team = variant == "team"
        self.lang = lang
        self.printed_at = printed_at
        self.doc: DocumentType = Document()
        self.name = word_safe(plan.citizen.name)
        self.goal_numbers = {goal.id: n for n, goal in enumerate(plan.active_goals, start=1)}
        self.style_ids: dict[str, str] = {}
        self.styles = prepare_document(
            self.doc,
            lang=lang,
            title=self.doc_title(),
            margin=Cm(2.3),
            body_size=11.5,
            subject=self.t("word.subject", name=self.name),
            keywords=self.t("word.keywords"),
        )

    # --- small helpers ----------------------------------------------------------------------

    def t(self, key: str, **params: object) -> str:
        return translate(key, self.lang, **params)

    def day(self, value: date | datetime | None, *, style: str = "long") -> str:
        """A date as one unbreakable word: it never splits over two lines."""
        return on_one_line(format_day(value, self.lang, style=style))

    def style_id(self, name: str) -> str:
        """A style's id, looked up by name once per document: python-docx would search the
        styles by name (and compare with the default style) on every paragraph."""
        found = self.style_ids.get(name)
        if found is None:
            found = self.style_ids[name] = self.doc.styles[name].style_id
        return found

    def para(self, text: str = "", *, style: str | None = None, bold: bool | None = False) -> Paragraph:
        """A paragraph; bold=False writes "not bold" into the run (the quote styles are bold)."""
        paragraph = self.doc.add_paragraph()
        if style is not None:
            paragraph._p.style = self.style_id(style)
        if text:
            _add_run(paragraph, word_safe(text), bold=bold)
        return paragraph

    def labelled(self, label: str, value: str) -> Paragraph:
        """'Label: value' with the label in bold; the value verbatim."""
        paragraph = self.doc.add_paragraph()
        _add_run(paragraph, word_safe(label) + " ", bold=True)
        _add_run(paragraph, word_safe(value))
        return paragraph

    def heading(self, text: str, level: int = 1) -> Paragraph:
        """Level 0 is the document's one title (Heading 1); sections are Heading 2 and below,
        so a screen reader's list of headings is the document's outline."""
        return self.para(text, style=f"Heading {level + 1}", bold=None)

    def table(self, header: Sequence[str], widths: Sequence[Cm]) -> _Rows:
        table = self.doc.add_table(rows=1, cols=len(header))
        table._tbl.tblStyle_val = self.style_id(_TABLE_STYLE)
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        _plain_first_column(table)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width  # the grid LibreOffice lays out by; cells carry it for Word
        first = table.rows[0]
        for cell, width in zip(first.cells, widths, strict=True):
            cell.width = width
        header_row(first, [word_safe(label) for label in header], _add_run)
        return _Rows(table)

    # --- the document -----------------------------------------------------------------------

    def build(self) -> bytes:
        self.setup()
        self.header()
        self.what_matters()
        self.what_we_do()
        self.decisions()
        self.when_hard()
        self.contact()
        self.next_meeting()
        self.participants()
        self.consent()
        if self.team:
            self.team_notes()
        self.agreement()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()

    def setup(self) -> None:
        for section in self.doc.sections:
            footer = section.footer.paragraphs[0]
            footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
            footer.add_run(self.t("word.page") + " ")
            _add_field(footer, "PAGE")
            footer.add_run(" " + self.t("word.page_of") + " ")
            _add_field(footer, "NUMPAGES")
        self.doc.styles["Normal"].paragraph_format.space_after = Pt(6)
        props = self.doc.core_properties
        props.created = self.printed_at.astimezone(UTC).replace(tzinfo=None)
        props.modified = props.created
        props.revision = 1

    def doc_title(self) -> str:
        return self.t("word.title_team" if self.team else "word.title_citizen", name=self.name)

    def header(self) -> None:
        self.heading(self.doc_title(), level=0)
        held = self.plan.last_held_meeting
        number = self.plan.plan_version_number
        lines = [
            self.t("word.meta_meeting", date=self.day(held.starts_at))
            if held
            else self.t("word.meta_no_meeting"),
            self.t("word.meta_version", number=number) if number else self.t("word.meta_no_version"),
            self.t("word.meta_printed", date=self.day(self.printed_at)),
        ]
        meta = self.para(" · ".join(lines))
        meta.runs[0].font.color.rgb = QUIET
        self.para(self.t("word.intro_team" if self.team else "word.intro_citizen"))

    def what_matters(self) -> None:
        self.heading(self.t("word.what_matters"))
        if not self.plan.active_goals:
            self.para(self.t("word.no_goals"))
        for goal in self.plan.active_goals:
            number = self.goal_numbers[goal.id]
            self.heading(self.t("word.goal_number", number=number), level=2)
            self.para(goal.own_words, style=self.styles.goal, bold=None)  # the strongest text
            facts = []
            if goal.area:
                facts.append(self.t("word.area", area=translate(f"planview.area_{goal.area}", self.lang)))
            facts.append(self.score_line(goal))
            self.para(" · ".join(facts))
            if self.team:
                if goal.professional_note:
                    self.labelled(self.t("word.professional_note"), goal.professional_note)
                latest = goal.scores[-1] if goal.scores else None
                if latest is not None and latest.note:
                    self.labelled(self.t("word.score_note"), latest.note)
                if latest is not None and latest.next_step:
                    self.labelled(self.t("word.score_next_step"), latest.next_step)

    def score_line(self, goal: GoalView) -> str:
        if goal.latest_score is None:
            return self.t("word.no_score")
        line = self.t("word.score", score=goal.latest_score)
        change = goal.score_change
        if change is None:
            return line
        if change > 0:
            return f"{line} ({self.t('word.change_up', change=change)})"
        if change < 0:
            return f"{line} ({self.t('word.change_down', change=-change)})"
        return f"{line} ({self.t('word.change_same')})"

    def shown_actions(self, actions: Sequence[ActionView]) -> list[ActionView]:
        if self.team:
            return list(actions)
        return [a for a in actions if a.status != "cancelled"]

    def what_we_do(self) -> None:
        self.heading(self.t("word.what_we_do"))
        for goal in self.plan.active_goals:
            number = self.goal_numbers[goal.id]
            self.heading(self.t("word.actions_for_goal", number=number), level=2)
            actions = self.shown_actions(self.plan.actions_for_goal(goal.id))
            if actions:
                self.action_table(actions)
            else:
                self.para(self.t("word.no_actions"))
        others = self.shown_actions(
            [a for a in self.plan.actions if a.goal_id is None or a.goal_id not in self.goal_numbers]
        )
        self.heading(self.t("word.actions_other"), level=2)
        if others:
            self.action_table(others)
        else:
            self.para(self.t("word.no_other_actions"))

    def action_table(self, actions: Sequence[ActionView]) -> None:
        columns = ("word.col_action", "word.col_owner", "word.col_due", "word.col_status")
        table = self.table([self.t(key) for key in columns], _ACTION_WIDTHS)
        trial_mark = self.t("word.trial_mark") + ": "
        no_due = self.t("word.no_due")
        for action in actions:
            text_cell, owner, due, status = (cell.paragraphs[0] for cell in table.add())
            if action.trial:
                _add_run(text_cell, trial_mark, bold=True)
            _add_run(text_cell, word_safe(action.text))
            if action.owner_is_citizen:
                mark = self.t("word.owner_citizen", name=self.name) if self.team else self.t("word.owner_you")
                _add_run(owner, word_safe(mark), bold=True)
            elif action.owner_name:
                _add_run(owner, word_safe(action.owner_name))
            else:
                _add_run(owner, self.t("word.no_owner"), italic=True)
            _add_run(due, self.day(action.due_on, style="short") if action.due_on else no_due)
            _add_run(status, translate(f"action.status_{action.status}", self.lang))

    def decisions(self) -> None:
        held = self.plan.last_held_meeting
        self.heading(self.t("word.decisions"))
        if held is None or not held.decisions:
            self.para(self.t("word.no_decisions"))
            return
        for decision in held.decisions:
            self.para(decision, style="List Bullet")

    def when_hard(self) -> None:
        self.heading(self.t("word.when_hard"))
        words = latest_when_hard(self.plan)
        if words:
            self.para(self.t("word.when_hard_own_words" if not self.team else "word.when_hard_team"))
            self.para(words, style=self.styles.words, bold=None).paragraph_format.keep_with_next = True
        else:
            self.para(self.t("word.when_hard_none"))
        # "Ring" only with the number to ring; otherwise how else to reach the contact person.
        self.para(how_to_reach(self.plan.contact_person, self.lang, occasion="when_hard"))

    def person_role(self, person: PersonView) -> str:
        return ", ".join(part for part in (person.title or person.relation, person.department) if part)

    def contact(self) -> None:
        self.heading(self.t("word.contact_team" if self.team else "word.contact"))
        person = self.plan.contact_person
        if person is None:
            self.para(self.t("word.no_contact"))
            return
        self.para(person.name, bold=True)
        role = self.person_role(person)
        if role:
            self.para(role)
        phone = phone_for_reading(person.phone)
        if phone:
            self.labelled(self.t("word.phone"), phone)
        if person.email:
            self.labelled(self.t("word.email"), person.email)

    def next_meeting(self) -> None:
        self.heading(self.t("word.next_meeting"))
        coming = self.plan.next_meeting
        if coming is None:
            self.para(self.t("word.no_next_meeting"))
            return
        words = next_meeting_words(coming, self.lang)
        if words is not None and words.is_suggestion:
            # Nobody has confirmed it: the suggestion's own words, no time, place or link.
            self.labelled(self.t("word.when"), words.text)
            return
        when = on_one_line(format_moment(coming.starts_at, self.lang))
        self.labelled(self.t("word.when"), self.t("word.when_value", when=when, minutes=coming.minutes))
        if coming.place:
            self.labelled(self.t("word.place"), coming.place)
        if coming.video_link:
            self.labelled(self.t("word.video"), coming.video_link)

    def participants(self) -> None:
        held = self.plan.last_held_meeting
        if held is None:
            return
        self.heading(self.t("word.participants", date=self.day(held.starts_at)))
        if not held.participants:
            self.para(self.t("word.no_participants"))
            return
        keys = ("word.col_name", "word.col_role", "word.col_department", "word.col_attendance")
        columns = [self.t(key) for key in keys]
        widths = (Cm(4.6), Cm(4.6), Cm(4.2), Cm(3.0))
        table = self.table(columns, widths)
        for participant in held.participants:
            person = self.plan.person(participant.person_id)
            if person is None:
                continue
            cells = table.add()
            role = person.title or person.relation or translate(f"person.kind_{person.kind}", self.lang)
            values = (
                person.name,
                role,
                person.department or "",
                translate(f"planview.attendance_{participant.attendance}", self.lang),
            )
            for cell, value in zip(cells, values, strict=True):
                _add_run(cell.paragraphs[0], word_safe(value))
            if self.team and participant.written_status:
                cells[3].add_paragraph(word_safe(participant.written_status))
        self.leader_line(held)

    def leader_line(self, held: MeetingView) -> None:
        leader = self.plan.person(held.leader_person_id)
        if leader is not None:
            self.labelled(self.t("word.leader"), leader.name)

    def consent(self) -> None:
        self.heading(self.t("word.consent"))
        consents = self.plan.consents if self.team else [
            c for c in self.plan.consents if c.status(self.plan.loaded_on) == "valid"
        ]
        if not consents:
            self.para(self.t("word.no_consent"))
            return
        for consent in consents:
            kind = translate(f"consent.kind_{consent.kind}", self.lang)
            self.heading(kind, level=2)
            parties = ", ".join(consent.parties) or self.t("word.no_parties")
            self.labelled(self.t("word.consent_parties"), parties)
            valid = (
                self.t("word.valid_until", date=self.day(consent.expires_on))
                if consent.expires_on
                else self.t("word.valid_no_end")
            )
            status = translate(f"consent.status_{consent.status(self.plan.loaded_on).value}", self.lang)
            self.labelled(self.t("word.consent_validity"), f"{valid} ({status})")
            if consent.scope:
                self.labelled(self.t("word.consent_scope"), consent.scope)

    def team_notes(self) -> None:
        self.heading(self.t("word.unmet_needs"))
        needs = [(m, need) for m in self.plan.meetings for need in m.unmet_needs]
        if not needs:
            self.para(self.t("word.no_unmet_needs"))
        for meeting, need in needs:
            item = self.para(need.text, style="List Bullet")
            origin = self.t("word.need_from", date=self.day(meeting.starts_at))
            item.add_run(" " + word_safe(origin)).italic = True
            if need.answer:
                self.labelled(self.t("word.need_answer"), need.answer)

    def agreement(self) -> None:
        self.heading(self.t("word.agreement"))
        held = self.plan.last_held_meeting
        agrees = held.citizen_agrees if held else None
        if agrees is True:
            self.para(self.t("word.agrees", name=self.name))
        elif agrees is False:
            self.para(self.t("word.disagrees", name=self.name))
        else:
            self.para(self.t("word.agreement_not_recorded"))
        if held is not None and held.citizen_disagreement:
            self.labelled(self.t("word.disagreement"), held.citizen_disagreement)
        self.para("")
        self.para(self.t("word.signature_line"))


class _Rows:
    """Adds body rows to a table by copying one prepared row (its cells already carry the
    column widths) instead of python-docx's add_row, which parses new XML for every cell."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.template: CT_Row = table.add_row()._tr  # add_row gives each cell its column width
        table._tbl.remove(self.template)

    def add(self) -> list[_Cell]:
        row = deepcopy(self.template)
        self.table._tbl.append(row)
        return [_Cell(tc, self.table) for tc in row.tc_lst]


def _add_run(paragraph: Paragraph, text: str, *, bold: bool | None = None, italic: bool | None = None) -> Run:
    """paragraph.add_run(text), but text without tabs or line breaks goes into one <w:t>
    directly: python-docx's text setter walks the string one character at a time."""
    run = paragraph.add_run()
    if _RUN_BREAKS.search(text):
        run.text = text
    elif text:
        run._r.add_t(text)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    return run


def _plain_first_column(table: Table) -> None:
    """The table style would set the first column in bold; only the header row should be."""
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        table._tbl.tblPr.append(look)
    for attribute, value in (("firstRow", "1"), ("firstColumn", "0"), ("lastRow", "0"),
                             ("lastColumn", "0"), ("noHBand", "0"), ("noVBand", "1")):
        look.set(qn(f"w:{attribute}"), value)
    look.set(qn("w:val"), "0420")


def _add_field(paragraph: Paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when they lay out pages."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instruction, separate, placeholder, end):
        run._r.append(element)
