"""Reading a samplan/1 file into checked, cleaned values, with every problem in one pass.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from models.errors import UserError
from models.exchange_schema import (
    CITIZEN_OWNER,
    PREPARATION_FIELDS,
    Found,
    ImportFailed,
    Path_,
    Problem,
    document_order,
    format_path,
    is_date,
    is_date_time,
    schema_findings,
    schema_validator,
)
from models.i18n import DEFAULT_LANGUAGE, translate
from models.tables import (
    MAX_ACTIVE_GOALS,
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

# --- Reading a file into checked, cleaned values ----------------------------------------


@dataclass
class PersonIn:
    ref: str
    name: str
    kind: str
    department: str | None
    title: str | None
    relation: str | None
    email: str | None
    phone: str | None


@dataclass
class ConsentIn:
    parties: list[str]
    scope: str | None
    given_on: date | None
    expires_on: date | None
    withdrawn_on: date | None
    form: str | None


@dataclass
class ScoreIn:
    meeting: str
    score: int
    note: str | None


@dataclass
class GoalIn:
    ref: str
    own_words: str
    area: str | None
    status: str
    created_on: date | None
    scores: list[ScoreIn]


@dataclass
class ActionIn:
    text: str
    goal: str | None
    owner: str
    due_on: date | None
    status: str
    trial: bool
    agreed_at: str | None
    done_on: date | None


@dataclass
class MeetingIn:
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
class CitizenIn:
    name: str
    birth_date: date | None
    phone: str | None
    email: str | None
    contact_person: str | None
    people: list[PersonIn] = field(default_factory=list)
    consents: list[ConsentIn] = field(default_factory=list)
    goals: list[GoalIn] = field(default_factory=list)
    actions: list[ActionIn] = field(default_factory=list)
    meetings: list[MeetingIn] = field(default_factory=list)


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


class Noting:
    """What both formats' readers do with a value: clean it, and note a problem by its path."""

    def __init__(self) -> None:
        self.found: list[Found] = []

    def note(self, path: Path_, key: str, **params: Any) -> None:
        self.found.append(Found(path, key, params))

    def clean(self, fn: Callable[..., Any], value: object, path: Path_, **kwargs: Any) -> Any:
        try:
            return fn(value, **kwargs)
        except UserError as error:
            self.note(path, error.key, **error.params, **({"field": error.field} if error.field else {}))
            return None


class _Reader(Noting):
    """Walks a (possibly broken) document, cleaning what it can and noting every problem.

    Defensive by design: wrong types are reported by the schema, so here they are skipped.
    """

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
        if not isinstance(value, str) or not is_date(value):
            return None  # a bad date is reported by the schema's format check
        return self.clean(parse_date, value, path + (name,), field=name)  # type: ignore[no-any-return]

    # -- the document --

    def document(self, doc: object) -> list[CitizenIn]:
        if not isinstance(doc, dict):
            return []
        citizens: list[CitizenIn] = []
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

    def citizen(self, raw: dict[str, Any], path: Path_) -> CitizenIn:
        refs = self.refs(raw, path)
        result = CitizenIn(
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

    def person(self, item: dict[str, Any], p: Path_) -> PersonIn:
        return PersonIn(
            ref=_str(item.get("ref")) or "",
            name=self.name(item, "name", p) or "",
            kind=_str(item.get("kind")) or "",
            department=self.line(item, "department", p, NAME_MAX),
            title=self.line(item, "title", p, NAME_MAX),
            relation=self.line(item, "relation", p, NAME_MAX),
            email=self.email(item, "email", p),
            phone=self.line(item, "phone", p, 40),
        )

    def consent(self, item: dict[str, Any], p: Path_) -> ConsentIn:
        raw_parties = item.get("parties")
        parties = [
            self.clean(clean_name, party, p + ("parties", n), field="parties") or ""
            for n, party in enumerate(raw_parties if isinstance(raw_parties, list) else [])
            if isinstance(party, str)
        ]
        return ConsentIn(
            parties=parties,
            scope=self.text(item, "scope", p),
            given_on=self.date(item, "given_on", p),
            expires_on=self.date(item, "expires_on", p),
            withdrawn_on=self.date(item, "withdrawn_on", p),
            form=_str(item.get("form")),
        )

    def goal(self, item: dict[str, Any], p: Path_, refs: Mapping[str, tuple[str, Path_]]) -> GoalIn:
        scores: list[ScoreIn] = []
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
                ScoreIn(
                    meeting=meeting or "",
                    score=value if isinstance(value, int) and not isinstance(value, bool) else 0,
                    note=self.text(score, "note", sp),
                )
            )
        return GoalIn(
            ref=_str(item.get("ref")) or "",
            own_words=self.text(item, "own_words", p, required=True) or "",
            area=_str(item.get("area")),
            status=_str(item.get("status")) or "active",
            created_on=self.date(item, "created_on", p),
            scores=scores,
        )

    def action(self, item: dict[str, Any], p: Path_, refs: Mapping[str, tuple[str, Path_]]) -> ActionIn:
        owner = item.get("owner")
        owner_ref = owner if owner == CITIZEN_OWNER else self.point(item, "owner", p, "person", refs)
        trial = item.get("trial")
        return ActionIn(
            text=self.text(item, "text", p, required=True) or "",
            goal=self.point(item, "goal", p, "goal", refs),
            owner=owner_ref or "",
            due_on=self.date(item, "due_on", p),
            status=_str(item.get("status")) or "open",
            trial=trial if isinstance(trial, bool) else False,
            agreed_at=self.point(item, "agreed_at", p, "meeting", refs),
            done_on=self.date(item, "done_on", p),
        )

    def meeting(self, item: dict[str, Any], p: Path_, refs: Mapping[str, tuple[str, Path_]]) -> MeetingIn:
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
        return MeetingIn(
            ref=_str(item.get("ref")) or "",
            starts_at=(
                datetime.fromisoformat(starts.upper()).astimezone(UTC)
                if starts is not None and is_date_time(starts)
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


def problems_in(doc: object, found: Iterable[Found], lang: str) -> list[Problem]:
    found = list(found)
    schema_paths = {f.path for f in found if f.from_schema}
    kept = [f for f in found if f.from_schema or f.path not in schema_paths]
    unique: dict[tuple[Path_, str, str], Found] = {}
    for item in kept:
        unique.setdefault((item.path, item.key, repr(sorted(item.params.items()))), item)

    def message(item: Found) -> str:
        params = dict(item.params)
        if "actual" in params:
            params["actual"] = translate(params["actual"], lang)
        return translate(item.key, lang, **params)

    problems = [
        (document_order(doc, item.path), Problem(format_path(item.path), message(item), item.key))
        for item in unique.values()
    ]
    problems.sort(key=lambda pair: (pair[0], pair[1].message))
    return [problem for _, problem in problems]


def check_document(doc: object) -> tuple[list[Found], list[CitizenIn]]:
    found: list[Found] = []
    for error in schema_validator().iter_errors(doc):
        found.extend(schema_findings(error))
    reader = _Reader()
    citizens = reader.document(doc)
    found.extend(reader.found)
    return found, citizens


def validate_document(doc: object, *, lang: str = DEFAULT_LANGUAGE) -> list[Problem]:
    """Everything wrong with a parsed exchange document, in document order; [] if it is fine."""
    found, _ = check_document(doc)
    return problems_in(doc, found, lang)


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


