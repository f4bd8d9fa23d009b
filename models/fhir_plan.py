"""The joint plan as FHIR (exports/fhir.py), behind the same consent gate as the Word plan.

The gate is the Word plan's (models.plans.load_plan_for_export): the plan is read through
load_joint_plan (authorised, audited), then refused (audited) to a professional no valid
consent covers (may_receive_plan). Only the audit code differs ("plan.export_fhir"), so the
trail says which file left. The command line (`actor=None`) is audited with user_id NULL, as
its Word export. Every Bundle is validated with fhir.resources (R4B) before it is handed out.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from exports.fhir import build_fhir_bundle
from models.access import Actor, refuse, write_audit
from models.errors import NotFound, UserError
from models.tables import Citizen, CitizenPlanAnswer

FHIR_MIME = "application/fhir+json"
AUDIT_ACTION = "plan.export_fhir"


def load_plan_for_fhir(*, session: Session, actor: Actor | None, citizen_id: int) -> Any:
    """The JointPlan, gated and audited exactly as the Word plan's copy is."""
    from models import plans

    if actor is None:
        citizen = session.get(Citizen, citizen_id)
        if citizen is None:
            raise NotFound("citizen")
        write_audit(session, actor=None, action=AUDIT_ACTION, citizen_id=citizen_id)
        return plans._load(session, citizen)  # as plan_for_word_export: the command line
    plan = plans.load_joint_plan(session=session, actor=actor, citizen_id=citizen_id, purpose=AUDIT_ACTION)
    if not plans.may_receive_plan(plan, actor):
        refuse(session, actor=actor, citizen_id=citizen_id, action=AUDIT_ACTION,
               error=UserError("consent.not_covered_copy"))  # fmt: skip
    return plan


def goal_answers(session: Session, citizen_id: int) -> dict[int | None, tuple[bool, str | None]]:
    """The citizen's newest yes/no per goal (None: the whole plan), read after the gate."""
    rows = session.execute(
        select(CitizenPlanAnswer.goal_id, CitizenPlanAnswer.agrees, CitizenPlanAnswer.words)
        .where(CitizenPlanAnswer.citizen_id == citizen_id)
        .order_by(col(CitizenPlanAnswer.answered_at), col(CitizenPlanAnswer.id))
    )
    return {goal_id: (bool(agrees), words) for goal_id, agrees, words in rows}


def fhir_bundle(*, session: Session, actor: Actor | None, citizen_id: int) -> dict[str, Any]:
    plan = load_plan_for_fhir(session=session, actor=actor, citizen_id=citizen_id)
    bundle = build_fhir_bundle(plan, goal_answers=goal_answers(session, citizen_id), now=datetime.now(UTC))
    validate_bundle(bundle)
    return bundle


def fhir_bundle_bytes(*, session: Session, actor: Actor | None, citizen_id: int) -> bytes:
    bundle = fhir_bundle(session=session, actor=actor, citizen_id=citizen_id)
    return (json.dumps(bundle, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def validate_bundle(bundle: dict[str, Any]) -> None:
    """Raise (pydantic's ValidationError) unless the Bundle parses as FHIR R4B."""
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)


def unresolved_references(bundle: dict[str, Any]) -> list[str]:
    """Every `reference` in the Bundle that names no entry of it ([] when all resolve)."""
    known = {entry["fullUrl"] for entry in bundle.get("entry", [])}
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            ref = node.get("reference")
            if isinstance(ref, str) and ref not in known:
                found.append(ref)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(bundle)
    return found


def fhir_file_name(plan: Any) -> str:
    """"plan-ditte-mikkelsen-fhir.json": the Word files' name rule (exports.word_plan.name_part)."""
    from exports.word_plan import name_part

    return f"plan-{name_part(plan.citizen.name) or plan.citizen.id}-fhir.json"


def fhir_download(citizen_id: int) -> Callable[[Actor], bytes]:
    """The Planen button's builder: run at the click for the login as it is then (ui.downloads),
    through the same gate and audit as the command line's file."""
    from models.db import session_scope

    def build(who: Actor) -> bytes:
        with session_scope() as session:
            return fhir_bundle_bytes(session=session, actor=who, citizen_id=citizen_id)

    return build
