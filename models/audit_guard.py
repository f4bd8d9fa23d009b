"""The audit trail is append-only, enforced by the database itself.

A trigger refuses UPDATE and DELETE on audit_event (SQLite and PostgreSQL alike), so neither a
bug in the app nor a hand-written statement can rewrite who looked at a citizen's data. The same
statements are run by the migration (real databases) and after create_all (test databases).
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

SQLITE = (
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
)
POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$",
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event",
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    # Belt and braces: nobody but the owner may even try.
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM PUBLIC",
)
SQLITE_DROP = ("DROP TRIGGER IF EXISTS audit_event_no_update", "DROP TRIGGER IF EXISTS audit_event_no_delete")
POSTGRESQL_DROP = (
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
)


def install(connection: Connection) -> None:
    for statement in SQLITE if connection.dialect.name == "sqlite" else POSTGRESQL:
        connection.exec_driver_sql(statement)


def uninstall(connection: Connection) -> None:
    for statement in SQLITE_DROP if connection.dialect.name == "sqlite" else POSTGRESQL_DROP:
        connection.exec_driver_sql(statement)
