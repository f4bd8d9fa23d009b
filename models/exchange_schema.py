"""The exchange file (samplan/1): its schema, the problems found in a file and how they are named.

See models/exchange.py for the decisions the schema leaves open.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from models.errors import UserError

logger = logging.getLogger(__name__)

FORMAT = "samplan/1"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "samplan-exchange.schema.json"
CITIZEN_OWNER = "citizen"  # action.owner when the citizen carries the action
PREPARATION_FIELDS = ("matters_most", "dream", "going_well", "questions")
COORDINATOR_TITLE = "koordinerende sagsbehandler"

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
    updated: bool = False  # an existing citizen updated from the file (--update), not a new one
    changes: tuple[str, ...] = ()  # what the update changed, one sentence each


@dataclass
class Found:
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


def document_order(doc: object, path: Path_) -> tuple[int, ...]:
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


def is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True  # formats only judge strings; "type" judges the rest
    if not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_date_time(value: object) -> bool:
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
def schema_validator() -> Draft202012Validator:
    checker = FormatChecker(formats=())
    checker.checks("date")(is_date)
    checker.checks("date-time")(is_date_time)
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


def schema_findings(error: ValidationError) -> list[Found]:
    path: Path_ = tuple(error.absolute_path)
    kind = error.validator
    value = error.validator_value
    instance = error.instance
    if kind == "required" and isinstance(instance, dict):
        return [
            Found(path + (name,), "exchange.schema_required", from_schema=True)
            for name in value
            if name not in instance
        ]
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        return [
            Found(path + (name,), "exchange.schema_unknown_field", {"name": name}, from_schema=True)
            for name in instance
            if name not in known
        ]
    if kind == "type":
        return [Found(path, _TYPE_WORDS.get(str(value), "exchange.type_other"), from_schema=True)]
    if kind == "format":
        key = "exchange.schema_date" if value == "date" else "exchange.schema_date_time"
        return [Found(path, key, {"value": _shown(instance)}, from_schema=True)]
    if kind == "const":
        return [Found(path, "exchange.schema_const", {"expected": value}, from_schema=True)]
    if kind == "enum":
        allowed = ", ".join(str(v) for v in value)
        return [Found(path, "exchange.schema_enum", {"value": _shown(instance), "allowed": allowed}, True)]
    if kind == "minLength":
        return [Found(path, "exchange.schema_empty", from_schema=True)]
    if kind == "maxLength":
        params = {"max": value, "length": len(instance) if isinstance(instance, str) else "?"}
        return [Found(path, "exchange.schema_too_long", params, from_schema=True)]
    if kind in ("minimum", "maximum"):
        return [Found(path, f"exchange.schema_{kind}", {"limit": value}, from_schema=True)]
    if kind == "minItems":
        return [Found(path, "exchange.schema_min_items", {"count": value}, from_schema=True)]
    return [Found(path, "exchange.schema_other", {"detail": error.message}, from_schema=True)]


