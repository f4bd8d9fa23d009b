"""Count the SQL statements an engine executes (an SQLAlchemy `before_cursor_execute` event)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Transaction control and connection set-up are not queries a page asked for.
_NOT_COUNTED = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")


@dataclass
class StatementLog:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def repeated(self, at_least: int = 3) -> dict[str, int]:
        """Statements with the same text run `at_least` times: the mark of a query per row."""
        seen: dict[str, int] = {}
        for statement in self.statements:
            seen[statement] = seen.get(statement, 0) + 1
        return {sql: n for sql, n in seen.items() if n >= at_least}


@contextmanager
def count_statements(engine: Engine) -> Iterator[StatementLog]:
    """Every statement the engine sends while the block runs (an executemany counts once)."""
    log = StatementLog()

    def _before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(_NOT_COUNTED):
            log.statements.append(statement)

    event.listen(engine, "before_cursor_execute", _before)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", _before)
