"""Reminder mails as email.message.EmailMessage: data in, a message out (plain text + HTML).

Danish unless the recipient chose English. What a mail may say is decided by the data it is
given (models/reminders_content.py: counts, dates, initials) and this module adds only the
catalogue's words and the link into Samplan; every value that goes into the HTML part is
escaped. A calendar update carries its .ics both as the text/calendar alternative (METHOD
parameter, as calendar clients expect) and as an attachment.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from exports.calendar_update import build_update_ics
from models.formatting import format_clock, format_day, local
from models.i18n import translate
from models.reminders_content import (
    AgreementLine,
    DigestMail,
    EscalationMail,
    MeetingMail,
    OwnerMail,
    Recipient,
)
from models.reminders_survey import SurveyMail


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...]


def _agreement(line: AgreementLine, lang: str) -> str:
    return translate(
        "remind.mail.agreement_line", lang, initials=line.initials, day=format_day(line.due_on, lang)
    )


def _message(
    *,
    sender: str,
    recipient: Recipient,
    subject: str,
    intro: str,
    sections: list[Section],
    link: str,
    kind: str,
) -> EmailMessage:
    lang = recipient.language
    where = (
        translate("remind.mail.open", lang, link=link)
        if link
        else translate("remind.mail.open_no_link", lang)
    )
    outro = [
        where,
        translate("remind.mail.no_citizen_data", lang),
        translate(f"remind.mail.why_{kind}", lang),
    ]
    text = [translate("remind.mail.greeting", lang), "", intro]
    for section in sections:
        text += ["", section.heading, *(f"- {line}" for line in section.lines)]
    text += ["", *outro]
    body = [f"<p>{html.escape(translate('remind.mail.greeting', lang))}</p>", f"<p>{html.escape(intro)}</p>"]
    for section in sections:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in section.lines)
        body.append(f'<h2 style="font-size:1.1em">{html.escape(section.heading)}</h2><ul>{items}</ul>')
    if link:
        label = html.escape(translate("remind.mail.open_button", lang))
        body.append(f'<p><a href="{html.escape(link, quote=True)}">{label}</a></p>')
    body += [f"<p>{html.escape(line)}</p>" for line in outro[1:]]
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = recipient.address
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "samplan")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content("\n".join(text) + "\n")
    message.add_alternative(
        f'<!DOCTYPE html><html lang="{lang}"><body>{"".join(body)}</body></html>\n', subtype="html"
    )
    return message


def _agreement_sections(lang: str, *headed: tuple[str, Sequence[AgreementLine]]) -> list[Section]:
    """A section per non-empty list of agreements, under its heading key (counted)."""
    return [Section(translate(key, lang, count=len(items)), tuple(_agreement(x, lang) for x in items))
            for key, items in headed if items]  # fmt: skip


def owner_message(mail: OwnerMail, *, sender: str, recipient: Recipient, link: str) -> EmailMessage:
    lang = recipient.language
    sections = _agreement_sections(lang, ("remind.mail.overdue_heading", mail.overdue),
                                   ("remind.mail.due_soon_heading", mail.due_soon))  # fmt: skip
    count = len(mail.overdue) + len(mail.due_soon)
    return _message(
        sender=sender,
        recipient=recipient,
        subject=translate("remind.mail.owner_subject", lang, count=count),
        intro=translate("remind.mail.owner_intro", lang),
        sections=sections,
        link=link,
        kind="owner",
    )


def digest_message(mail: DigestMail, *, sender: str, recipient: Recipient, link: str) -> EmailMessage:
    lang = recipient.language
    sections = _agreement_sections(lang, ("remind.mail.overdue_heading", mail.overdue),
                                   ("remind.mail.week_heading", mail.due_this_week))  # fmt: skip
    if mail.more:
        sections.append(Section(translate("remind.mail.more", lang, count=mail.more), ()))
    return _message(
        sender=sender,
        recipient=recipient,
        subject=translate("remind.mail.digest_subject", lang, day=format_day(mail.week_end, lang)),
        intro=translate("remind.mail.digest_intro", lang),
        sections=sections,
        link=link,
        kind="digest",
    )


def escalation_message(mail: EscalationMail, *, sender: str, recipient: Recipient, link: str) -> EmailMessage:
    lang = recipient.language
    lines = []
    for x in mail.lines:
        parts = []
        if x.overdue:
            parts.append(
                translate(
                    "remind.mail.esc_overdue", lang, count=x.overdue, day=format_day(x.oldest_due, lang)
                )
            )
        if x.consent_expires:
            parts.append(translate("remind.mail.esc_consent", lang, day=format_day(x.consent_expires, lang)))
        if x.meeting_due:
            parts.append(translate("remind.mail.esc_meeting", lang, day=format_day(x.meeting_due, lang)))
        lines.append(f"{x.initials}: " + "; ".join(parts))
    section = Section(translate("remind.mail.esc_heading", lang, count=len(lines)), tuple(lines))
    return _message(
        sender=sender,
        recipient=recipient,
        subject=translate("remind.mail.esc_subject", lang, count=len(lines)),
        intro=translate("remind.mail.esc_intro", lang, count=mail.overdue_days),
        sections=[section],
        link=link,
        kind="escalation",
    )


def meeting_message(mail: MeetingMail, *, sender: str, recipient: Recipient, link: str) -> EmailMessage:
    lang = recipient.language
    start = local(mail.starts_at)
    when = translate(
        "remind.mail.meeting_when",
        lang,
        day=format_day(start, lang),
        clock=format_clock(start, lang),
        minutes=mail.minutes,
    )
    cancelled = mail.method == "CANCEL"
    key = "cancel" if cancelled else "update"
    message = _message(
        sender=sender,
        recipient=recipient,
        subject=translate(
            f"remind.mail.meeting_{key}_subject", lang, initials=mail.initials, day=format_day(start, lang)
        ),
        intro=translate(f"remind.mail.meeting_{key}_intro", lang, initials=mail.initials),
        sections=[Section(when, ())],
        link=link,
        kind="meeting",
    )
    ics = build_update_ics(mail, lang=lang, link=link)
    message.add_alternative(ics.decode("utf-8"), subtype="calendar", params={"method": mail.method})
    message.add_attachment(
        ics, maintype="text", subtype="calendar", filename="samplan.ics", params={"method": mail.method}
    )
    return message


def trial_message(*, sender: str, recipient: Recipient) -> EmailMessage:
    """The administrator's test mail: proves the server takes a mail from Samplan."""
    lang = recipient.language
    return _message(
        sender=sender,
        recipient=recipient,
        subject=translate("remind.mail.test_subject", lang),
        intro=translate("remind.mail.test_intro", lang),
        sections=[],
        link="",
        kind="test",
    )


def survey_message(mail: SurveyMail, *, sender: str, recipient: Recipient, link: str) -> EmailMessage:
    """The relational coordination survey: its name and last day, where to answer (issue 24)."""
    lang = recipient.language
    day = format_day(mail.ends_on, lang)
    return _message(
        sender=sender,
        recipient=recipient,
        subject=translate("remind.survey.last_subject" if mail.last_call else "remind.survey.subject", lang,
                          name=mail.round_name),  # fmt: skip
        intro=translate("remind.survey.intro", lang, name=mail.round_name, day=day),
        sections=[],
        link=link,
        kind="survey",
    )
