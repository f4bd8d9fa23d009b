"""Relational coordination (Gittell): the survey's dimensions, scale and wording (issue 24).

Seven dimensions, asked by each respondent about each other department they work with, on a
5-point scale ("ved ikke" allowed, stored as NULL): four about communication (frequent, timely,
accurate, problem-solving rather than blaming) and three about relationships (shared goals,
shared knowledge of each other's work, mutual respect).

The official item wording is licensed by its owners, so Samplan asks in its OWN words (the
catalogue's [rc.q] and [rc.scale], Danish and English). A municipality that holds a licence puts
the official wording in config/relational_coordination.toml (or the file
SAMPLAN_RC_WORDING_FILE names; config/relational_coordination.example.toml shows the fields):
the dimensions and the scale stay, only the words change. Read on every call, never raises: a
missing or broken file means Samplan's own wording.

The rest of the feature: rounds (relational_coordination_rounds), answers
(relational_coordination_answers), figures (relational_coordination_results).
"""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from models.i18n import LANGUAGES, translate
from models.settings import PROJECT_ROOT
from models.tables import RC_DIMENSIONS

logger = logging.getLogger("samplan.rc")

DIMENSIONS = RC_DIMENSIONS
COMMUNICATION = DIMENSIONS[:4]
RELATIONSHIP = DIMENSIONS[4:]
HALVES = {"communication": COMMUNICATION, "relationship": RELATIONSHIP}
SCALE = (1, 2, 3, 4, 5)
DEFAULT_FILE = PROJECT_ROOT / "config" / "relational_coordination.toml"
DEPARTMENT = "{department}"  # where a question names the department it is about


@dataclass(frozen=True)
class Wording:
    """The words of one language: a question per dimension ("{department}" is filled in), the
    five points of the scale, "ved ikke", and an attribution line a licence may require."""

    questions: dict[str, str]
    scale: tuple[str, ...]
    dont_know: str
    attribution: str
    licensed: bool  # the words came (at least partly) from the municipality's file

    def question(self, dimension: str, department: str) -> str:
        # str.replace, not format: a licensed text may hold braces of its own.
        return self.questions[dimension].replace(DEPARTMENT, department)


def wording_file() -> Path:
    configured = os.environ.get("SAMPLAN_RC_WORDING_FILE", "").strip()
    return Path(configured) if configured else DEFAULT_FILE


def _read(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        logger.warning("relational coordination wording %s unreadable: %s", path, type(error).__name__)
        return {}


def _line(value: object) -> str | None:
    return " ".join(value.split()) or None if isinstance(value, str) else None


def load_wording(lang: str = "da", path: Path | None = None) -> Wording:
    """Samplan's own words, with whatever the municipality's file replaces for `lang`."""
    lang = lang if lang in LANGUAGES else "da"
    section = _read(path or wording_file()).get(lang)
    own = section if isinstance(section, dict) else {}
    questions = {}
    for dimension in DIMENSIONS:
        replaced = _line(own.get(dimension))
        questions[dimension] = replaced or translate(f"rc.q.{dimension}", lang)
    scale = tuple(translate(f"rc.scale.p{n}", lang) for n in SCALE)
    given = own.get("scale")
    if isinstance(given, list) and len(given) == len(SCALE) and all(_line(v) for v in given):
        scale = tuple(str(_line(v)) for v in given)
    elif given is not None:
        logger.warning("relational coordination wording: 'scale' needs exactly 5 texts; Samplan's own kept")
    return Wording(
        questions=questions,
        scale=scale,
        dont_know=_line(own.get("dont_know")) or translate("rc.scale.dont_know", lang),
        attribution=_line(own.get("attribution")) or "",
        licensed=bool(own),
    )


def tie_means(values: dict[str, int | None]) -> dict[str, float | None]:
    """One tie's index (the mean of its answered dimensions) and its two halves; "ved ikke"
    (None) is left out, and a tie with no answer in a half has no figure for it."""

    def mean(names: tuple[str, ...]) -> float | None:
        answered = [values[n] for n in names if values.get(n) is not None]
        return sum(answered) / len(answered) if answered else None  # type: ignore[arg-type]

    return {
        "index": mean(DIMENSIONS),
        "communication": mean(COMMUNICATION),
        "relationship": mean(RELATIONSHIP),
    }
