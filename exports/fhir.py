"""The joint plan as an HL7 FHIR R4B Bundle (a dict): data in, JSON-ready data out.

R4B because the Danish profiles (HL7 Denmark's DK-core, KL Gateway's Fælles Sprog III
profiles) are FHIR R4 (4.0.1), and R4B is R4 with technical corrections only to resources we
do not use (medicinal products, evidence, subscriptions): Patient, Practitioner, RelatedPerson,
Organization, CareTeam, CarePlan, Goal, Observation, Task and Consent read the same in both.
fhir.resources (the model library used to validate) ships R4B, not R4.

The mapping, and what has no FHIR home, is in docs/fhir-mapping.md. References are
`urn:uuid:` full URLs of entries in the same Bundle (uuid5 of the citizen and the row, so the
same plan gives the same ids); a test resolves every one of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

SAMPLAN = "https://samplan.dk/fhir"  # our CodeSystems and extensions live under this base
TEAM_ROLE = f"{SAMPLAN}/CodeSystem/team-role"
GOAL_ACCEPTANCE = "http://hl7.org/fhir/StructureDefinition/goal-acceptance"
_NAMESPACE = uuid.UUID("6f1c2a52-7c0e-4c8e-9a54-5a6d1e0f2b11")

GOAL_STATUS = {"active": "active", "achieved": "completed", "paused": "on-hold", "dropped": "cancelled"}
TASK_STATUS = {
    "open": "requested",
    "in_progress": "in-progress",
    "done": "completed",
    "cancelled": "cancelled",
}
AREA_WORDS = {
    "work_education": "Arbejde og uddannelse", "health": "Helbred", "family": "Familie",
    "housing": "Bolig", "economy": "Økonomi", "social_life": "Socialt liv",
    "daily_life": "Hverdagsliv", "other": "Andet",
}  # fmt: skip
CONSENT_KIND_WORDS = {"joint_plan": "Samtykke til samlet plan", "sharing": "Samtykke til videregivelse"}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _instant(value: datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()


def _clean(node: Any) -> Any:
    """Leave out empty values: FHIR forbids empty strings, lists and objects."""
    if isinstance(node, dict):
        out = {k: _clean(v) for k, v in node.items()}
        return {k: v for k, v in out.items() if v not in (None, "", [], {})}
    if isinstance(node, list):
        return [item for item in (_clean(v) for v in node) if item not in (None, "", [], {})]
    return node


class _Bundle:
    def __init__(self, citizen_id: int) -> None:
        self.citizen_id = citizen_id
        self.entries: list[dict[str, Any]] = []

    def url(self, kind: str, row: object) -> str:
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{self.citizen_id}/{kind}/{row}')}"

    def add(self, kind: str, row: object, resource: dict[str, Any]) -> str:
        full_url = self.url(kind, row)
        self.entries.append({"fullUrl": full_url, "resource": _clean(resource)})
        return full_url


def _telecom(phone: str | None, email: str | None) -> list[dict[str, str]]:
    out = []
    if phone:
        out.append({"system": "phone", "value": phone})
    if email:
        out.append({"system": "email", "value": email})
    return out


def _role(code: str, words: str) -> dict[str, Any]:
    return {"coding": [{"system": TEAM_ROLE, "code": code, "display": words}], "text": words}


def build_fhir_bundle(plan: Any, *, goal_answers: Mapping[int | None, tuple[bool, str | None]],
                      now: datetime) -> dict[str, Any]:  # fmt: skip
    """The Bundle for a models.plans.JointPlan. `goal_answers` is the citizen's newest yes/no
    per goal id (None: to the whole plan), with their words."""
    citizen = plan.citizen
    b = _Bundle(citizen.id)
    patient = b.add("patient", citizen.id, {
        "resourceType": "Patient",
        "name": [{"text": citizen.name}],
        "birthDate": _day(citizen.birth_date),
        "telecom": _telecom(citizen.phone, citizen.email),
    })  # fmt: skip
    organisations: dict[str, str] = {}

    def organisation(name: str | None) -> str | None:
        if not name:
            return None
        if name not in organisations:
            organisations[name] = b.add("organization", name, {"resourceType": "Organization", "name": name})
        return organisations[name]

    members: dict[int, str] = {}
    participants: list[dict[str, Any]] = [
        {"role": [_role("citizen", "Borgeren")], "member": {"reference": patient}}
    ]
    coordinator: str | None = None
    for person in plan.people:
        period = {"start": _day(person.added_on), "end": _day(person.removed_on)}
        roles = []
        if person.kind == "professional":
            ref = b.add("practitioner", person.id, {
                "resourceType": "Practitioner",
                "name": [{"text": person.name}],
                "telecom": _telecom(person.phone, person.email),
            })  # fmt: skip
            if person.title:
                roles.append({"text": person.title})
        else:
            ref = b.add("related", person.id, {
                "resourceType": "RelatedPerson",
                "patient": {"reference": patient},
                "relationship": [{"text": person.relation}] if person.relation else [],
                "name": [{"text": person.name}],
                "telecom": _telecom(person.phone, person.email),
                "period": period,
            })  # fmt: skip
            roles.append(_role("private-network", "Privat netværk"))
        if person.is_coordinator:
            roles.append(_role("coordinator", "Koordinerende sagsbehandler"))
            coordinator = coordinator or ref
        if person.is_deputy:
            roles.append(_role("deputy", "Stedfortræder for koordinator"))
        if person.id == citizen.contact_person_id:
            roles.append(_role("contact-person", "Borgerens kontaktperson"))
        members[person.id] = ref
        participants.append({
            "role": roles,
            "member": {"reference": ref},
            "onBehalfOf": {"reference": organisation(person.department)} if person.department else None,
            "period": period,
        })  # fmt: skip
    team = b.add("careteam", citizen.id, {
        "resourceType": "CareTeam",
        "status": "active",
        "name": f"Netværket om {citizen.name}",
        "subject": {"reference": patient},
        "participant": participants,
    })  # fmt: skip

    meetings = {m.id: m for m in plan.meetings}
    plan_answer = goal_answers.get(None)
    held = [m for m in plan.meetings if m.status == "held" and m.citizen_agrees is not None]
    read_back = held[-1].citizen_agrees if held else None
    goals: dict[int, str] = {}
    for goal in plan.goals:
        observations = []
        for score in goal.scores:
            step = f"Næste skridt: {score.next_step}" if score.next_step else None
            observations.append(b.add("score", f"{goal.id}/{score.meeting_id}", {
                "resourceType": "Observation",
                "status": "final",
                "code": {"text": "Borgerens egen vurdering af målet (0-10)"},
                "subject": {"reference": patient},
                "focus": [{"reference": b.url("goal", goal.id)}],
                "effectiveDateTime": _instant(score.meeting_starts_at),
                "valueInteger": score.score,
                "note": [{"text": t} for t in (score.note, step) if t],
            }))  # fmt: skip
        answer = goal_answers.get(goal.id) or plan_answer
        agrees = answer[0] if answer else read_back
        status = "pending" if agrees is None else ("agree" if agrees else "disagree")
        notes = [{"text": goal.professional_note}] if goal.professional_note else []
        if answer and answer[1]:
            notes.append({"text": f"Borgerens ord: {answer[1]}"})
        goals[goal.id] = b.add("goal", goal.id, {
            "resourceType": "Goal",
            "extension": [{"url": GOAL_ACCEPTANCE, "extension": [
                {"url": "individual", "valueReference": {"reference": patient}},
                {"url": "status", "valueCode": status},
            ]}],
            "lifecycleStatus": GOAL_STATUS[goal.status],
            "achievementStatus": {"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/goal-achievement", "code": "achieved"}]}
            if goal.status == "achieved" else None,
            "category": [{"text": AREA_WORDS.get(goal.area or "", goal.area)}] if goal.area else [],
            "priority": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/goal-priority",
                                     "code": "high-priority"}], "text": "Fokusmål"}
            if goal.status == "active" else None,
            "description": {"text": goal.own_words},
            "subject": {"reference": patient},
            "startDate": _day(goal.created_on),
            "expressedBy": {"reference": patient},
            "note": notes,
            "outcomeReference": [{"reference": ref} for ref in observations],
        })  # fmt: skip

    care_plan_url = b.url("careplan", citizen.id)
    tasks = []
    for action in plan.actions:
        owner = patient if action.owner_is_citizen else members.get(action.owner_person_id or -1)
        agreed = meetings.get(action.agreed_at_meeting_id or -1)
        tasks.append(b.add("task", action.id, {
            "resourceType": "Task",
            "extension": [{"url": f"{SAMPLAN}/StructureDefinition/trial-action", "valueBoolean": True}]
            if action.trial else [],
            "basedOn": [{"reference": care_plan_url}],
            "status": TASK_STATUS[action.status],
            "intent": "plan",
            "description": action.text,
            "for": {"reference": patient},
            "authoredOn": _instant(agreed.starts_at) if agreed else None,
            "owner": {"reference": owner} if owner else None,
            "reasonReference": {"reference": goals[action.goal_id]} if action.goal_id in goals else None,
            "restriction": {"period": {"end": _day(action.due_on)}} if action.due_on else None,
            "executionPeriod": {"end": _day(action.done_on)} if action.done_on else None,
        }))  # fmt: skip

    today = now.date()
    for consent in plan.consents:
        ended = consent.withdrawn_on or consent.expires_on
        active = consent.withdrawn_on is None and (consent.expires_on is None or consent.expires_on >= today)
        b.add("consent", consent.id, {
            "resourceType": "Consent",
            "extension": [{"url": f"{SAMPLAN}/StructureDefinition/consent-form", "valueCode": consent.form}]
            if consent.form else [],
            "status": "active" if active else "inactive",
            "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope",
                                  "code": "patient-privacy"}]},
            "category": [{"coding": [{"system": f"{SAMPLAN}/CodeSystem/consent-kind", "code": consent.kind}],
                          "text": CONSENT_KIND_WORDS.get(consent.kind, consent.kind)}],
            "patient": {"reference": patient},
            "dateTime": f"{consent.given_on.isoformat()}T00:00:00+00:00",
            "policyRule": {"text": consent.scope or CONSENT_KIND_WORDS.get(consent.kind, consent.kind)},
            "provision": {
                "type": "permit",
                "period": {"start": _day(consent.given_on), "end": _day(ended)},
                "actor": [{"role": {"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "IRCP"}]},
                    "reference": {"reference": organisation(name)}} for name in consent.parties],
            },
        })  # fmt: skip

    decisions = [text for m in plan.meetings if m.status == "held" for text in m.decisions]
    starts = [m.starts_at for m in plan.meetings if m.status == "held"]
    first_goal = min((g.created_on for g in plan.goals), default=None)
    start = min(filter(None, [starts[0].date() if starts else None, first_goal]), default=None)
    b.entries.insert(0, {"fullUrl": care_plan_url, "resource": _clean({
        "resourceType": "CarePlan",
        "status": "active" if plan.goals or plan.actions else "draft",
        "intent": "plan",
        "title": f"Samlet plan for {citizen.name}",
        "subject": {"reference": patient},
        "period": {"start": _day(start)},
        "author": {"reference": coordinator} if coordinator else None,
        "careTeam": [{"reference": team}],
        "goal": [{"reference": ref} for ref in goals.values()],
        "activity": [{"reference": {"reference": ref}} for ref in tasks],
        "note": [{"text": f"Beslutning: {text}"} for text in decisions],
    })})  # fmt: skip
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(_NAMESPACE, f"{citizen.id}/bundle")),
        "type": "collection",
        "timestamp": _instant(now),
        "entry": b.entries,
    }
