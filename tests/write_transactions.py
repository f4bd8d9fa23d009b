"""Count the write transactions an engine runs, and what runs inside each (issue 16, target 3).

A transaction is a write transaction if it took SQLite's write lock when it began (BEGIN
IMMEDIATE: session_scope(write=True)) or sent an INSERT/UPDATE/DELETE. For each one the log keeps
every statement sent from the moment it held the lock (SQLite) or wrote (PostgreSQL) to its end:
a SELECT among them is reading done while every other writer waits.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_NOT_COUNTED = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")
_STATE = "test_write_transaction"


def _first_line(statement: str) -> str:
    return " ".join(statement.split())[:120]


@dataclass
class WriteTransaction:
    statements: list[str] = field(default_factory=list)  # from the lock (or first write) to the end
    began_locked: bool = False  # BEGIN IMMEDIATE: the lock was taken before anything was known

    @property
    def tables_written(self) -> set[str]:
        found = set()
        for sql in self.statements:
            words = sql.split()
            if words[0].upper() == "INSERT":
                found.add(words[2])
            elif words[0].upper() in ("UPDATE", "DELETE"):
                found.add(words[1] if words[0].upper() == "UPDATE" else words[2])
        return found

    @property
    def reads_inside(self) -> list[str]:
        return [sql for sql in self.statements if not sql.upper().startswith(_WRITES)]


@dataclass
class WriteLog:
    transactions: list[WriteTransaction] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.transactions)

    def describe(self) -> str:
        return "\n".join(
            f"#{n} {'BEGIN IMMEDIATE' if t.began_locked else 'upgraded'}: " + " | ".join(t.statements)
            for n, t in enumerate(self.transactions, 1)
        )


@contextmanager
def count_write_transactions(engine: Engine) -> Iterator[WriteLog]:
    log = WriteLog()

    def _begin(connection: Any) -> None:
        # models.db's own "begin" listener ran first and marked a BEGIN IMMEDIATE.
        locked = bool(connection.info.get("samplan_write_locked"))
        connection.info[_STATE] = WriteTransaction(began_locked=locked) if locked else None

    def _before(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(_NOT_COUNTED):
            return
        current = connection.info.get(_STATE)
        if current is None and statement.lstrip().upper().startswith(_WRITES):
            current = connection.info[_STATE] = WriteTransaction()
        if current is not None:
            current.statements.append(_first_line(statement))

    def _end(connection: Any) -> None:
        current = connection.info.pop(_STATE, None)
        if current is not None:
            log.transactions.append(current)

    listeners = (("begin", _begin), ("before_cursor_execute", _before), ("commit", _end), ("rollback", _end))
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield log
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)
