"""A hand-made samplan/2 document that uses every field of the format, with hostile text.

Written the way Samplan's own export writes it (refs numbered in order, users and departments
sorted, times in UTC), so an import followed by an export gives it back: only the hostile
text comes back sanitised (control characters and bidi overrides removed, \r\n as \n).
"""

from __future__ import annotations

from typing import Any

# Control characters, an ANSI escape, bidi overrides, emoji (with joiners), Hebrew and Arabic.
HOSTILE = "a\x00b\x07c\x1b[31m rød\u202e\u2066 😀👩\u200d👩\u200d👧 שלום עליכם مرحبا\r\nlinje 2\t¶"
LONG = ("Ditte vil gerne have sit eget sted at bo 🏠. " * 250)[:10_000]  # exactly the maximum


def _t(hour: int, day: int = 1, month: int = 3) -> str:
    return f"2026-{month:02d}-{day:02d}T{hour:02d}:00:00+00:00"


def every_field_document() -> dict[str, Any]:
    prep = {
        "matters_most": HOSTILE, "dream": LONG, "going_well": "at sove", "questions": "hvornår?",
        "not_to_raise": "min far", "when_hard": "gå en tur", "who_to_invite": "mormor",
    }  # fmt: skip
    return {
        "format": "samplan/2",
        "exported_at": "2026-03-02T10:00:00+01:00",
        "departments": [
            {"name": "Jobcenter", "is_outside_body": False},
            {"name": "Psykiatrien 🏥", "is_outside_body": True, "retired_at": _t(8, 1, 1)},
        ],
        "users": [
            {
                "username": "anne",
                "full_name": "Anne Andersen",
                "email": "anne@kommune.example",
                "department": "Jobcenter",
            },
            {"username": "rasmus", "full_name": "Rasmus " + "ر" * 5},
        ],  # fmt: skip
        "citizens": [
            {
                "ref": "c1",
                "name": "Ditte " + "مرحبا 😀",
                "birth_date": "2001-03-14",
                "phone": "+45 12 34 56 78",
                "email": "ditte@example.org",
                "contact_person": "p1",
                "meetings_per_year": 4,
                "created_at": _t(7, 1, 1),
                "updated_at": _t(7, 2, 1),
                "people": [
                    {
                        "ref": "p1",
                        "name": "Anne Andersen",
                        "kind": "professional",
                        "department": "Jobcenter",
                        "title": "koordinerende sagsbehandler",
                        "email": "anne@kommune.example",
                        "phone": "11111111",
                        "user": "anne",
                        "is_coordinator": True,
                        "is_deputy": False,
                        "added_on": "2026-01-01",
                    },
                    {
                        "ref": "p2",
                        "name": "Mor " + HOSTILE[:5],
                        "kind": "private",
                        "relation": "mor",
                        "title": "-",
                        "email": "mor@example.org",
                        "phone": "22222222",
                        "is_coordinator": False,
                        "is_deputy": True,
                        "added_on": "2026-01-02",
                        "removed_on": "2026-02-01",
                        "department": "Psykiatrien 🏥",
                        "user": "rasmus",
                    },
                ],  # fmt: skip
                "citizen_links": [
                    {
                        "ref": "l1",
                        "created_at": _t(8),
                        "created_by": "anne",
                        "expires_at": _t(8, 1, 6),
                        "revoked_at": _t(9),
                    },
                ],  # fmt: skip
                "consents": [
                    {
                        "ref": "k1",
                        "kind": "joint_plan",
                        "scope": HOSTILE,
                        "given_on": "2026-01-01",
                        "expires_on": "2027-01-01",
                        "withdrawn_on": "2026-06-01",
                        "form": "written",
                        "recorded_at": _t(9, 1, 1),
                        "recorded_by": "anne",
                        "parties": [
                            {"name": "Jobcenter", "position": 0, "department": "Jobcenter"},
                            {"name": "Lægen", "position": 1},
                        ],
                    },
                ],  # fmt: skip
                "meetings": [
                    {
                        "ref": "m1",
                        "starts_at": _t(9),
                        "minutes": 90,
                        "place": "Rådhuset 🏛",
                        "video_link": "https://v.example/x",
                        "status": "held",
                        "leader": "p1",
                        "note_taker": "p1",
                        "citizen_present": True,
                        "current_agenda_position": 1,
                        "speaker": "citizen",
                        "speaker_since": _t(10),
                        "citizen_speaking_seconds": 600,
                        "total_speaking_seconds": 3000,
                        "opened_at": _t(9),
                        "closed_at": _t(11),
                        "citizen_agrees": False,
                        "citizen_disagreement": HOSTILE,
                        "participants": [
                            {"person": "p1", "attendance": "present", "written_status": "ok", "position": 0},
                            {
                                "person": "p2",
                                "attendance": "apologies",
                                "written_status": LONG,
                                "position": 1,
                            },
                        ],
                        "agenda": [
                            {
                                "position": 0,
                                "title": "Velkommen",
                                "minutes": 5,
                                "started_at": _t(9),
                                "ended_at": _t(10),
                            }
                        ],
                        "preparation": prep,
                        "invitation_letters": [
                            {"user": "anne", "downloaded_at": _t(8, 1, 2), "fingerprint": "ab12:cd34"}
                        ],
                        "decisions": [{"text": HOSTILE, "position": 0}],
                        "unmet_needs": [
                            {
                                "text": "bostøtte",
                                "department": "Jobcenter",
                                "answer": "nej",
                                "answered_at": _t(12),
                                "position": 0,
                            }
                        ],
                    },
                    {
                        "ref": "m2",
                        "starts_at": _t(9, 1, 5),
                        "minutes": 60,
                        "status": "draft",
                        "speaker": "p2",
                        "citizen_speaking_seconds": 0,
                        "total_speaking_seconds": 0,
                    },
                ],  # fmt: skip
                "goals": [
                    {
                        "ref": "g1",
                        "own_words": LONG,
                        "professional_note": HOSTILE,
                        "area": "housing",
                        "status": "active",
                        "created_on": "2026-01-05",
                        "position": 0,
                        "scores": [
                            {
                                "meeting": "m1",
                                "score": 4,
                                "note": HOSTILE,
                                "next_step": "ring",
                                "recorded_at": _t(10),
                            }
                        ],
                    },
                    {
                        "ref": "g2",
                        "own_words": "Arbejde",
                        "area": "work_education",
                        "status": "paused",
                        "created_on": "2026-01-05",
                        "position": 1,
                    },
                ],  # fmt: skip
                "actions": [
                    {
                        "ref": "a1",
                        "text": HOSTILE,
                        "goal": "g1",
                        "owner": "p2",
                        "due_on": "2026-04-01",
                        "status": "in_progress",
                        "trial": True,
                        "agreed_at": "m1",
                        "done_on": "2026-04-02",
                        "created_at": _t(10),
                        "updated_at": _t(11),
                        "history": [
                            {
                                "at": _t(10),
                                "by": "anne",
                                "kind": "owner_changed",
                                "from": "person:p1",
                                "to": "person:p2",
                                "note": HOSTILE,
                                "meeting": "m1",
                                "by_link": "l1",
                            }
                        ],
                    },
                    {
                        "ref": "a2",
                        "text": "Ring til mor",
                        "owner": "citizen",
                        "status": "open",
                        "trial": False,
                        "created_at": _t(10),
                        "updated_at": _t(10),
                    },
                    {
                        "ref": "a3",
                        "text": "Uafklaret",
                        "status": "open",
                        "trial": False,
                        "created_at": _t(10),
                        "updated_at": _t(10),
                    },
                ],  # fmt: skip
                "plan_versions": [
                    {
                        "ref": "v1",
                        "number": 1,
                        "meeting": "m1",
                        "created_at": _t(11),
                        "created_by": "anne",
                        "snapshot": {"goals": [{"own_words": HOSTILE.replace("\x00", "")}], "n": 1},
                    },
                ],  # fmt: skip
                "team_memberships": [
                    {
                        "user": "anne",
                        "person": "p1",
                        "started_at": _t(8, 1, 1),
                        "ended_at": _t(8, 1, 2),
                        "end_reason": "ny sag",
                    },
                ],  # fmt: skip
                "citizen_preparations": [
                    {"meeting": "m1", "link": "l1", "written_at": _t(8), "preparation_version": 2, **prep},
                ],
                "agenda_proposals": [
                    {
                        "meeting": "m1",
                        "link": "l1",
                        "text": "Min bolig",
                        "created_at": _t(8),
                        "status": "moved",
                        "reason": "næste gang",
                        "decided_at": _t(9),
                        "decided_by": "anne",
                    },
                ],  # fmt: skip
                "plan_answers": [
                    {
                        "goal": "g1",
                        "link": "l1",
                        "agrees": False,
                        "words": HOSTILE,
                        "plan_version_number": 1,
                        "answered_at": _t(12),
                    },
                ],  # fmt: skip
                "messages": [
                    {
                        "to_person": "p1",
                        "link": "l1",
                        "text": "Hej 😀",
                        "sent_at": _t(12),
                        "read_at": _t(13),
                        "read_by": "anne",
                    },
                ],  # fmt: skip
                "corrections": [
                    {
                        "at": _t(10),
                        "by": "anne",
                        "table": "goal",
                        "row": "g1",
                        "field": "own_words",
                        "old_value": HOSTILE,
                    },
                    {
                        "at": _t(10),
                        "table": "action",
                        "row": "a1",
                        "field": "owner_person_id",
                        "old_value": "p1",
                    },
                    {
                        "at": _t(10),
                        "table": "person",
                        "row": "p1",
                        "field": "department_id",
                        "old_value": "Psykiatrien 🏥",
                    },
                    {"at": _t(10), "table": "preparation", "row": "m1", "field": "dream", "old_value": "før"},
                    {"at": _t(10), "table": "citizen", "row": "citizen", "field": "phone", "old_value": "1"},
                    {"at": _t(10), "table": "meeting", "row": "m1", "field": "place"},
                ],  # fmt: skip
            }
        ],
    }
