"""The exchange file (samplan/1): validate, import and export citizens with their whole plan.

The format is fixed by models/schema/samplan-exchange.schema.json (a byte-identical copy of
the shared spec). Decisions the schema leaves open:

- Refs: a citizen's ref is unique in the file; every other ref (people, consents, goals,
  actions, meetings) is unique *within its citizen, across all five kinds* ("a string unique
  within its citizen"), so "p1" cannot be both a person and a meeting. A person may not have
  the ref "citizen": that word means the citizen as an action's owner.
- Everything the file says is checked before anything is written: the schema (with the
  `date` and `date-time` formats enforced; a date-time needs an offset), every reference,
  and what the database or the product rules would refuse (the sanitiser's length caps after
  normalisation, blank names and texts, an e-mail address the forms would refuse (one plain
  address: it lands in calendar files), a participant listed twice, two scores for the same
  goal and meeting, more than three active goals). All problems come back in one pass,
  in document order, as (path, message) with paths like `citizens[0].actions[2].owner`.
- Import is one transaction (the caller's session): all citizens or none. Only an
  administrator may import; `actor=None` means the command line (`samplan import`), which is
  run by whoever operates the server, and is audited with user_id NULL.
- Mapping: meeting status planned/held/cancelled is ours as is; on export draft, planned and
  in_progress become "planned". An imported consent is kind "sharing" (the file has no kind).
  A person titled "koordinerende sagsbehandler" is marked as the coordinator (the file has no
  such flag). Meeting times are stored in UTC and exported in Europe/Copenhagen with offset.
- What samplan/1 cannot hold is left out of an export (listed in the module's report to the
  team, and logged as counts): e.g. an agreement without an owner yet, a consent without
  parties, professional notes, attendance, agenda, speaking time, team memberships.
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, col, select

from models import team
from models.access import Actor, authorize, refuse, visible_citizens_filter, write_audit
from models.errors import NotFound, UserError
from models.i18n import DEFAULT_LANGUAGE, translate
from models.tables import (
    COPENHAGEN,
    MAX_ACTIVE_GOALS,
    Action,
    Citizen,
    Consent,
    ConsentParty,
    Decision,
    Department,
    Goal,
    GoalScore,
    Meeting,
    MeetingParticipant,
    Person,
    Preparation,
    UnmetNeed,
    today,
    utcnow,
)
from models.text import (
    NAME_MAX,
    SHORT_MAX,
    clean_email,
    clean_name,
    clean_optional,
    clean_text,
    parse_date,
)

logger = logging.getLogger(__name__)

FORMAT = "samplan/1"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "samplan-exchange.schema.json"
CITIZEN_OWNER = "citizen"  # action.owner when the citizen carries the action
PREPARATION_FIELDS = ("matters_most", "dream", "going_well", "questions")
COORDINATOR_TITLE = "koordinerende sagsbehandler"
EXPORT_BATCH = 500  # citizens per round of queries (well under SQLite's parameter limit)

Path_ = tuple[str | int, ...]


# --- Problems ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (a JSON path) and what (a sentence to show)."""

    path: str
    message: str
    key: str = ""  # catalogue key, so tests and callers need not match on wording

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ImportFailed(UserError):
    """The file was refused; nothing was saved. `problems` says everything that is wrong."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("exchange.import_failed", count=len(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class ImportedCitizen:
    id: int
    name: str


@dataclass
class _Found:
    path: Path_
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    from_schema: bool = False


def format_path(path: Path_) -> str:
    """`citizens[0].actions[2].owner`; the document itself is `$`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out or "$"


def _document_order(doc: object, path: Path_) -> tuple[int, ...]:
    """Positions along `path` as they appear in the file (dicts keep the file's key order)."""
    positions: list[int] = []
    node: object = doc
    for part in path:
        if isinstance(node, list) and isinstance(part, int):
            positions.append(part)
            node = node[part] if 0 <= part < len(node) else None
        elif isinstance(node, dict) and part in node:
            positions.append(list(node).index(part))
            node = node[part]
        else:
            # A missing required field sorts after the fields that are there.
            positions.append(len(node) if isinstance(node, dict | list) else 0)
            node = None
    return tuple(positions)


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:39] + "…"


# --- The schema -------------------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True  # formats only judge strings; "type" judges the rest
    if not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_date_time(value: object) -> bool:
    """RFC 3339 with a mandatory offset. jsonschema only checks date-time when an optional
    package is installed, so without this "format" would be silently ignored."""
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    try:
        datetime.fromisoformat(value.upper()).astimezone(UTC)
    except (ValueError, OverflowError):
        return False
    return True


@cache
def _schema_text() -> str:
    return SCHEMA_PATH.read_text(encoding="utf-8")


def exchange_schema() -> dict[str, Any]:
    """The samplan/1 JSON Schema (a fresh copy: callers may change it)."""
    return json.loads(_schema_text())  # type: ignore[no-any-return]


_ANNOTATIONS = {"description", "title", "$comment"}


