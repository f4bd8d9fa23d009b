import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from models.access import write_audit
from models.db import session_scope


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET outcome = 'ok' WHERE outcome = 'denied'",  # rewriting a refusal
        "UPDATE audit_event SET user_id = NULL",  # hiding who looked
        "DELETE FROM audit_event",  # erasing the trail
    ],
)
def test_the_audit_trail_cannot_be_changed_or_deleted(db_url, statement):
    with session_scope(write=True) as s:
        write_audit(s, actor=None, action="plan.read", citizen_id=7, outcome="denied")
    with pytest.raises(DBAPIError, match="append-only"), session_scope(write=True) as s:
        s.execute(text(statement))
    with session_scope() as s:
        assert s.execute(text("SELECT outcome, citizen_id FROM audit_event")).all() == [("denied", 7)]
