"""Citizens out as samplan/2 documents: every table of models/exchange2_spec.py, nothing lost.

Rows are read a batch of citizens at a time, one query per table (never one per row), in id
order; refs are numbered in that order per citizen (p1, p2, ... for people). Every citizen
exported leaves an audit row ("citizen.export_json", as samplan/1).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from models.access import Actor, authorize, visible_citizens_filter, write_audit
from models.errors import NotFound
from models.exchange2_spec import CITIZEN, CITIZEN_FIELDS, ENTITIES, FORMAT2, ID_COLUMNS, Entity, F
from models.tables import COPENHAGEN, Citizen, Department, UserAccount

EXPORT_BATCH = 500
READABLE_UP_TO = 20  # citizens in a file written indented
_PERSON_CODE = re.compile(r"^person:(\d+)$")


def export2_citizen(*, session: Session, actor: Actor | None, citizen_id: int) -> dict[str, Any]:
    """One citizen as a samplan/2 document. `actor=None` is the command line (audited, user NULL)."""
    if actor is None:
        if session.get(Citizen, citizen_id) is None:
            raise NotFound("citizen")
        write_audit(session, actor=None, action="citizen.export_json", citizen_id=citizen_id,
                    entity="citizen", entity_id=citizen_id)  # fmt: skip
    else:
        authorize(session, actor=actor, citizen_id=citizen_id, action="citizen.export_json",
                  entity="citizen", entity_id=citizen_id)  # fmt: skip
    return export2_ids(session, [citizen_id])


def export2_all(*, session: Session, actor: Actor | None) -> dict[str, Any]:
    """Every citizen the actor may open (all of them for the command line), one audit row each."""
    query = select(col(Citizen.id)).order_by(col(Citizen.id))
    if actor is not None:
        query = query.where(visible_citizens_filter(actor))
    ids = list(session.execute(query).scalars())
    for cid in ids:
        write_audit(session, actor=actor, action="citizen.export_json", citizen_id=cid,
                    entity="citizen", entity_id=cid)  # fmt: skip
    return export2_ids(session, ids)


def export2_ids(session: Session, citizen_ids: list[int]) -> dict[str, Any]:
    """The document for these citizens, without authorising (callers have; the bench uses it)."""
    builder = _Builder(session)
    citizens: list[dict[str, Any]] = []
    for start in range(0, len(citizen_ids), EXPORT_BATCH):
        citizens.extend(builder.batch(citizen_ids[start : start + EXPORT_BATCH]))
    for number, citizen in enumerate(citizens, start=1):
        citizen["ref"] = f"c{number}"
    exported_at = datetime.now(COPENHAGEN).replace(microsecond=0).isoformat()
    return {
        "format": FORMAT2,
        "exported_at": exported_at,
        "departments": builder.departments_out(),
        "users": builder.users_out(),
        "citizens": citizens,
    }


def document2_bytes(document: dict[str, Any]) -> bytes:
    """The file: indented for a few citizens (people read those); above that one citizen per
    line, each compact, since Python's indenting encoder took 4 s of a 1,000-citizen export and
    the compact one is written in C. The same JSON either way."""
    citizens = document.get("citizens", [])
    if len(citizens) <= READABLE_UP_TO:
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    head = {k: v for k, v in document.items() if k != "citizens"}
    lines = [json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "citizens": [']
    compact = (json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in citizens)
    lines.append(",\n".join("    " + line for line in compact))
    lines.append("  ]\n}\n")
    return "\n".join(lines).encode("utf-8")


def time_text(value: datetime) -> str:
    """UTC with its offset, microseconds kept: an import gives back the very same instant."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()


