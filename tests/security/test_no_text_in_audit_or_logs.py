"""Audit (issue 8, point 8): a unique string planted in every free-text field (through the same
domain writes the forms use), then read, exported and refused: none of them appears in any audit
row, any correction-free table of codes, or anything logged at any level.
"""

from __future__ import annotations

import contextlib
import io
import logging

import docx
from sqlalchemy import select

from exports.calendar import build_meeting_ics
from exports.invitation import build_invitation_docx
from exports.word_plan import build_plan_docx
from models.db import session_scope
from models.errors import UserError
from models.exchange import export_citizen
from models.invitation import load_invitation
from models.plans import load_joint_plan
from models.tables import AuditEvent
from tests.reliability.writes import TEXT_WRITES, make_world

NOT_FREE_TEXT = {"meetings.schedule_meeting.clock", "meetings.schedule_meeting.minutes",
                 "agenda.save_agenda.minutes", "goals.add_goal.area", "users.authenticate.username",
                 "users.authenticate.password", "users.create_user.password",
                 "citizen_links.resolve_citizen_link.token"}  # fmt: skip


def plant_for(field: str, n: int) -> str:
    if field.endswith(".email"):
        return f"plant{n:03d}qz@example.dk"
    if field.endswith(".username"):
        return f"plant{n:03d}qz"
    if field.endswith(".video_link"):
        return f"https://møde.example/plant{n:03d}qz"
    return f"Plant{n:03d}QZ tekst"


def test_planted_strings_are_in_no_audit_row_and_no_log(db_url, caplog):
    caplog.set_level(logging.DEBUG)
    world = make_world()
    planted, refused = [], []
    for n, (field, write) in enumerate(sorted(TEXT_WRITES.items())):
        if field in NOT_FREE_TEXT:
            continue
        value = plant_for(field, n)
        try:
            write(world, value)
        except UserError:
            refused.append(field)
            continue
        planted.append(value)
        # the same field again with a value it must refuse: error paths must not log text either
        with contextlib.suppress(UserError):
            write(world, value + "\x00" + "x" * 20_000)
    assert len(planted) >= 40, refused
    with session_scope() as s:
        plan = load_joint_plan(session=s, actor=world.staff, citizen_id=world.citizen_id)
        exported = export_citizen(session=s, actor=world.staff, citizen_id=world.citizen_id)
        invitation = load_invitation(
            session=s,
            actor=world.staff,
            citizen_id=world.citizen_id,
            meeting_id=world.planned_meeting_id,
            purpose="invitation.export_docx",
        )
    for variant in ("citizen", "team"):
        docx.Document(io.BytesIO(build_plan_docx(plan, variant=variant)))
    build_invitation_docx(invitation)
    build_meeting_ics(invitation)
    stored = str(exported) + str(plan)
    assert sum(1 for value in planted if value in stored) >= len(planted) // 2  # the plants are really there

    with session_scope() as s:
        audit = [
            " ".join(str(v) for v in row)
            for row in s.execute(select(AuditEvent.action, AuditEvent.entity, AuditEvent.outcome)).all()
        ]
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert len(audit) > 40
    leaks = [value for value in planted if any(value in row for row in audit) or value in logged]
    assert leaks == []
    assert not any(f"{n:03d}qz" in logged.lower() for n in range(len(TEXT_WRITES)))
    print(
        f"planted {len(planted)} strings in free-text fields; {len(audit)} audit rows, "
        f"{len(caplog.records)} log records: 0 leaks"
    )


def test_an_unexpected_error_in_a_ui_action_does_not_log_the_users_text(caplog):
    """ui.feedback.attempt logs unexpected errors for developers; a database error's message
    carries the statement's parameters, i.e. what the user typed."""
    from ui.feedback import attempt

    caplog.set_level(logging.DEBUG)

    typed = "Plant" + "999QZ borgerens tekst"  # built at run time: a frame shows source lines

    def failing() -> None:
        raise RuntimeError(f"(IntegrityError) [parameters: ('{typed}',)]")

    assert attempt(failing) is None  # bare mode: st.error only warns outside a running app
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "unexpected error" in logged  # the developer still learns that something broke, and where
    assert "Plant999QZ" not in logged
