"""Reading a samplan/2 file: the schema, every reference, the sanitiser, in one pass.

The result is a flat list of Items per kind (parents before children, in file order) with
cleaned column values and the refs still to resolve; models/exchange2_import.py writes them.
Problems come back as samplan/1's do: (JSON path, Danish sentence), all at once, in file order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from models.exchange2_schema import schema2_errors
from models.exchange2_spec import CITIZEN, CITIZEN_FIELDS, ENTITIES, ID_COLUMNS, PREFIXES, Entity, F
from models.exchange_read import Noting, problems_in
from models.exchange_schema import Found, Path_, Problem, format_path, is_date, is_date_time, schema_findings
from models.i18n import DEFAULT_LANGUAGE, translate
from models.tables import MAX_ACTIVE_GOALS
from models.text import clean_email, clean_name, clean_text, parse_date


@dataclass
class Item:
    kind: str  # "citizen" or an entity kind
    n: int  # the citizen's index in the file
    ref: str | None
    values: dict[str, Any]
    links: dict[str, tuple[str, str]] = field(default_factory=dict)  # column -> (how, key)
    parent: Item | None = None
    id: int | None = None


@dataclass
class Read:
    departments: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    items: dict[str, list[Item]] = field(default_factory=dict)

    @property
    def citizens(self) -> list[Item]:
        return self.items["citizen"]


def _objects(value: object) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


class _Reader(Noting):
    def __init__(self) -> None:
        super().__init__()
        self.read = Read(items={"citizen": [], **{e.kind: [] for e in ENTITIES}})
        self.usernames: set[str] = set()
        self.department_names: set[str] = set()

    def document(self, doc: object) -> None:
        if not isinstance(doc, dict):
            return
        for i, dep in _objects(doc.get("departments")):
            name = self.clean(clean_name, dep.get("name"), ("departments", i, "name"), field="name")
            if name in self.department_names:
                self.note(("departments", i, "name"), "exchange2.department_twice", name=name)
            elif name:
                self.department_names.add(name)
                self.read.departments.append({**dep, "name": name})
        emails: set[str] = set()
        for i, user in _objects(doc.get("users")):
            path: Path_ = ("users", i)
            name = user.get("username")
            if not isinstance(name, str):
                continue
            if name in self.usernames:
                self.note(path + ("username",), "exchange2.user_twice", name=name)
                continue
            self.usernames.add(name)
            email = self.clean(clean_email, user.get("email"), path + ("email",), field="email")
            if email and email.lower() in emails:
                self.note(path + ("email",), "exchange2.email_twice", email=email)
            elif email:
                emails.add(email.lower())
            full_name = self.clean(
                clean_name, user.get("full_name"), path + ("full_name",), field="full_name"
            )
            self.department_known(user.get("department"), path + ("department",))
            self.read.users.append({"username": name, "full_name": full_name, "email": email,
                                    "department": user.get("department")})  # fmt: skip
        seen: dict[str, Path_] = {}
        for n, (i, raw) in enumerate(_objects(doc.get("citizens"))):
            path = ("citizens", i)
            ref = raw.get("ref")
            if isinstance(ref, str) and ref in seen:
                self.note(path + ("ref",), "exchange.ref_duplicate", ref=ref, other=format_path(seen[ref]))
            elif isinstance(ref, str):
                seen[ref] = path
            self.citizen(n, raw, path)

    def department_known(self, name: object, path: Path_) -> None:
        if isinstance(name, str) and name not in self.department_names:
            self.note(path, "exchange2.department_missing", name=name)

    def citizen(self, n: int, raw: dict[str, Any], path: Path_) -> None:
        refs: dict[str, tuple[str, Path_]] = {}
        for entity in ENTITIES:
            if not entity.prefix:
                continue
            for i, obj in _objects(raw.get(entity.key)):
                ref = obj.get("ref")
                if not isinstance(ref, str):
                    continue
                where = path + (entity.key, i, "ref")
                if ref in refs:
                    self.note(where, "exchange.ref_duplicate", ref=ref, other=format_path(refs[ref][1]))
                elif ref == CITIZEN:
                    self.note(where, "exchange.ref_reserved", ref=ref)
                else:
                    refs[ref] = (entity.kind, where[:-1])
        self.refs = refs
        item = Item("citizen", n, None, {})
        self.fields(item, raw, CITIZEN_FIELDS, path)
        self.read.items["citizen"].append(item)
        self.children(item, "citizen", raw, path)
        self.rules(n, raw, path)

    def children(self, parent: Item, kind: str, raw: dict[str, Any], path: Path_) -> None:
        for entity in ENTITIES:
            if entity.parent != kind or entity.key not in raw:
                continue
            value = raw[entity.key]
            pairs = [(None, value)] if entity.single and isinstance(value, dict) else _objects(value)
            for i, obj in pairs:
                where = path + ((entity.key,) if i is None else (entity.key, i))
                item = Item(
                    entity.kind, parent.n, obj.get("ref") if entity.prefix else None, {}, parent=parent
                )
                self.fields(item, obj, entity.fields, where)
                self.read.items[entity.kind].append(item)
                self.children(item, entity.kind, obj, where)

    def fields(self, item: Item, obj: Mapping[str, Any], fields: tuple[F, ...], path: Path_) -> None:
        for spec in fields:
            value = obj.get(spec.name)
            where = path + (spec.name,)
            if spec.kind == "owner":
                item.values[spec.flag] = value == CITIZEN
                item.values[spec.col] = None
                if isinstance(value, str) and value != CITIZEN and self.ref_ok(value, spec.target, where):
                    item.links[spec.col] = ("ref", f"{spec.target}:{value}")
                continue
            if value is None:
                continue
            cleaned = self.value(spec, value, where, item)
            if cleaned is not None:
                item.values[spec.col] = cleaned

    def value(self, spec: F, value: Any, where: Path_, item: Item) -> Any:
        kind = spec.kind
        if kind in ("text", "line", "code"):
            if not isinstance(value, str):
                return None
            # Kept verbatim (several lines too): what the app stored comes back unchanged.
            return self.clean(clean_text, value, where, field=spec.name, max_length=spec.max_length or 10_000,
                              required=spec.required)  # fmt: skip
        if kind == "name":
            return self.clean(clean_name, value, where, field=spec.name) if isinstance(value, str) else None
        if kind == "email":
            return self.clean(clean_email, value, where, field=spec.name) if isinstance(value, str) else None
        if kind == "date":
            if not isinstance(value, str) or not is_date(value):
                return None
            return self.clean(parse_date, value, where, field=spec.name)
        if kind == "datetime":
            if not isinstance(value, str) or not is_date_time(value):
                return None
            return datetime.fromisoformat(value.upper()).astimezone(UTC)
        if kind == "int":
            return value if isinstance(value, int) and not isinstance(value, bool) else None
        if kind == "bool":
            return value if isinstance(value, bool) else None
        if kind == "enum":
            return value if value in spec.enum else None
        if kind == "json":
            return json.dumps(value, ensure_ascii=False, sort_keys=True) if isinstance(value, dict) else None
        if kind == "ref":
            if isinstance(value, str) and self.ref_ok(value, spec.target, where):
                item.links[spec.col] = ("ref", f"{spec.target}:{value}")
            return None
        if kind == "user":
            if isinstance(value, str):
                if value not in self.usernames:
                    self.note(where, "exchange2.user_missing", name=value)
                else:
                    item.links[spec.col] = ("user", value)
            return None
        if kind == "department":
            if isinstance(value, str):
                self.department_known(value, where)
                if value in self.department_names:
                    item.links[spec.col] = ("department", value)
            return None
        raise ValueError(kind)  # pragma: no cover

    def ref_ok(self, value: str, target: str, where: Path_) -> bool:
        found = self.refs.get(value)
        if found is None:
            self.note(where, "exchange2.ref_missing", ref=value, kind=f"exchange2.kind_{target}")
            return False
        if found[0] != target:
            self.note(where, "exchange2.ref_wrong_kind", ref=value, kind=f"exchange2.kind_{target}",
                      actual=f"exchange2.kind_{found[0]}")  # fmt: skip
            return False
        return True

    def rules(self, n: int, raw: dict[str, Any], path: Path_) -> None:
        """What the database or the product rules refuse: each said at its path."""
        active = 0
        for i, goal in _objects(raw.get("goals")):
            if goal.get("status") == "active":
                active += 1
                if active > MAX_ACTIVE_GOALS:
                    self.note(
                        path + ("goals", i, "status"), "exchange.too_many_active_goals", max=MAX_ACTIVE_GOALS
                    )
            scored: set[object] = set()
            for k, score in _objects(goal.get("scores")):
                meeting = score.get("meeting")
                if meeting in scored:
                    self.note(
                        path + ("goals", i, "scores", k, "meeting"), "exchange2.twice", value=str(meeting)
                    )
                scored.add(meeting)
        for i, meeting in _objects(raw.get("meetings")):
            people: set[object] = set()
            for k, part in _objects(meeting.get("participants")):
                if part.get("person") in people:
                    where = path + ("meetings", i, "participants", k, "person")
                    self.note(where, "exchange.participant_twice",
                              ref=str(part.get("person")))  # fmt: skip
                people.add(part.get("person"))
        numbers: set[object] = set()
        for i, version in _objects(raw.get("plan_versions")):
            if version.get("number") in numbers:
                self.note(
                    path + ("plan_versions", i, "number"), "exchange2.twice", value=str(version.get("number"))
                )
            numbers.add(version.get("number"))
        for i, correction in _objects(raw.get("corrections")):
            table, row = correction.get("table"), correction.get("row")
            where = path + ("corrections", i)
            if table in ("citizen",) and row not in (None, CITIZEN):
                self.note(
                    where + ("row",), "exchange2.ref_missing", ref=str(row), kind="exchange2.kind_citizen"
                )
            elif table == "preparation" and isinstance(row, str):
                self.ref_ok(row, "meeting", where + ("row",))
            elif table in PREFIXES and isinstance(row, str):
                self.ref_ok(row, str(table), where + ("row",))
            old, column = correction.get("old_value"), correction.get("field")
            target = ID_COLUMNS.get(str(column))
            if isinstance(old, str) and target == "department":
                self.department_known(old, where + ("old_value",))
            elif isinstance(old, str) and target:
                self.ref_ok(old, target, where + ("old_value",))


def _unknown_field(found: Found) -> Found:
    if found.key == "exchange.schema_unknown_field":
        return Found(found.path, "exchange2.unknown_field", found.params, from_schema=True)
    if found.key == "exchange.schema_other":
        return Found(found.path, "exchange2.more.schema_other", found.params, from_schema=True)
    return found


def check2(doc: object) -> tuple[list[Found], Read]:
    found: list[Found] = []
    for error in schema2_errors(doc):
        found.extend(_unknown_field(f) for f in schema_findings(error))
    reader = _Reader()
    reader.document(doc)
    return found + reader.found, reader.read


def validate2(doc: object, *, lang: str = DEFAULT_LANGUAGE) -> list[Problem]:
    """Everything wrong with a samplan/2 document, in document order; [] if it is fine."""
    found, _ = check2(doc)
    return problems2(doc, found, lang)


def problems2(doc: object, found: list[Found], lang: str) -> list[Problem]:
    """As samplan/1's, with the kind of object a ref should name said in the user's language."""
    said = [
        Found(f.path, f.key, {**f.params, "kind": translate(f.params["kind"], lang)}, f.from_schema)
        if "kind" in f.params
        else f
        for f in found
    ]
    return problems_in(doc, said, lang)


def entity(kind: str) -> Entity:
    return next(e for e in ENTITIES if e.kind == kind)