class _Builder:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.departments = {d.id: d for d in session.execute(select(Department)).scalars()}
        self.users = {
            row.id: row
            for row in session.execute(
                select(  # type: ignore[call-overload]
                    UserAccount.id,
                    UserAccount.username,
                    UserAccount.full_name,
                    UserAccount.email,
                    UserAccount.department_id,
                )  # fmt: skip
            )
        }
        self.used_departments: set[int] = set()
        self.used_users: set[int] = set()

    def department(self, department_id: int | None) -> str | None:
        if department_id is None or department_id not in self.departments:
            return None
        self.used_departments.add(department_id)
        return self.departments[department_id].name

    def user(self, user_id: int | None) -> str | None:
        if user_id is None or user_id not in self.users:
            return None
        self.used_users.add(user_id)
        return str(self.users[user_id].username)

    def users_out(self) -> list[dict[str, Any]]:
        out = []
        for user_id in sorted(self.used_users, key=lambda uid: self.users[uid].username):
            row = self.users[user_id]
            item: dict[str, Any] = {"username": row.username, "full_name": row.full_name}
            if row.email:
                item["email"] = row.email
            name = self.department(row.department_id)
            if name:
                item["department"] = name
            out.append(item)
        return out

    def departments_out(self) -> list[dict[str, Any]]:
        out = []
        for dep_id in sorted(self.used_departments, key=lambda d: self.departments[d].name):
            dep = self.departments[dep_id]
            item: dict[str, Any] = {"name": dep.name, "is_outside_body": bool(dep.is_outside_body)}
            if dep.retired_at is not None:
                item["retired_at"] = time_text(dep.retired_at)
            out.append(item)
        return out

    def rows(self, entity: Entity, citizen_ids: list[int]) -> list[Any]:
        """Plain rows (SQLAlchemy Core), not ORM objects: building 70,000 objects for 1,000
        citizens cost more than everything else in the export together."""
        table = entity.model.__table__
        if entity.parent == "citizen":
            query = select(table).where(table.c.citizen_id.in_(citizen_ids))
        else:
            parent = _ENTITY[entity.parent].model.__table__
            query = (
                select(table)
                .join(parent, parent.c.id == table.c[entity.parent_column])
                .where(parent.c.citizen_id.in_(citizen_ids))
            )
        return list(self.session.execute(query.order_by(table.c.id)).all())

    def batch(self, citizen_ids: list[int]) -> list[dict[str, Any]]:
        table = Citizen.__table__  # type: ignore[attr-defined]
        citizens = list(
            self.session.execute(select(table).where(table.c.id.in_(citizen_ids)).order_by(table.c.id)).all()
        )
        grouped: dict[str, dict[int, list[Any]]] = {}
        for entity in ENTITIES:
            by_parent: dict[int, list[Any]] = defaultdict(list)
            for row in self.rows(entity, citizen_ids):
                by_parent[getattr(row, entity.parent_column)].append(row)
            grouped[entity.kind] = by_parent
        self.preparation_of = {
            prep.id: prep.meeting_id for rows in grouped["preparation"].values() for prep in rows
        }
        return [self.citizen(citizen, grouped) for citizen in citizens]

    def citizen(self, citizen: Any, grouped: dict[str, dict[int, list[Any]]]) -> dict[str, Any]:
        refs: dict[str, dict[int, str]] = {}
        for entity in ENTITIES:
            if entity.prefix and entity.parent == "citizen":
                rows = grouped[entity.kind][citizen.id]  # type: ignore[index]
                refs[entity.kind] = {row.id: f"{entity.prefix}{n}" for n, row in enumerate(rows, start=1)}
        self.refs = refs
        out: dict[str, Any] = {"ref": ""}
        self.fill(out, citizen, CITIZEN_FIELDS)
        self.nest(out, "citizen", citizen.id, grouped)  # type: ignore[arg-type]
        return out

    def nest(
        self, out: dict[str, Any], kind: str, parent_id: int, grouped: dict[str, dict[int, list[Any]]]
    ) -> None:
        for entity in ENTITIES:
            if entity.parent != kind:
                continue
            items = []
            for row in grouped[entity.kind].get(parent_id, []):
                item: dict[str, Any] = {}
                if entity.prefix:
                    item["ref"] = self.refs[entity.kind][row.id]
                if entity.kind == "correction":
                    if not self.correction(item, row):
                        continue  # its row is gone or of a kind the format does not name
                else:
                    self.fill(item, row, entity.fields)
                self.nest(item, entity.kind, row.id, grouped)
                items.append(item)
            if entity.single or kind != "citizen":
                if items:  # below the citizen, an empty list is left out like an empty field
                    out[entity.key] = items[0] if entity.single else items
            else:
                out[entity.key] = items

    def value(self, field: F, row: Any) -> Any:
        raw = getattr(row, field.col)
        kind = field.kind
        if kind == "owner":
            if getattr(row, field.flag):
                return CITIZEN
            return self.refs[field.target].get(raw) if raw is not None else None
        if raw is None:
            return None
        if kind == "ref":
            return self.refs[field.target].get(raw)
        if kind == "user":
            return self.user(raw)
        if kind == "department":
            return self.department(raw)
        if kind == "datetime":
            return time_text(raw)
        if kind == "date":
            return raw.isoformat() if isinstance(raw, date) else raw
        if kind == "json":
            return json.loads(raw)
        if kind == "code" and field.col in ("from_value", "to_value"):
            match = _PERSON_CODE.match(raw)
            if match:
                return f"person:{self.refs['person'].get(int(match.group(1)), '?')}"
        return raw

    def fill(self, out: dict[str, Any], row: Any, fields: tuple[F, ...]) -> None:
        for field in fields:
            # Most fields are the value itself: no dispatch for half a million values.
            value = getattr(row, field.col) if field.kind in _AS_IS else self.value(field, row)
            if value is not None:  # optional fields are left out, never null
                out[field.name] = value

    def correction(self, out: dict[str, Any], row: Any) -> bool:
        out["at"] = time_text(row.at)
        by = self.user(row.user_id)
        if by:
            out["by"] = by
        out["table"] = row.table_name
        ref: str | None
        if row.table_name == "citizen":
            ref = CITIZEN
        elif row.table_name == "preparation":
            ref = self.refs["meeting"].get(self.preparation_of.get(row.row_id, -1))
        else:
            ref = self.refs.get(row.table_name, {}).get(row.row_id)
        if not ref or row.table_name not in _CORRECTED:
            return False
        out["row"] = ref
        out["field"] = row.column_name
        old = row.old_value
        kind = ID_COLUMNS.get(row.column_name)
        if old is not None and kind is not None:
            try:
                old_id = int(old)
            except ValueError:
                old_id = -1
            old = self.department(old_id) if kind == "department" else self.refs[kind].get(old_id)
        if old is not None:
            out["old_value"] = old
        return True


_ENTITY = {entity.kind: entity for entity in ENTITIES}
_AS_IS = frozenset({"text", "line", "name", "email", "int", "bool", "enum"})
_CORRECTED = set(next(f for f in _ENTITY["correction"].fields if f.name == "table").enum)
