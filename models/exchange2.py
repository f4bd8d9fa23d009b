"""samplan/2: the exchange format that holds everything Samplan stores about a citizen.

Made table by table in models/exchange2_spec.py (what is in, what is left out and why), with
the schema in models/schema/samplan-2.schema.json and every field in docs/samplan2.md.
Export -> import into an empty installation -> export gives the same document apart from the
export time (tests/models/test_exchange2_roundtrip.py).

`import_document` (models/exchange_import.py) takes both versions: a samplan/1 file goes
through samplan/1's reader and writer, which map it onto today's tables (consent kind
"sharing", coordinator by title, ...), so it is upgraded on the way in and its contract is
kept exactly; a samplan/2 file comes here. Both are all-or-nothing with every problem by JSON
path. A citizen imported before is refused, imported as a copy on purpose, or (--update)
updated from what samplan/1 carries of the samplan/2 citizen (downgrade below): the update
rules are samplan/1's, so an update never deletes and keeps corrections' history.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from models import exchange2_import
from models.access import Actor
from models.exchange2_export import document2_bytes, export2_all, export2_citizen, export2_ids
from models.exchange2_read import check2, problems2, validate2
from models.exchange2_spec import CITIZEN, FORMAT2
from models.exchange_identity import known_for_import
from models.exchange_read import check_document
from models.exchange_schema import ImportedCitizen, ImportFailed

__all__ = [
    "FORMAT2",
    "document2_bytes",
    "downgrade_citizen",
    "export2_all",
    "export2_citizen",
    "export2_ids",
    "import2",
    "validate2",
]

_V1_STATUS = {"draft": "planned", "in_progress": "planned"}


def import2(
    *, session: Session, doc: dict[str, Any], actor: Actor | None, lang: str, on_existing: str
) -> list[ImportedCitizen]:
    found, read = check2(doc)
    if found:
        raise ImportFailed(problems2(doc, found, lang))
    identities = exchange2_import.identities_for(read)

    class _Named:  # what find_known reads of a citizen
        def __init__(self, values: dict[str, Any]) -> None:
            self.name, self.birth_date = str(values.get("name", "")), values.get("birth_date")

    named = [_Named(c.values) for c in read.citizens]
    known = known_for_import(session, named, on_existing=on_existing, lang=lang)  # type: ignore[arg-type]
    count = len(read.citizens)
    fresh = [n for n in range(count) if not (on_existing == "update" and n in known)]
    ids = [None if n in known else identities[n] for n in range(count)]
    created = exchange2_import.write2(session, read, actor, fresh=fresh, identities=ids)
    result: dict[int, ImportedCitizen] = dict(zip(fresh, created, strict=True))
    updates = sorted(set(range(count)) - set(fresh))
    if updates:
        result.update(_update(session, doc, actor, lang, {n: known[n].existing_ids[0] for n in updates}))
    return [result[n] for n in range(count)]


def _update(
    session: Session, doc: dict[str, Any], actor: Actor | None, lang: str, targets: dict[int, int]
) -> dict[int, ImportedCitizen]:
    from models import team
    from models.exchange_import import _departments
    from models.exchange_update import update_citizen

    raw = [c for c in doc["citizens"] if isinstance(c, dict)]
    v1 = {"format": "samplan/1", "citizens": [downgrade_citizen(raw[n]) for n in sorted(targets)]}
    found, citizens = check_document(v1)
    if found:  # samplan/2 passed its own checks; samplan/1's are no stricter on what it carries
        raise ImportFailed(problems2(v1, found, lang))
    names = {p.department for c in citizens for p in c.people if p.department}
    departments = _departments(session, names)
    out = {}
    for n, data in zip(sorted(targets), citizens, strict=True):
        changes = update_citizen(session=session, actor=actor, citizen_id=targets[n], data=data,
                                 departments=departments, lang=lang)  # fmt: skip
        out[n] = ImportedCitizen(id=targets[n], name=data.name, updated=True, changes=changes)
    team.link_matching_users_of(session=session, citizen_ids=list(targets.values()), actor=actor)
    return out


def _pick(source: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: source[name] for name in names if name in source}


def downgrade_citizen(citizen: dict[str, Any]) -> dict[str, Any]:
    """What samplan/1 can carry of a samplan/2 citizen (the --update rules, and old receivers)."""
    out = {
        "ref": citizen.get("ref", "c1"),
        **_pick(citizen, "name", "birth_date", "phone", "email", "contact_person"),
    }
    out["people"] = [
        _pick(p, "ref", "name", "kind", "department", "title", "relation", "email", "phone")
        for p in citizen.get("people", [])
    ]
    out["consents"] = [
        {**_pick(k, "ref"), "parties": [p["name"] for p in k["parties"]],
         **_pick(k, "scope", "given_on", "expires_on", "withdrawn_on", "form")}
        for k in citizen.get("consents", [])
        if k.get("parties")
    ]  # fmt: skip
    out["goals"] = [
        {**_pick(g, "ref", "own_words", "area", "status", "created_on"),
         "scores": [_pick(s, "meeting", "score", "note") for s in g.get("scores", [])]}
        for g in citizen.get("goals", [])
    ]  # fmt: skip
    out["actions"] = [
        _pick(a, "ref", "text", "goal", "owner", "due_on", "status", "trial", "agreed_at", "done_on")
        for a in citizen.get("actions", [])
        if a.get("owner")
    ]
    out["meetings"] = []
    for m in citizen.get("meetings", []):
        item = _pick(m, "ref", "starts_at", "minutes", "place")
        item["status"] = _V1_STATUS.get(m.get("status", "planned"), m.get("status", "planned"))
        item.update(_pick(m, "leader", "note_taker"))
        item["participants"] = [p["person"] for p in m.get("participants", [])]
        item.update(_pick(m, "citizen_present"))
        prep = _pick(m.get("preparation", {}), "matters_most", "dream", "going_well", "questions")
        if prep:
            item["preparation"] = prep
        item["decisions"] = [d["text"] for d in m.get("decisions", [])]
        item["unmet_needs"] = [u["text"] for u in m.get("unmet_needs", [])]
        out["meetings"].append(item)
    assert CITIZEN == "citizen"  # samplan/1's owner word is the same
    return out