def _inline_refs(node: Any, defs: Mapping[str, Any]) -> Any:
    """Replace local "$ref"s by the definitions they name. Same meaning (a $ref with siblings
    means both apply), but validation runs about twice as fast without reference lookups."""
    if isinstance(node, list):
        return [_inline_refs(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    rest = {k: _inline_refs(v, defs) for k, v in node.items() if k not in ("$ref", "$defs")}
    ref = node.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
        return rest if ref is None else {**rest, "$ref": ref}
    target = _inline_refs(defs[ref.removeprefix("#/$defs/")], defs)
    if (set(rest) - _ANNOTATIONS) & set(target):
        return {"allOf": [target, rest]}
    return {**target, **rest}


@cache
def _validator() -> Draft202012Validator:
    checker = FormatChecker(formats=())
    checker.checks("date")(_is_date)
    checker.checks("date-time")(_is_date_time)
    schema = exchange_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(_inline_refs(schema, schema["$defs"]), format_checker=checker)


_TYPE_WORDS = {
    "object": "exchange.type_object",
    "array": "exchange.type_array",
    "string": "exchange.type_string",
    "integer": "exchange.type_integer",
    "number": "exchange.type_number",
    "boolean": "exchange.type_boolean",
}


def _schema_findings(error: ValidationError) -> list[_Found]:
    path: Path_ = tuple(error.absolute_path)
    kind = error.validator
    value = error.validator_value
    instance = error.instance
    if kind == "required" and isinstance(instance, dict):
        return [
            _Found(path + (name,), "exchange.schema_required", from_schema=True)
            for name in value
            if name not in instance
        ]
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        return [
            _Found(path + (name,), "exchange.schema_unknown_field", {"name": name}, from_schema=True)
            for name in instance
            if name not in known
        ]
    if kind == "type":
        return [_Found(path, _TYPE_WORDS.get(str(value), "exchange.type_other"), from_schema=True)]
    if kind == "format":
        key = "exchange.schema_date" if value == "date" else "exchange.schema_date_time"
        return [_Found(path, key, {"value": _shown(instance)}, from_schema=True)]
    if kind == "const":
        return [_Found(path, "exchange.schema_const", {"expected": value}, from_schema=True)]
    if kind == "enum":
        allowed = ", ".join(str(v) for v in value)
        return [_Found(path, "exchange.schema_enum", {"value": _shown(instance), "allowed": allowed}, True)]
    if kind == "minLength":
        return [_Found(path, "exchange.schema_empty", from_schema=True)]
    if kind == "maxLength":
        params = {"max": value, "length": len(instance) if isinstance(instance, str) else "?"}
        return [_Found(path, "exchange.schema_too_long", params, from_schema=True)]
    if kind in ("minimum", "maximum"):
        return [_Found(path, f"exchange.schema_{kind}", {"limit": value}, from_schema=True)]
    if kind == "minItems":
        return [_Found(path, "exchange.schema_min_items", {"limit": value}, from_schema=True)]
    return [_Found(path, "exchange.schema_other", {"detail": error.message}, from_schema=True)]


# --- Reading a file into checked, cleaned values ----------------------------------------


@dataclass
class _PersonIn:
    ref: str
    name: str
    kind: str
    department: str | None
    title: str | None
    relation: str | None
    email: str | None
    phone: str | None


@dataclass
class _ConsentIn:
    parties: list[str]
    scope: str | None
    given_on: date | None
    expires_on: date | None
    withdrawn_on: date | None
    form: str | None


@dataclass
class _ScoreIn:
    meeting: str
    score: int
    note: str | None


@dataclass
class _GoalIn:
    ref: str
    own_words: str
    area: str | None
    status: str
    created_on: date | None
    scores: list[_ScoreIn]


@dataclass
class _ActionIn:
    text: str
    goal: str | None
    owner: str
    due_on: date | None
    status: str
    trial: bool
    agreed_at: str | None
    done_on: date | None


@dataclass
class _MeetingIn:
    ref: str
    starts_at: datetime
    minutes: int
    place: str | None
    status: str
    leader: str | None
    note_taker: str | None
    participants: list[str]
    citizen_present: bool | None
    preparation: dict[str, str | None] | None
    decisions: list[str]
    unmet_needs: list[str]


@dataclass
class _CitizenIn:
    name: str
    birth_date: date | None
    phone: str | None
    email: str | None
    contact_person: str | None
    people: list[_PersonIn] = field(default_factory=list)
    consents: list[_ConsentIn] = field(default_factory=list)
    goals: list[_GoalIn] = field(default_factory=list)
    actions: list[_ActionIn] = field(default_factory=list)
    meetings: list[_MeetingIn] = field(default_factory=list)


_KIND_KEYS = {
    "person": "exchange.kind_person",
    "consent": "exchange.kind_consent",
    "goal": "exchange.kind_goal",
    "action": "exchange.kind_action",
    "meeting": "exchange.kind_meeting",
}


def _objects(value: object) -> list[tuple[int, dict[str, Any]]]:
    """The dict items of a list, with their index; anything else is the schema's business."""
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _key_position(obj: dict[str, Any], name: str) -> int:
    return list(obj).index(name) if name in obj else len(obj)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


class _Reader:
    """Walks a (possibly broken) document, cleaning what it can and noting every problem.

    Defensive by design: wrong types are reported by the schema, so here they are skipped.
    """

    def __init__(self) -> None:
        self.found: list[_Found] = []

    def note(self, path: Path_, key: str, **params: Any) -> None:
        self.found.append(_Found(path, key, params))

    def clean(self, fn: Callable[..., Any], value: object, path: Path_, **kwargs: Any) -> Any:
        try:
            return fn(value, **kwargs)
        except UserError as error:
            self.note(path, error.key, **error.params, **({"field": error.field} if error.field else {}))
            return None

    def line(self, obj: Mapping[str, Any], name: str, path: Path_, max_length: int) -> str | None:
        value = obj.get(name)
        if not isinstance(value, str):
            return None
        cleaned = self.clean(
            clean_text, value, path + (name,), field=name, max_length=max_length, single_line=True
        )
        return cleaned or None

    def email(self, obj: Mapping[str, Any], name: str, path: Path_) -> str | None:
        """The forms' e-mail rule (models.text.clean_email): an address lands in calendar files."""
        value = obj.get(name)
        if not isinstance(value, str):
            return None
        return self.clean(clean_email, value, path + (name,), field=name)  # type: ignore[no-any-return]

    def text(self, obj: Mapping[str, Any], name: str, path: Path_, *, required: bool = False) -> str | None:
        value = obj.get(name)
        if not isinstance(value, str):
            return None
        if required:
            return self.clean(clean_text, value, path + (name,), field=name, required=True)  # type: ignore[no-any-return]
        return self.clean(clean_optional, value, path + (name,), field=name)  # type: ignore[no-any-return]

    def name(self, obj: Mapping[str, Any], name: str, path: Path_) -> str | None:
        value = obj.get(name)
        if not isinstance(value, str):
            return None
        return self.clean(clean_name, value, path + (name,), field=name)  # type: ignore[no-any-return]

    def date(self, obj: Mapping[str, Any], name: str, path: Path_) -> date | None:
        value = obj.get(name)
        if not isinstance(value, str) or not _is_date(value):
            return None  # a bad date is reported by the schema's format check
        return self.clean(parse_date, value, path + (name,), field=name)  # type: ignore[no-any-return]

    # -- the document --

    def document(self, doc: object) -> list[_CitizenIn]:
        if not isinstance(doc, dict):
            return []
        citizens: list[_CitizenIn] = []
        seen: dict[str, Path_] = {}
        for index, raw in _objects(doc.get("citizens")):
            path: Path_ = ("citizens", index)
            ref = _str(raw.get("ref"))
            if ref is not None:
                if ref in seen:
                    self.note(
                        path + ("ref",), "exchange.ref_duplicate", ref=ref, other=format_path(seen[ref])
                    )
                else:
                    seen[ref] = path
            citizens.append(self.citizen(raw, path))
        return citizens

    def citizen(self, raw: dict[str, Any], path: Path_) -> _CitizenIn:
        refs = self.refs(raw, path)
        result = _CitizenIn(
            name=self.name(raw, "name", path) or "",
            birth_date=self.date(raw, "birth_date", path),
            phone=self.line(raw, "phone", path, 40),
            email=self.email(raw, "email", path),
            contact_person=self.point(raw, "contact_person", path, "person", refs),
        )
        result.people = [self.person(item, path + ("people", i)) for i, item in _objects(raw.get("people"))]
        result.consents = [
            self.consent(item, path + ("consents", i)) for i, item in _objects(raw.get("consents"))
        ]
        active = 0
        for index, item in _objects(raw.get("goals")):
            goal = self.goal(item, path + ("goals", index), refs)
            if goal.status == "active":
                active += 1
                if active > MAX_ACTIVE_GOALS:
                    where = path + ("goals", index) + (("status",) if "status" in item else ())
                    self.note(where, "exchange.too_many_active_goals", max=MAX_ACTIVE_GOALS)
            result.goals.append(goal)
        result.actions = [
            self.action(item, path + ("actions", i), refs) for i, item in _objects(raw.get("actions"))
        ]
        result.meetings = [
            self.meeting(item, path + ("meetings", i), refs) for i, item in _objects(raw.get("meetings"))
        ]
        return result

    def refs(self, raw: dict[str, Any], path: Path_) -> dict[str, tuple[str, Path_]]:
        """Every ref in the citizen -> (kind, path). One namespace for all five kinds."""
        refs: dict[str, tuple[str, Path_]] = {}
        kinds = {
            "people": "person",
            "consents": "consent",
            "goals": "goal",
            "actions": "action",
            "meetings": "meeting",
        }
        # In the file's own order, so the later of two equal refs is the one reported.
        for list_name in sorted(kinds, key=lambda name: _key_position(raw, name)):
            for index, item in _objects(raw.get(list_name)):
                ref = _str(item.get("ref"))
                if ref is None:
                    continue
                item_path = path + (list_name, index)
                if ref in refs:
                    other = format_path(refs[ref][1])
                    self.note(item_path + ("ref",), "exchange.ref_duplicate", ref=ref, other=other)
                elif kinds[list_name] == "person" and ref == CITIZEN_OWNER:
                    self.note(item_path + ("ref",), "exchange.ref_reserved", ref=ref)
                else:
                    refs[ref] = (kinds[list_name], item_path)
        return refs

    def person(self, item: dict[str, Any], p: Path_) -> _PersonIn:
        return _PersonIn(
            ref=_str(item.get("ref")) or "",
            name=self.name(item, "name", p) or "",
            kind=_str(item.get("kind")) or "",
            department=self.line(item, "department", p, NAME_MAX),
            title=self.line(item, "title", p, NAME_MAX),
            relation=self.line(item, "relation", p, NAME_MAX),
            email=self.email(item, "email", p),
            phone=self.line(item, "phone", p, 40),
        )

    def consent(self, item: dict[str, Any], p: Path_) -> _ConsentIn:
        raw_parties = item.get("parties")
        parties = [
            self.clean(clean_name, party, p + ("parties", n), field="parties") or ""
            for n, party in enumerate(raw_parties if isinstance(raw_parties, list) else [])
            if isinstance(party, str)
        ]
        return _ConsentIn(
            parties=parties,
            scope=self.text(item, "scope", p),
            given_on=self.date(item, "given_on", p),
            expires_on=self.date(item, "expires_on", p),
            withdrawn_on=self.date(item, "withdrawn_on", p),
            form=_str(item.get("form")),
        )

    def goal(self, item: dict[str, Any], p: Path_, refs: Mapping[str, tuple[str, Path_]]) -> _GoalIn:
        scores: list[_ScoreIn] = []
        scored: dict[str, Path_] = {}
        for n, score in _objects(item.get("scores")):
            sp = p + ("scores", n)
            meeting = self.point(score, "meeting", sp, "meeting", refs)
            if meeting is not None and meeting in scored:
                other = format_path(scored[meeting])
                self.note(sp + ("meeting",), "exchange.score_duplicate", ref=meeting, other=other)
            elif meeting is not None:
                scored[meeting] = sp
            value = score.get("score")
            scores.append(
                _ScoreIn(
                    meeting=meeting or "",
                    score=value if isinstance(value, int) and not isinstance(value, bool) else 0,
                    note=self.text(score, "note", sp),
                )
            )
        return _GoalIn(
            ref=_str(item.get("ref")) or "",
            own_words=self.text(item, "own_words", p, required=True) or "",
            area=_str(item.get("area")),
            status=_str(item.get("status")) or "active",
            created_on=self.date(item, "created_on", p),
            scores=scores,
        )

    def action(self, item: dict[str, Any], p: Path_, refs: Mapping[str, tuple[str, Path_]]) -> _ActionIn:
        owner = item.get("owner")
        owner_ref = owner if owner == CITIZEN_OWNER else self.point(item, "owner", p, "person", refs)
        trial = item.get("trial")
        return _ActionIn(
            text=self.text(item, "text", p, required=True) or "",
            goal=self.point(item, "goal", p, "goal", refs),
            owner=owner_ref or "",
            due_on=self.date(item, "due_on", p),
            status=_str(item.get("status")) or "open",
            trial=trial if isinstance(trial, bool) else False,
            agreed_at=self.point(item, "agreed_at", p, "meeting", refs),
            done_on=self.date(item, "done_on", p),
        )

    def meeting(self, item: dict[str, Any], p: Path_, refs: Mapping[str, tuple[str, Path_]]) -> _MeetingIn:
        participants: list[str] = []
        raw_participants = item.get("participants")
        for n, ref in enumerate(raw_participants if isinstance(raw_participants, list) else []):
            person = self.reference(ref, p + ("participants", n), "person", refs)
            if person is not None and person in participants:
                self.note(p + ("participants", n), "exchange.participant_twice", ref=person)
            elif person is not None:
                participants.append(person)
        preparation = item.get("preparation")
        prep = (
            {name: self.text(preparation, name, p + ("preparation",)) for name in PREPARATION_FIELDS}
            if isinstance(preparation, dict)
            else None
        )
        starts = _str(item.get("starts_at"))
        minutes = item.get("minutes")
        present = item.get("citizen_present")
        return _MeetingIn(
            ref=_str(item.get("ref")) or "",
            starts_at=(
                datetime.fromisoformat(starts.upper()).astimezone(UTC)
                if starts is not None and _is_date_time(starts)
                else utcnow()  # only when the file is refused anyway
            ),
            minutes=minutes if isinstance(minutes, int) and not isinstance(minutes, bool) else 60,
            place=self.line(item, "place", p, SHORT_MAX),
            status=_str(item.get("status")) or "planned",
            leader=self.point(item, "leader", p, "person", refs),
            note_taker=self.point(item, "note_taker", p, "person", refs),
            participants=participants,
            citizen_present=present if isinstance(present, bool) else None,
            preparation=prep,
            decisions=self.texts(item, "decisions", p),
            unmet_needs=self.texts(item, "unmet_needs", p),
        )

    def point(
        self, obj: Mapping[str, Any], name: str, path: Path_, kind: str, refs: Mapping[str, tuple[str, Path_]]
    ) -> str | None:
        return self.reference(obj.get(name), path + (name,), kind, refs)

    def texts(self, obj: Mapping[str, Any], name: str, path: Path_) -> list[str]:
        values = obj.get(name)
        out = []
        for n, value in enumerate(values if isinstance(values, list) else []):
            if isinstance(value, str):
                cleaned = self.clean(clean_text, value, path + (name, n), field=name, required=True)
                out.append(cleaned or "")
        return out

    def reference(
        self, value: object, path: Path_, kind: str, refs: Mapping[str, tuple[str, Path_]]
    ) -> str | None:
        """The ref if it names an object of `kind` in this citizen; otherwise note why not."""
        if not isinstance(value, str) or not value:
            return None
        target = refs.get(value)
        if target is None:
            self.note(path, f"exchange.ref_missing_{kind}", ref=value)
            return None
        if target[0] != kind:
            self.note(path, f"exchange.ref_not_{kind}", ref=value, actual=_KIND_KEYS[target[0]])
            return None
        return value


def _problems(doc: object, found: Iterable[_Found], lang: str) -> list[Problem]:
    found = list(found)
    schema_paths = {f.path for f in found if f.from_schema}
    kept = [f for f in found if f.from_schema or f.path not in schema_paths]
    unique: dict[tuple[Path_, str, str], _Found] = {}
    for item in kept:
        unique.setdefault((item.path, item.key, repr(sorted(item.params.items()))), item)

    def message(item: _Found) -> str:
        params = dict(item.params)
        if "actual" in params:
            params["actual"] = translate(params["actual"], lang)
        return translate(item.key, lang, **params)

    problems = [
        (_document_order(doc, item.path), Problem(format_path(item.path), message(item), item.key))
        for item in unique.values()
    ]
    problems.sort(key=lambda pair: (pair[0], pair[1].message))
    return [problem for _, problem in problems]


def _check(doc: object) -> tuple[list[_Found], list[_CitizenIn]]:
    found: list[_Found] = []
    for error in _validator().iter_errors(doc):
        found.extend(_schema_findings(error))
    reader = _Reader()
    citizens = reader.document(doc)
    found.extend(reader.found)
    return found, citizens


def validate_document(doc: object, *, lang: str = DEFAULT_LANGUAGE) -> list[Problem]:
    """Everything wrong with a parsed exchange document, in document order; [] if it is fine."""
    found, _ = _check(doc)
    return _problems(doc, found, lang)


def parse_document(raw: str | bytes, *, lang: str = DEFAULT_LANGUAGE) -> object:
    """Parse the text of a file. Not JSON at all raises ImportFailed with one problem at `$`."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes | bytearray) else raw.lstrip("\ufeff")
    except UnicodeDecodeError:
        raise ImportFailed(
            [Problem("$", translate("exchange.not_utf8", lang), "exchange.not_utf8")]
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        message = translate("exchange.not_json", lang, line=error.lineno, column=error.colno)
        raise ImportFailed([Problem("$", message, "exchange.not_json")]) from None
    except (ValueError, RecursionError):  # e.g. a number with thousands of digits, deep nesting
        message = translate("exchange.not_json", lang, line="?", column="?")
        raise ImportFailed([Problem("$", message, "exchange.not_json")]) from None


# --- Import -----------------------------------------------------------------------------


def import_document(
    *, session: Session, doc: object, actor: Actor | None, lang: str = DEFAULT_LANGUAGE
) -> list[ImportedCitizen]:
    """Import every citizen in `doc` (a parsed document, or the file's text/bytes).

    Checks the whole document first and raises ImportFailed (nothing written) if anything is
    wrong. Writes in the caller's transaction; the caller's session_scope(write=True) commits
    all citizens together or none. `actor=None` is the command line (see the module notes).
    """
    if actor is not None and not actor.is_admin:
        refuse(session, actor=actor, citizen_id=None, action="citizen.import",
               error=UserError("error.admin_only"))
    if isinstance(doc, str | bytes | bytearray):
        doc = parse_document(bytes(doc) if isinstance(doc, bytearray) else doc, lang=lang)
    found, citizens = _check(doc)
    if found:
        raise ImportFailed(_problems(doc, found, lang))
    departments = _departments(session, {p.department for c in citizens for p in c.people if p.department})
    return _import_citizens(session, citizens, departments, actor)


def _departments(session: Session, names: set[str]) -> dict[str, int]:
    """Get or create departments by exact (sanitised) name."""
    if not names:
        return {}
    existing = {
        d.name: d.id
        for d in session.execute(select(Department).where(col(Department.name).in_(names))).scalars()
    }
    created = [Department(name=name) for name in sorted(names - set(existing))]
    if created:
        session.add_all(created)
        session.flush()
    return {**existing, **{d.name: d.id for d in created}}  # type: ignore[dict-item]


def _defaults(model: Any) -> dict[str, Any]:
    """What the ORM would write into the columns a new row leaves out (`default` and
    `default_factory`: created_at, version, ...), so a Core INSERT writes the same row."""
    return {
        name: info.get_default(call_default_factory=True)
        for name, info in model.model_fields.items()
        if name != "id" and not info.is_required()
    }


def _insert(session: Session, model: Any, rows: list[dict[str, Any]], *, ids: bool = False) -> list[int]:
    """One executemany INSERT for every row of a table; with `ids`, the new ids in row order."""
    if not rows:
        return []
    base = _defaults(model)
    values = [{**base, **row} for row in rows]
    table = model.__table__
    if not ids:
        session.execute(insert(table), values)
        return []
    # sort_by_parameter_order: ids come back in the order of `rows`, so they map by position.
    returning = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.execute(returning, values).scalars())


def _import_citizens(
    session: Session, citizens: Sequence[_CitizenIn], departments: Mapping[str, int], actor: Actor | None
) -> list[ImportedCitizen]:
    """Write checked citizens: one INSERT per table for the whole file, not one flush per
    citizen and table. Parents first (their ids come back in row order), then the rows that
    point at them. The rows are those the ORM objects would have made (see _defaults)."""
    citizen_ids = _insert(
        session,
        Citizen,
        [
            {"name": c.name, "birth_date": c.birth_date, "phone": c.phone, "email": c.email}
            for c in citizens
        ],
        ids=True,
    )
    pairs = list(zip(citizen_ids, citizens, strict=True))

    new_person_ids = iter(
        _insert(
            session,
            Person,
            [
                {
                    "citizen_id": cid,
                    "name": p.name,
                    "kind": p.kind,
                    "department_id": departments.get(p.department) if p.department else None,
                    "title": p.title,
                    "relation": p.relation,
                    "email": p.email,
                    "phone": p.phone,
                    "is_coordinator": (p.title or "").casefold() == COORDINATOR_TITLE,
                }
                for cid, data in pairs
                for p in data.people
            ],
            ids=True,
        )
    )
    person_ids = [{p.ref: next(new_person_ids) for p in data.people} for data in citizens]

    contacts = [
        {"row_id": cid, "contact": person_ids[n][data.contact_person]}
        for n, (cid, data) in enumerate(pairs)
        if data.contact_person
    ]
    if contacts:
        table = Citizen.__table__  # type: ignore[attr-defined]
        session.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(contact_person_id=bindparam("contact")),
            contacts,
        )

    new_consent_ids = iter(
        _insert(
            session,
            Consent,
            [
                {
                    "citizen_id": cid,
                    "kind": "sharing",
                    "scope": c.scope,
                    "given_on": c.given_on or today(),  # never None here: given_on is required
                    "expires_on": c.expires_on,
                    "withdrawn_on": c.withdrawn_on,
                    "form": c.form,
                    "recorded_by_user_id": actor.user_id if actor else None,
                }
                for cid, data in pairs
                for c in data.consents
            ],
            ids=True,
        )
    )
    consent_ids = [[next(new_consent_ids) for _ in data.consents] for data in citizens]

    def person(n: int, ref: str | None) -> int | None:
        return person_ids[n][ref] if ref else None

    new_meeting_ids = iter(
        _insert(
            session,
            Meeting,
            [
                {
                    "citizen_id": cid,
                    "starts_at": m.starts_at,
                    "minutes": m.minutes,
                    "place": m.place,
                    "status": m.status,
                    "citizen_present": m.citizen_present,
                    "leader_person_id": person(n, m.leader),
                    "note_taker_person_id": person(n, m.note_taker),
                }
                for n, (cid, data) in enumerate(pairs)
                for m in data.meetings
            ],
            ids=True,
        )
    )
    meeting_ids = [{m.ref: next(new_meeting_ids) for m in data.meetings} for data in citizens]

    new_goal_ids = iter(
        _insert(
            session,
            Goal,
            [
                {
                    "citizen_id": cid,
                    "own_words": g.own_words,
                    "area": g.area,
                    "status": g.status,
                    "position": position,
                    "created_on": g.created_on or today(),  # the table's default too
                }
                for cid, data in pairs
                for position, g in enumerate(data.goals)
            ],
            ids=True,
        )
    )
    goal_ids = [{g.ref: next(new_goal_ids) for g in data.goals} for data in citizens]

    parties: list[dict[str, Any]] = []
    participants: list[dict[str, Any]] = []
    preparations: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []
    needs: list[dict[str, Any]] = []
    scores: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    for n, (cid, data) in enumerate(pairs):
        for consent_id, c in zip(consent_ids[n], data.consents, strict=True):
            parties.extend(
                {"consent_id": consent_id, "name": name, "position": k} for k, name in enumerate(c.parties)
            )
        for m in data.meetings:
            mid = meeting_ids[n][m.ref]
            participants.extend(
                {"meeting_id": mid, "person_id": person_ids[n][ref], "position": k}
                for k, ref in enumerate(m.participants)
            )
            if m.preparation is not None:
                preparations.append(
                    {"meeting_id": mid, **{name: m.preparation[name] for name in PREPARATION_FIELDS}}
                )
            decisions.extend(
                {"meeting_id": mid, "text": text, "position": k} for k, text in enumerate(m.decisions)
            )
            needs.extend(
                {"meeting_id": mid, "citizen_id": cid, "text": text, "position": k}
                for k, text in enumerate(m.unmet_needs)
            )
        for g in data.goals:
            scores.extend(
                {
                    "goal_id": goal_ids[n][g.ref],
                    "meeting_id": meeting_ids[n][s.meeting],
                    "score": s.score,
                    "note": s.note,
                }
                for s in g.scores
            )
        actions.extend(
            {
                "citizen_id": cid,
                "goal_id": goal_ids[n][a.goal] if a.goal else None,
                "text": a.text,
                "owner_person_id": None if a.owner == CITIZEN_OWNER else person(n, a.owner),
                "owner_is_citizen": a.owner == CITIZEN_OWNER,
                "due_on": a.due_on,
                "status": a.status,
                "trial": a.trial,
                "agreed_at_meeting_id": meeting_ids[n][a.agreed_at] if a.agreed_at else None,
                "done_on": a.done_on,
            }
            for a in data.actions
        )
    for model, rows in (
        (ConsentParty, parties),
        (MeetingParticipant, participants),
        (Preparation, preparations),
        (Decision, decisions),
        (UnmetNeed, needs),
        (GoalScore, scores),
        (Action, actions),
    ):
        _insert(session, model, rows)

    team.link_matching_users_of(session=session, citizen_ids=citizen_ids, actor=actor)
    for cid in citizen_ids:
        write_audit(
            session, actor=actor, action="citizen.import", citizen_id=cid, entity="citizen", entity_id=cid
        )
    return [ImportedCitizen(id=cid, name=data.name) for cid, data in pairs]


# --- Export -----------------------------------------------------------------------------

_EXPORT_STATUS = {"draft": "planned", "planned": "planned", "in_progress": "planned"}


def export_citizen(*, session: Session, actor: Actor | None, citizen_id: int) -> dict[str, Any]:
    """One citizen as a samplan/1 document. `actor=None` is the command line (audited, user NULL)."""
    if actor is None:
        if session.get(Citizen, citizen_id) is None:
            raise NotFound("citizen")
        write_audit(
            session,
            actor=None,
            action="citizen.export_json",
            citizen_id=citizen_id,
            entity="citizen",
            entity_id=citizen_id,
        )
    else:
        authorize(
            session,
            actor=actor,
            citizen_id=citizen_id,
            action="citizen.export_json",
            entity="citizen",
            entity_id=citizen_id,
        )
    return _document(_export_batch(session, [citizen_id]))


def export_all(*, session: Session, actor: Actor | None) -> dict[str, Any]:
    """Every citizen the actor may open (all of them for the command line), one audit row each."""
    query = select(col(Citizen.id)).order_by(col(Citizen.id))
    if actor is not None:
        query = query.where(visible_citizens_filter(actor))
    ids = list(session.execute(query).scalars())
    for cid in ids:
        write_audit(
            session,
            actor=actor,
            action="citizen.export_json",
            citizen_id=cid,
            entity="citizen",
            entity_id=cid,
        )
    citizens: list[dict[str, Any]] = []
    for start in range(0, len(ids), EXPORT_BATCH):
        citizens.extend(_export_batch(session, ids[start : start + EXPORT_BATCH]))
    return _document(citizens)


def document_bytes(document: dict[str, Any]) -> bytes:
    """An exchange document as the file people get (UTF-8, readable, ending in a newline)."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _document(citizens: list[dict[str, Any]]) -> dict[str, Any]:
    for number, citizen in enumerate(citizens, start=1):
        citizen["ref"] = f"c{number}"  # the key is already first, so the order stays
    exported_at = datetime.now(COPENHAGEN).replace(microsecond=0).isoformat()
    return {"format": FORMAT, "exported_at": exported_at, "citizens": citizens}


def _put(target: dict[str, Any], name: str, value: object) -> None:
    """Optional fields are left out rather than written as null (the schema has no nulls)."""
    if value is not None:
        target[name] = value.isoformat() if isinstance(value, date) else value


def _export_batch(session: Session, citizen_ids: list[int]) -> list[dict[str, Any]]:
    """Load every table once for the batch (never one query per row) and build the citizens."""

    def by_citizen(model: Any, *order: Any) -> list[Any]:
        return list(
            session.execute(select(model).where(model.citizen_id.in_(citizen_ids)).order_by(*order)).scalars()
        )

    citizens = list(
        session.execute(
            select(Citizen).where(col(Citizen.id).in_(citizen_ids)).order_by(col(Citizen.id))
        ).scalars()
    )
    people = by_citizen(Person, Person.id)
    consents = by_citizen(Consent, Consent.id)
    goals = by_citizen(Goal, Goal.position, Goal.id)
    actions = by_citizen(Action, Action.id)
    meetings = by_citizen(Meeting, Meeting.starts_at, Meeting.id)
    needs = by_citizen(UnmetNeed, UnmetNeed.position, UnmetNeed.id)
    department_names: dict[int | None, str] = {
        row.id: row.name for row in session.execute(select(Department.id, Department.name))
    }

    def children(model: Any, parent: Any, link: Any, *order: Any) -> list[Any]:
        return list(
            session.execute(
                select(model)
                .join(parent, parent.id == link)
                .where(parent.citizen_id.in_(citizen_ids))
                .order_by(*order)
            ).scalars()
        )

    parties = children(ConsentParty, Consent, ConsentParty.consent_id, ConsentParty.position, ConsentParty.id)
    scores = children(GoalScore, Goal, GoalScore.goal_id, GoalScore.id)
    participants = children(
        MeetingParticipant,
        Meeting,
        MeetingParticipant.meeting_id,
        MeetingParticipant.position,
        MeetingParticipant.id,
    )
    preparations = children(Preparation, Meeting, Preparation.meeting_id, Preparation.id)
    decisions = children(Decision, Meeting, Decision.meeting_id, Decision.position, Decision.id)

    def group(rows: Iterable[Any], key: str) -> dict[int, list[Any]]:
        out: dict[int, list[Any]] = defaultdict(list)
        for row in rows:
            out[getattr(row, key)].append(row)
        return out

    people_of, consents_of, goals_of = (
        group(people, "citizen_id"),
        group(consents, "citizen_id"),
        group(goals, "citizen_id"),
    )
    actions_of, meetings_of = group(actions, "citizen_id"), group(meetings, "citizen_id")
    parties_of, scores_of = group(parties, "consent_id"), group(scores, "goal_id")
    participants_of, decisions_of = group(participants, "meeting_id"), group(decisions, "meeting_id")
    needs_of = group(needs, "meeting_id")
    preparation_of = {p.meeting_id: p for p in preparations}

    skipped: dict[str, int] = defaultdict(int)
    out: list[dict[str, Any]] = []
    for citizen in citizens:
        person_ref = {p.id: f"p{n}" for n, p in enumerate(people_of[citizen.id], start=1)}
        goal_ref = {g.id: f"g{n}" for n, g in enumerate(goals_of[citizen.id], start=1)}
        meeting_ref = {m.id: f"m{n}" for n, m in enumerate(meetings_of[citizen.id], start=1)}
        doc: dict[str, Any] = {"ref": ""}
        doc["name"] = citizen.name
        _put(doc, "birth_date", citizen.birth_date)
        _put(doc, "phone", citizen.phone)
        _put(doc, "email", citizen.email)
        _put(doc, "contact_person", person_ref.get(citizen.contact_person_id))

        doc["people"] = []
        for person in people_of[citizen.id]:
            item: dict[str, Any] = {"ref": person_ref[person.id], "name": person.name, "kind": person.kind}
            _put(item, "department", department_names.get(person.department_id))
            for name in ("title", "relation", "email", "phone"):
                _put(item, name, getattr(person, name))
            doc["people"].append(item)

        doc["consents"] = []
        for consent in consents_of[citizen.id]:
            names = [party.name for party in parties_of[consent.id]]
            if not names:
                skipped["consent without parties"] += 1  # samplan/1 needs at least one party
                continue
            item = {"ref": f"k{len(doc['consents']) + 1}", "parties": names}
            for name in ("scope", "given_on", "expires_on", "withdrawn_on", "form"):
                _put(item, name, getattr(consent, name))
            doc["consents"].append(item)

        doc["goals"] = []
        for goal in goals_of[citizen.id]:
            item = {"ref": goal_ref[goal.id], "own_words": goal.own_words}
            for name in ("area", "status", "created_on"):
                _put(item, name, getattr(goal, name))
            goal_scores = sorted(
                (s for s in scores_of[goal.id] if s.meeting_id in meeting_ref),
                key=lambda s: int(meeting_ref[s.meeting_id][1:]),
            )
            item["scores"] = []
            for score in goal_scores:
                entry: dict[str, Any] = {"meeting": meeting_ref[score.meeting_id], "score": score.score}
                _put(entry, "note", score.note)
                item["scores"].append(entry)
            doc["goals"].append(item)

        doc["actions"] = []
        for action in actions_of[citizen.id]:
            if action.owner_is_citizen:
                owner = CITIZEN_OWNER
            elif action.owner_person_id in person_ref:
                owner = person_ref[action.owner_person_id]
            else:
                skipped["action without owner"] += 1  # samplan/1 requires an owner
                continue
            item = {"ref": f"a{len(doc['actions']) + 1}", "text": action.text}
            _put(item, "goal", goal_ref.get(action.goal_id))
            item["owner"] = owner
            _put(item, "due_on", action.due_on)
            item["status"] = action.status
            item["trial"] = bool(action.trial)
            _put(item, "agreed_at", meeting_ref.get(action.agreed_at_meeting_id))
            _put(item, "done_on", action.done_on)
            doc["actions"].append(item)

        doc["meetings"] = []
        for meeting in meetings_of[citizen.id]:
            item = {
                "ref": meeting_ref[meeting.id],
                "starts_at": meeting.starts_at.astimezone(COPENHAGEN).isoformat(),
                "minutes": meeting.minutes,
            }
            _put(item, "place", meeting.place)
            item["status"] = _EXPORT_STATUS.get(meeting.status, meeting.status)
            _put(item, "leader", person_ref.get(meeting.leader_person_id))
            _put(item, "note_taker", person_ref.get(meeting.note_taker_person_id))
            item["participants"] = [
                person_ref[mp.person_id] for mp in participants_of[meeting.id] if mp.person_id in person_ref
            ]
            _put(item, "citizen_present", meeting.citizen_present)
            prep = preparation_of.get(meeting.id)
            if prep is not None:
                texts = {name: getattr(prep, name) for name in PREPARATION_FIELDS}
                if any(value is not None for value in texts.values()):
                    item["preparation"] = {k: v for k, v in texts.items() if v is not None}
            item["decisions"] = [d.text for d in decisions_of[meeting.id]]
            item["unmet_needs"] = [n.text for n in needs_of[meeting.id]]
            doc["meetings"].append(item)
        out.append(doc)
    if skipped:
        logger.warning("export left out what samplan/1 cannot hold: %s", dict(skipped))
    return out


def plan_for_word_export(*, session: Session, actor: Actor | None, citizen_id: int) -> Any:
    """The joint plan (models.plans.JointPlan) for `samplan export --format docx`.

    A logged-in actor goes through load_joint_plan's authorisation; `actor=None` is the
    command line, audited with user_id NULL like the JSON export.
    """
    from models import plans

    if actor is not None:
        return plans.load_plan_for_export(session=session, actor=actor, citizen_id=citizen_id)
    citizen = session.get(Citizen, citizen_id)
    if citizen is None:
        raise NotFound("citizen")
    write_audit(session, actor=None, action="plan.export_docx", citizen_id=citizen_id)
    return plans._load(session, citizen)  # load_joint_plan refuses actors without an account
