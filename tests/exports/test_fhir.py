"""The joint plan as FHIR R4B: valid, every reference resolves, the Word plan's consent gate."""

from __future__ import annotations

import copy
import json
import re
import time
from typing import Any

import pytest
from sqlalchemy import select

from models.db import session_scope
from models.demo import load_demo
from models.errors import UserError
from models.exchange import import_document
from models.exchange2 import validate2
from models.exchange2_schema import DOCS_PATH
from models.fhir_plan import fhir_bundle, unresolved_references, validate_bundle
from models.tables import AuditEvent, Citizen
from tests.models.exchange2_fixture import every_field_document
from tests.security.test_consent_gate import PLAN_STATES, _psyk_user_scene

MAPPING = DOCS_PATH.parent / "fhir-mapping.md"
# Required codes, from the R4 value sets (fhir.resources checks the structure, not the codes).
CODES = {
    ("Goal", "lifecycleStatus"): {"proposed", "planned", "accepted", "active", "on-hold", "completed",
                                  "cancelled", "entered-in-error", "rejected"},
    ("Task", "status"): {"draft", "requested", "received", "accepted", "rejected", "ready", "cancelled",
                         "in-progress", "on-hold", "failed", "completed", "entered-in-error"},
    ("Task", "intent"): {"unknown", "proposal", "plan", "order", "original-order", "reflex-order",
                         "filler-order", "instance-order", "option"},
    ("CarePlan", "status"): {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error",
                             "unknown"},
    ("CareTeam", "status"): {"proposed", "active", "suspended", "inactive", "entered-in-error"},
    ("Consent", "status"): {"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"},
    ("Observation", "status"): {"registered", "preliminary", "final", "amended"},
}  # fmt: skip


def _bundle(citizen_id: int) -> dict[str, Any]:
    with session_scope(write=True) as s:
        return fhir_bundle(session=s, actor=None, citizen_id=citizen_id)


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _check(bundle: dict[str, Any]) -> None:
    validate_bundle(json.loads(json.dumps(bundle)))
    assert unresolved_references(bundle) == []
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(urls) == len(set(urls))
    for entry in bundle["entry"]:
        resource = entry["resource"]
        for (kind, name), allowed in CODES.items():
            if resource["resourceType"] == kind:
                assert resource[name] in allowed, (kind, name, resource[name])


def test_every_demo_citizen_is_a_valid_bundle_whose_references_resolve(db_url):
    load_demo()
    with session_scope() as s:
        ids = list(s.execute(select(Citizen.id).order_by(Citizen.id)).scalars())
    for citizen_id in ids:
        bundle = _bundle(citizen_id)
        _check(bundle)
        with session_scope() as s:
            from models.plans import _load

            plan = _load(s, s.get(Citizen, citizen_id))
        assert len(_resources(bundle, "Task")) == len(plan.actions)  # one Task per agreement
        words = [g.own_words for g in plan.goals]  # the citizen's words, verbatim
        assert [g["description"]["text"] for g in _resources(bundle, "Goal")] == words
        (care_plan,) = _resources(bundle, "CarePlan")
        assert care_plan["subject"]["reference"] == _resources_urls(bundle, "Patient")[0]


def _resources_urls(bundle: dict[str, Any], kind: str) -> list[str]:
    return [e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_hand_made_citizen_maps_every_part(db_url):
    with session_scope(write=True) as s:
        import_document(session=s, doc=every_field_document(), actor=None)
    bundle = _bundle(1)
    _check(bundle)
    patient = _resources_urls(bundle, "Patient")[0]
    goal = _resources(bundle, "Goal")[0]
    acceptance = goal["extension"][0]
    assert acceptance["url"] == "http://hl7.org/fhir/StructureDefinition/goal-acceptance"
    assert {"url": "status", "valueCode": "disagree"} in acceptance["extension"]  # her 'no' via the link
    assert len(goal["description"]["text"]) == 10_000 and goal["outcomeReference"]
    (score,) = _resources(bundle, "Observation")
    assert score["valueInteger"] == 4
    owners = {t["description"][:4]: t.get("owner", {}).get("reference") for t in _resources(bundle, "Task")}
    related = _resources_urls(bundle, "RelatedPerson")
    # a person from the private network, the citizen, nobody yet
    assert owners == {"abc[": related[0], "Ring": patient, "Uafk": None}
    task = _resources(bundle, "Task")[0]
    assert task["restriction"]["period"]["end"] == "2026-04-01" and task["status"] == "in-progress"
    (team,) = _resources(bundle, "CareTeam")
    codes = [c["code"] for p in team["participant"] for r in p.get("role", []) for c in r.get("coding", [])]
    assert codes.count("coordinator") == 1 and "private-network" in codes and "contact-person" in codes
    (consent,) = _resources(bundle, "Consent")
    assert consent["status"] == "inactive" and consent["provision"]["period"]["end"] == "2026-06-01"


@pytest.mark.parametrize("state", list(PLAN_STATES))
def test_the_word_plans_consent_gate_holds_for_fhir(db_url, state):
    pia, admin, citizen_id = _psyk_user_scene(state)
    with pytest.raises(UserError) as refused, session_scope(write=True) as s:
        fhir_bundle(session=s, actor=pia, citizen_id=citizen_id)
    assert refused.value.key == "consent.not_covered_copy"
    with session_scope(write=True) as s:
        assert fhir_bundle(session=s, actor=admin, citizen_id=citizen_id)["resourceType"] == "Bundle"
    with session_scope() as s:
        rows = s.execute(
            select(AuditEvent.user_id, AuditEvent.outcome).where(AuditEvent.action == "plan.export_fhir")
        ).all()
    assert sorted(rows) == sorted([(pia.user_id, "denied"), (admin.user_id, "ok")])


def test_a_covered_professional_gets_the_fhir_plan(db_url):
    pia, _, citizen_id = _psyk_user_scene("valid")
    with session_scope(write=True) as s:
        _check(fhir_bundle(session=s, actor=pia, citizen_id=citizen_id))


def test_one_citizens_fhir_export_takes_at_most_100_ms(db_url):
    from models.demo import ditte_document

    with session_scope(write=True) as s:  # the demo's Ditte: the citizen the shared example describes
        import_document(session=s, doc=ditte_document(), actor=None)
    _bundle(1)  # the first call imports fhir.resources' models (once per process)
    times = []
    for _ in range(7):
        start = time.perf_counter()
        _bundle(1)
        times.append(time.perf_counter() - start)
    # The best of seven: on this shared 2-core machine a neighbour's burst lands in some runs
    # (alone here: ~14 ms, of which ~7 ms is fhir.resources' validation).
    assert min(times) <= 0.100, times


def _examples(path: Any) -> list[Any]:
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)\n```", path.read_text("utf-8"), re.S)]


def test_every_example_in_the_docs_validates():
    fhir = _examples(MAPPING)
    samplan2 = _examples(DOCS_PATH)
    assert fhir and samplan2
    for example in fhir:
        _check(example)
    for example in samplan2:
        assert validate2(copy.deepcopy(example)) == []
