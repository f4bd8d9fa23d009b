"""samplan/2's JSON Schema and field documentation, both made from models/exchange2_spec.py.

The schema is committed as models/schema/samplan-2.schema.json (receivers read the file, not
our Python); `python -m models.exchange2_schema` writes it and the field tables of
docs/samplan2.md again after a change to the spec, and a test fails while they differ.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from models.exchange2_spec import CITIZEN_FIELDS, ENTITIES, FORMAT2, Entity, F, children_of
from models.exchange_schema import _inline_refs, is_date, is_date_time

SCHEMA2_PATH = Path(__file__).resolve().parent / "schema" / "samplan-2.schema.json"
DOCS_PATH = Path(__file__).resolve().parent.parent / "docs" / "samplan2.md"
FIELDS_BEGIN = "<!-- fields: made by `python -m models.exchange2_schema`; do not edit below -->"

_REF = {"type": "string", "minLength": 1, "maxLength": 64}


def _field_schema(field: F) -> dict[str, Any]:
    kind = field.kind
    out: dict[str, Any]
    if kind in ("text", "line", "name", "email", "code"):
        out = {"type": "string"}
        if kind == "name":
            out["minLength"] = 1
        if field.max_length:
            out["maxLength"] = field.max_length
    elif kind == "date":
        out = {"type": "string", "format": "date"}
    elif kind == "datetime":
        out = {"type": "string", "format": "date-time"}
    elif kind == "int":
        out = {"type": "integer"}
        if field.minimum is not None:
            out["minimum"] = field.minimum
        if field.maximum is not None:
            out["maximum"] = field.maximum
    elif kind == "bool":
        out = {"type": "boolean"}
    elif kind == "enum":
        out = {"enum": list(field.enum)}
    elif kind == "json":
        out = {"type": "object"}
    elif kind in ("ref", "owner"):
        out = {"$ref": "#/$defs/ref"}
    elif kind == "user":
        out = {"$ref": "#/$defs/username"}
    elif kind == "department":
        out = {"$ref": "#/$defs/department_name"}
    else:  # pragma: no cover - a spec mistake
        raise ValueError(kind)
    out["description"] = field.doc
    return out


def _object(fields: tuple[F, ...], *, ref: bool, nested: list[Entity]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required = [f.name for f in fields if f.required]
    if ref:
        properties["ref"] = {"$ref": "#/$defs/ref", "description": "unique within its citizen"}
        required.insert(0, "ref")
    for field in fields:
        properties[field.name] = _field_schema(field)
    for child in nested:
        item = {"$ref": f"#/$defs/{child.kind}"}
        properties[child.key] = item if child.single else {"type": "array", "items": item}
    out: dict[str, Any] = {"type": "object", "additionalProperties": False}
    if required:
        out["required"] = required
    out["properties"] = properties
    return out


def build_schema() -> dict[str, Any]:
    """The samplan/2 JSON Schema, from the spec."""
    defs: dict[str, Any] = {
        "ref": _REF,
        "username": {"type": "string", "minLength": 1, "maxLength": 100},
        "department_name": {"type": "string", "minLength": 1, "maxLength": 200},
    }
    citizen = _object(CITIZEN_FIELDS, ref=True, nested=children_of("citizen"))
    citizen["description"] = "one citizen with everything Samplan stores about them"
    defs["citizen"] = citizen
    for entity in ENTITIES:
        schema = _object(entity.fields, ref=bool(entity.prefix), nested=children_of(entity.kind))
        schema["description"] = entity.doc
        defs[entity.kind] = schema
    defs["department"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["name"],
        "properties": {
            "name": {"$ref": "#/$defs/department_name"},
            "is_outside_body": {"type": "boolean", "description": "an outside body, not the municipality's"},
            "retired_at": {"type": "string", "format": "date-time", "description": "no longer offered"},
        },
        "description": "a department or outside body named anywhere in the file",
    }
    defs["user"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["username", "full_name"],
        "properties": {
            "username": {"$ref": "#/$defs/username"},
            "full_name": {"type": "string", "minLength": 1, "maxLength": 200},
            "email": {"type": "string", "maxLength": 254},
            "department": {"$ref": "#/$defs/department_name"},
        },
        "description": "a user account named anywhere in the file: who, never how they log in",
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "samplan-exchange/2",
        "title": "Samplan exchange file, version 2",
        "description": (
            "Everything Samplan stores about one or more citizens (docs/samplan2.md). Inside a "
            "citizen, objects point at each other by `ref`; users by username and departments by "
            "name, both listed once at the top. Dates are YYYY-MM-DD; times carry an offset."
        ),
        "type": "object",
        "required": ["format", "citizens"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": FORMAT2},
            "exported_at": {"type": "string", "format": "date-time"},
            "departments": {"type": "array", "items": {"$ref": "#/$defs/department"}},
            "users": {"type": "array", "items": {"$ref": "#/$defs/user"}},
            "citizens": {"type": "array", "items": {"$ref": "#/$defs/citizen"}},
        },
        "$defs": defs,
    }


def schema_text() -> str:
    return json.dumps(build_schema(), ensure_ascii=False, indent=2) + "\n"


@cache
def schema2_validator() -> Draft202012Validator:
    """Validates against the committed schema file (what receivers see)."""
    schema = json.loads(SCHEMA2_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    checker = FormatChecker(formats=())
    checker.checks("date")(is_date)
    checker.checks("date-time")(is_date_time)
    return Draft202012Validator(_inline_refs(schema, schema["$defs"]), format_checker=checker)


@cache
def _fast_check() -> Callable[[Any], Any]:
    """The same schema compiled to Python by fastjsonschema: 1,000 citizens in ~0.5 s, where
    jsonschema takes ~6 s. It only answers "valid or not"; jsonschema then names every problem."""
    import fastjsonschema

    schema = json.loads(SCHEMA2_PATH.read_text(encoding="utf-8"))
    inlined = _inline_refs(schema, schema["$defs"])
    # No $ref is left, and the keywords used mean the same in draft 7, which fastjsonschema speaks.
    inlined["$schema"] = "http://json-schema.org/draft-07/schema#"
    return fastjsonschema.compile(inlined, formats={"date": is_date, "date-time": is_date_time})  # type: ignore[no-any-return]


def schema2_errors(doc: object) -> list[Any]:
    """jsonschema's errors for `doc` ([] when valid), asked only when the fast check fails."""
    import fastjsonschema

    try:
        _fast_check()(doc)
    except fastjsonschema.JsonSchemaException:
        return list(schema2_validator().iter_errors(doc))
    return []


