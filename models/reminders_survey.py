"""The relational coordination survey in the reminders (issue 24 through issue 21's `samplan remind`).

Who was asked in an open round and has not answered gets one mail when the round opens and one
more in its last LAST_CALL_DAYS days (only that one, if the first run to see them is that late);
who has answered, or was not asked, gets nothing, and nothing is sent once the round is over. The
only thing read to know this is the round's "has answered" record
(models.relational_coordination_rounds.non_respondents): never the answers, which carry no user.
The mail names the round and its last day, nothing about any citizen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session, col

from models.relational_coordination_rounds import get_round, non_respondents
from models.reminders_ledger import ClaimedNotice, NoticeSpec
from models.tables import RcRound

SURVEY_KINDS = ("survey", "survey_last")
LAST_CALL_DAYS = 3  # the second mail comes when this many days of the round are left


@dataclass(frozen=True)
class SurveyMail:
    round_name: str  # a leader's name for the round, e.g. "Før-måling" (no citizen data)
    ends_on: date
    last_call: bool


def survey_notices(session: Session, *, on: date) -> list[NoticeSpec]:
    """A notice per non-respondent of every round open on `on` (and a last call near its end)."""
    rounds = session.execute(
        select(col(RcRound.id), col(RcRound.ends_on)).where(
            col(RcRound.closed_at).is_(None), col(RcRound.starts_on) <= on, col(RcRound.ends_on) >= on
        )
    ).all()
    specs: list[NoticeSpec] = []
    for round_id, ends_on in rounds:
        kind = "survey_last" if (ends_on - on).days < LAST_CALL_DAYS else "survey"
        specs += [NoticeSpec(f"{kind}:{round_id}:{user_id}", kind, f"user:{user_id}", round_id)
                  for user_id in non_respondents(session=session, round_id=round_id)]  # fmt: skip
    return specs


def survey_mail(session: Session, *, notice: ClaimedNotice, user_id: int, on: date) -> SurveyMail | None:
    """What the mail says, or None when there is nothing to say any more (answered meanwhile, or
    the round is over or gone)."""
    round_id = notice.entity_id
    if round_id is None or session.get(RcRound, round_id) is None:
        return None
    view = get_round(session=session, round_id=round_id)
    if not view.is_open(on) or user_id not in non_respondents(session=session, round_id=round_id):
        return None
    return SurveyMail(view.name, view.ends_on, notice.kind == "survey_last")
