"""LIX, the Danish standard readability index, and the text of the citizen's version of a plan.

LIX = words / sentences + 100 * long words / words, where a long word has more than six
letters. Under 25 is very easy, 25-34 easy ("let"), 35-44 medium, 45-54 hard, 55+ very hard.
The meeting leader gets a hint when the citizen's plan reads harder than "let" (LIX > 35).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.plans import JointPlan

EASY_LIMIT = 35  # above this the plan is no longer "let" (easy) to read

# A word is a run of letters (any script), digits, and inner apostrophes or hyphens.
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_LETTER = re.compile(r"[^\W\d_]")
# A sentence ends at . ! ? : (one or more) or at the end of a line that has no full stop:
# headings, list items and table cells are sentences of their own.
_SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)|\n+")


@dataclass(frozen=True)
class Readability:
    words: int
    long_words: int
    sentences: int
    lix: float

    @property
    def is_easy(self) -> bool:
        return self.lix <= EASY_LIMIT


def count_words(text: str) -> list[str]:
    return _WORD.findall(text)


def is_long_word(word: str) -> bool:
    """More than six letters (digits and hyphens do not count as letters)."""
    return len(_LETTER.findall(word)) > 6


def count_sentences(text: str) -> int:
    """Sentence ends that follow some words; text without an end is one sentence."""
    count = 0
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if _WORD.search(text, start, match.start()):
            count += 1
        start = match.end()
    if _WORD.search(text, start):
        count += 1
    return count


def lix(text: str) -> Readability:
    """The LIX of `text`; 0 for text without words."""
    words = count_words(text)
    if not words:
        return Readability(words=0, long_words=0, sentences=0, lix=0.0)
    long_words = sum(1 for word in words if is_long_word(word))
    sentences = max(1, count_sentences(text))
    value = len(words) / sentences + 100 * long_words / len(words)
    return Readability(words=len(words), long_words=long_words, sentences=sentences, lix=round(value, 1))


def citizen_version_text(plan: JointPlan) -> str:
    """The text people typed that the citizen's version of the plan shows, one item a line.

    The same items the citizen's Word document and "Min plan" show: the active goals in the
    citizen's own words, the agreements, the last meeting's decisions and "if things get
    hard". Staff notes and unmet needs are not in the citizen's version, so not here either.
    """
    parts: list[str] = [goal.own_words for goal in plan.active_goals]
    parts += [action.text for action in plan.actions if action.status != "cancelled"]
    held = plan.last_held_meeting
    if held is not None:
        parts += list(held.decisions)
        if held.citizen_disagreement:
            parts.append(held.citizen_disagreement)
    when_hard = latest_when_hard(plan)
    if when_hard:
        parts.append(when_hard)
    return "\n".join(part.strip() for part in parts if part and part.strip())


def latest_when_hard(plan: JointPlan) -> str | None:
    """'If things get hard' from the most recent preparation that answered it."""
    for meeting in reversed(plan.meetings):
        prep = meeting.preparation
        if prep is not None and prep.when_hard and prep.when_hard.strip():
            return prep.when_hard
    return None


def plan_readability(plan: JointPlan) -> Readability:
    return lix(citizen_version_text(plan))