_KIND_WORDS = {
    "text": "text",
    "line": "text (short)",
    "name": "text (one line)",
    "email": "e-mail address",
    "code": "string",
    "date": "date",
    "datetime": "date-time",
    "int": "integer",
    "bool": "boolean",
    "enum": "one of",
    "json": "object",
    "ref": "ref →",
    "owner": 'ref → person, or "citizen"',
    "user": "username",
    "department": "department name",
}


def _type_words(field: F) -> str:
    words = _KIND_WORDS[field.kind]
    if field.kind == "enum":
        return words + " " + ", ".join(f"`{v}`" for v in field.enum)
    if field.kind == "ref":
        return f"{words} {field.target}"
    if field.max_length and field.kind in ("text", "line", "name", "code"):
        return f"{words}, ≤ {field.max_length}"
    return words


def _table(title: str, path: str, fields: tuple[F, ...], doc: str, *, ref: str, nested: list[Entity]) -> str:
    lines = [
        f"### {title}",
        "",
        f"`{path}` — {doc}.",
        "",
        "| field | type | required | meaning |",
        "|---|---|---|---|",
    ]
    if ref:
        lines.append(f"| `ref` | string `{ref}1`, `{ref}2`, … | yes | unique within the citizen |")
    for field in fields:
        column = f" (column `{field.col}`)" if field.col != field.name else ""
        lines.append(
            f"| `{field.name}` | {_type_words(field)} | {'yes' if field.required else ''} "
            f"| {field.doc}{column} |"
        )
    for child in nested:
        shape = "object" if child.single else "list"
        lines.append(f"| `{child.key}` | {shape} of {child.kind} | | see below |")
    return "\n".join(lines) + "\n"


def fields_markdown() -> str:
    """The field tables of docs/samplan2.md."""
    parts = [
        _table("citizen", "citizens[]", CITIZEN_FIELDS, "the citizen", ref="c", nested=children_of("citizen"))
    ]
    paths = {"citizen": "citizens[]"}
    for entity in ENTITIES:
        suffix = "" if entity.single else "[]"
        paths[entity.kind] = f"{paths[entity.parent]}.{entity.key}{suffix}"
        parts.append(
            _table(
                entity.kind,
                paths[entity.kind],
                entity.fields,
                entity.doc,
                ref=entity.prefix,
                nested=children_of(entity.kind),
            )
        )
    return "\n".join(parts)


def write_files() -> None:
    SCHEMA2_PATH.write_text(schema_text(), encoding="utf-8")
    text = DOCS_PATH.read_text(encoding="utf-8") if DOCS_PATH.exists() else FIELDS_BEGIN + "\n"
    head = text.split(FIELDS_BEGIN)[0]
    DOCS_PATH.write_text(head + FIELDS_BEGIN + "\n\n" + fields_markdown(), encoding="utf-8")


if __name__ == "__main__":
    write_files()
