"""The demo's two relational coordination rounds (issue 24): a poor "before" ten months ago and
a better "after" last month, so a newcomer sees the matrix, the change and the < 5 rule.

The figures need at least 5 respondents per department pair, more than the demo's handful of
users: each department gets six fictional colleagues, as deactivated accounts (they cannot log
in and are not asked in new rounds; "Demokollega 3, Sundhed"). They answered both rounds, each
about most other departments, so a few cells fall under 5 and read "< 5" as they would in life.
Deterministic for a seed and a day, like the rest of the demo.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import insert
from sqlmodel import Session

from models.departments import department_for_person
from models.relational_coordination import DIMENSIONS
from models.relational_coordination_answers import _random_id
from models.tables import RcAnswer, RcRespondent, RcRound, RcRoundDepartment, UserAccount, today

COLLEAGUES = 6
WORKS_WITH = 0.9  # the chance a colleague works with (and so answers about) another department
# (name, days ago it began, the mean answer): poor before the joint meetings, better after.
ROUNDS = (("Før-måling", 300, 2.3), ("Efter-måling", 40, 3.7))
# Wrong or late information was the sore point before: communication lower than relationships.
LEAN = {
    "frequent": -0.2,
    "timely": -0.4,
    "accurate": -0.5,
    "problem_solving": -0.4,
    "shared_goals": 0.3,
    "shared_knowledge": 0.0,
    "mutual_respect": 0.4,
}


def add_demo_rounds(session: Session, rng: random.Random, departments: tuple[str, ...]) -> None:
    """Two ended rounds over every department, answered by its fictional colleagues."""
    ids = {name: department_for_person(session, name) for name in departments}
    colleagues: dict[str, list[int]] = {}
    for name, department_id in ids.items():
        accounts = [
            UserAccount(
                username=f"demokollega-{department_id}-{n}",
                full_name=f"Demokollega {n}, {name}",
                role="staff",
                department_id=department_id,
                is_active=False,
                password_hash="!demo-colleague-no-login",
            )
            for n in range(1, COLLEAGUES + 1)
        ]
        session.add_all(accounts)
        session.flush()
        colleagues[name] = [a.id for a in accounts]  # type: ignore[misc]
    pair_lean = {(a, b): rng.gauss(0, 0.3) for a in ids for b in ids if a != b}
    for round_name, days_ago, mean in ROUNDS:
        start = today() - timedelta(days=days_ago)
        row = RcRound(name=round_name, starts_on=start, ends_on=start + timedelta(days=13))
        session.add(row)
        session.flush()
        session.add_all(RcRoundDepartment(round_id=row.id, department_id=d) for d in ids.values())  # type: ignore[arg-type]
        ties = []
        for name, users in colleagues.items():
            for user_id in users:
                others = [o for o in ids if o != name and rng.random() < WORKS_WITH] or [
                    rng.choice([o for o in ids if o != name])
                ]
                session.add(RcRespondent(round_id=row.id, user_id=user_id, department_id=ids[name]))  # type: ignore[arg-type]
                for other in others:
                    base = rng.gauss(mean + pair_lean[(name, other)], 0.5)
                    ties.append(
                        {
                            "id": _random_id(),
                            "round_id": row.id,
                            "from_department_id": ids[name],
                            "about_department_id": ids[other],
                            **{
                                d: None
                                if rng.random() < 0.05
                                else max(1, min(5, round(base + LEAN[d] + rng.gauss(0, 0.5))))
                                for d in DIMENSIONS
                            },
                        }
                    )
        session.flush()
        session.execute(insert(RcAnswer), ties)
