"""Writing a checked samplan/2 file: one transaction, one INSERT per table for the whole file.

Departments are matched by name (missing ones created as the file describes them). Users are
matched by username; a username the installation does not know becomes a **deactivated**
account with no usable password (an administrator activates it and sets a password), so team
memberships and "who did it" survive a move without letting anyone log in. Memberships come
from the file only: unlike samplan/1, no team is inferred from e-mail addresses.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, func, select

from models.access import Actor, write_audit
from models.exchange2_read import Item, Read
from models.exchange2_spec import ENTITIES, ID_COLUMNS, PREFIXES
from models.exchange_identity import citizen_identity
from models.exchange_import import _insert
from models.exchange_schema import ImportedCitizen
from models.tables import Citizen, Department, UserAccount

NO_PASSWORD = "!imported-account-without-password"  # not an argon2 hash: no password matches
_PERSON_CODE = re.compile(r"^person:(.+)$")


def write2(
    session: Session, read: Read, actor: Actor | None, *, fresh: list[int], identities: list[str | None]
) -> list[ImportedCitizen]:
    """Write the citizens at positions `fresh` (the others are updated elsewhere or skipped)."""
    departments = _departments(session, read)
    users = _users(session, read, departments)
    wanted = set(fresh)
    citizens = [c for c in read.citizens if c.n in wanted]
    ids = _insert(
        session,
        Citizen,
        [{**c.values, "exchange_identity": identities[c.n]} for c in citizens],
        ids=True,
    )
    for item, cid in zip(citizens, ids, strict=True):
        item.id = cid
    citizen_id = {c.n: c.id for c in citizens}
    refs: dict[tuple[int, str], int] = {}  # (citizen index, "kind:ref") -> id

    def resolve(item: Item) -> dict[str, Any]:
        row = dict(item.values)
        for column, (how, key) in item.links.items():
            if how == "ref":
                row[column] = refs[(item.n, key)]
            elif how == "user":
                row[column] = users[key]
            else:
                row[column] = departments[key]
        return row

    for entity in ENTITIES:
        items = [i for i in read.items[entity.kind] if i.n in wanted]
        rows = []
        for item in items:
            row = resolve(item)
            parent = item.parent
            assert parent is not None and parent.id is not None
            row[entity.parent_column] = parent.id
            if entity.also_citizen:
                row["citizen_id"] = citizen_id[item.n]
            if entity.kind == "action_event":
                for column in ("from_value", "to_value"):
                    row[column] = _person_code(row.get(column), item.n, refs)
            if entity.kind == "link":
                # The token never leaves its installation: a random hash no token matches keeps
                # the link's history (what the citizen did through it) without a working link.
                row["token_hash"] = secrets.token_hex(32)
            if entity.kind == "correction":
                _correction(row, item.n, citizen_id[item.n], refs, departments)
            rows.append(row)
        with_ids = bool(entity.prefix) or entity.kind in _PARENTS
        new_ids = _insert(session, entity.model, rows, ids=with_ids)
        for item, new_id in zip(items, new_ids if with_ids else [0] * len(items), strict=True):
            item.id = new_id if with_ids else None
            if entity.prefix:
                refs[(item.n, f"{entity.kind}:{item.ref}")] = new_id
            if entity.kind == "preparation" and item.parent is not None:
                refs[(item.n, f"preparation:{item.parent.ref}")] = new_id
        if entity.kind == "person":
            _contacts(session, citizens, refs)
    for cid in ids:
        write_audit(
            session, actor=actor, action="citizen.import", citizen_id=cid, entity="citizen", entity_id=cid
        )
    return [ImportedCitizen(id=c.id, name=str(c.values.get("name", ""))) for c in citizens]  # type: ignore[arg-type]


_PARENTS = {entity.parent for entity in ENTITIES} | {"preparation"}


def _contacts(session: Session, citizens: list[Item], refs: dict[tuple[int, str], int]) -> None:
    rows = [
        {"row_id": c.id, "contact": refs[(c.n, c.links["contact_person_id"][1])]}
        for c in citizens
        if "contact_person_id" in c.links
    ]
    if rows:
        table = Citizen.__table__  # type: ignore[attr-defined]
        session.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(contact_person_id=bindparam("contact")),
            rows,
        )


def _person_code(value: object, n: int, refs: dict[tuple[int, str], int]) -> object:
    """ "person:p3" in an agreement's history is "person:<id>" in the database."""
    match = _PERSON_CODE.match(value) if isinstance(value, str) else None
    if match is None:
        return value
    found = refs.get((n, f"person:{match.group(1)}"))
    return f"person:{found}" if found is not None else value


def _correction(
    row: dict[str, Any],
    n: int,
    cid: int | None,
    refs: dict[tuple[int, str], int],
    departments: dict[str, int],
) -> None:
    table, ref = row["table_name"], row["row_id"]
    if table == "citizen":
        row["row_id"] = cid
    elif table == "preparation":
        row["row_id"] = refs[(n, f"preparation:{ref}")]
    elif table in PREFIXES:
        row["row_id"] = refs[(n, f"{table}:{ref}")]
    kind = ID_COLUMNS.get(row["column_name"])
    old = row.get("old_value")
    if old is not None and kind == "department":
        row["old_value"] = str(departments[old])
    elif old is not None and kind:
        row["old_value"] = str(refs[(n, f"{kind}:{old}")])


def _departments(session: Session, read: Read) -> dict[str, int]:
    names = [d["name"] for d in read.departments]
    existing = {
        d.name: d.id
        for d in session.execute(select(Department).where(col(Department.name).in_(names))).scalars()
    } if names else {}  # fmt: skip
    created = [
        Department(
            name=d["name"],
            is_outside_body=bool(d.get("is_outside_body", False)),
            retired_at=_time(d.get("retired_at")),
        )  # fmt: skip
        for d in read.departments
        if d["name"] not in existing
    ]
    if created:
        session.add_all(created)
        session.flush()
    return {**existing, **{d.name: d.id for d in created}}  # type: ignore[dict-item]


def _time(value: object) -> Any:
    from datetime import UTC, datetime

    return datetime.fromisoformat(value.upper()).astimezone(UTC) if isinstance(value, str) else None


def _users(session: Session, read: Read, departments: dict[str, int]) -> dict[str, int]:
    names = [u["username"] for u in read.users]
    if not names:
        return {}
    existing = {
        row.username: row.id
        for row in session.execute(
            select(UserAccount.id, UserAccount.username).where(col(UserAccount.username).in_(names))
        )
    }
    wanted_emails = [u["email"].lower() for u in read.users if u["email"] and u["username"] not in existing]
    taken = {
        email
        for email in session.execute(
            select(func.lower(UserAccount.email)).where(func.lower(UserAccount.email).in_(wanted_emails))
        ).scalars()
    } if wanted_emails else set()  # fmt: skip
    created = [
        UserAccount(
            username=u["username"],
            full_name=u["full_name"] or u["username"],
            # An address another account already has stays with that account.
            email=u["email"] if u["email"] and u["email"].lower() not in taken else None,
            department_id=departments.get(u["department"]) if u["department"] else None,
            password_hash=NO_PASSWORD,
            is_active=False,
        )
        for u in read.users
        if u["username"] not in existing
    ]
    if created:
        session.add_all(created)
        session.flush()
    return {**existing, **{u.username: u.id for u in created}}  # type: ignore[dict-item]


def identities_for(read: Read) -> list[str | None]:
    return [
        citizen_identity(str(c.values.get("name", "")), c.values.get("birth_date")) for c in read.citizens
    ]
