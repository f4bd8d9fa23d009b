"""The room screen's HTML, built from models.room.RoomView alone (pure: view in, text out).

Everything typed by a person goes through ui.safe.escape_html (then Streamlit's DOMPurify), so it is
shown as typed and never interpreted. What the main area shows follows the meeting's step:
attendance -> the citizen's own words; status -> earlier agreements; goals -> goals and scores;
agreements -> new agreements; decisions -> decisions; close -> the read-back (new agreements
and decisions). A list longer than a page is paged calmly: the page holding an agreement saved
in the last FOLLOW_SECONDS is shown (the room sees the one being worked on), otherwise the pages
take turns every PAGE_SECONDS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from models.formatting import format_day
from models.i18n import translate
from models.room import RoomAgreement, RoomView
from ui.safe import escape_html as escape

PAGE_SIZE = 3
PAGE_SECONDS = 8
FOLLOW_SECONDS = 16


@dataclass(frozen=True)
class Page:
    first: int  # 1-based
    last: int
    count: int
    items: tuple[object, ...]


def pick_page(items: Sequence[object], *, now: datetime, fresh_index: int | None = None) -> Page:
    """The page to show now: the one holding `fresh_index` if given, else by the clock."""
    count = len(items)
    pages = max(1, -(-count // PAGE_SIZE))
    if fresh_index is not None:
        number = fresh_index // PAGE_SIZE
    else:
        number = int(now.timestamp()) // PAGE_SECONDS % pages
    start = number * PAGE_SIZE
    chosen = tuple(items[start : start + PAGE_SIZE])
    return Page(first=start + 1, last=start + len(chosen), count=count, items=chosen)


def _fresh(agreements: Sequence[RoomAgreement], now: datetime) -> int | None:
    """The index of the agreement saved most recently, if that was within FOLLOW_SECONDS."""
    best = None
    for n, agreement in enumerate(agreements):
        changed = agreement.changed_at
        changed = changed if changed.tzinfo else changed.replace(tzinfo=UTC)
        age = (now - changed).total_seconds()
        if age <= FOLLOW_SECONDS and (best is None or changed > best[1]):
            best = (n, changed)
    return None if best is None else best[0]


def _t(key: str, lang: str, **params: object) -> str:
    return escape(translate(key, lang, **params))


def _agreement(item: RoomAgreement, lang: str, fresh: bool) -> str:
    who = escape(item.who) if item.who else _t("room.no_owner", lang)
    when = escape(format_day(item.due_on, lang)) if item.due_on else _t("room.no_date", lang)
    return (
        f'<li class="room-item{" room-fresh" if fresh else ""}"><p class="room-text">{escape(item.text)}</p>'
        f'<p class="room-who">{who} · {_t("room.when", lang)} {when}</p></li>'
    )


def _score(score: int | None, lang: str) -> str:
    return _t("room.score", lang, score=score) if score is not None else _t("room.no_score", lang)


def _decision(text: str) -> str:
    return f'<li class="room-item"><p class="room-text">{escape(text)}</p></li>'


def _section(title: str, page: Page, body: str, what: str, lang: str) -> str:
    paging = ""
    if page.count > PAGE_SIZE:
        label = _t("room.page", lang, what=what, first=page.first, last=page.last, count=page.count)
        paging = f'<p class="room-page">{label}</p>'
    none = f'<p class="room-none">{_t("room.none_yet", lang)}</p>'
    list_ = f'<ul class="room-list">{body}</ul>' if body else none
    return f'<div class="room-heading"><h2>{title}</h2>{paging}</div>{list_}'


def _agreements(title_key: str, agreements: Sequence[RoomAgreement], lang: str, now: datetime) -> str:
    fresh = _fresh(agreements, now)
    page = pick_page(agreements, now=now, fresh_index=fresh)
    fresh_item = agreements[fresh] if fresh is not None else None
    body = "".join(_agreement(a, lang, a is fresh_item) for a in page.items)  # type: ignore[arg-type]
    return _section(_t(title_key, lang), page, body, _t("room.agreements", lang), lang)


def _main(view: RoomView, lang: str, now: datetime) -> str:
    step = view.step
    if step == "status":
        return _agreements("room.earlier_agreements", view.earlier_agreements, lang, now)
    if step == "agreements":
        return _agreements("room.new_agreements", view.new_agreements, lang, now)
    if step == "decisions":
        page = pick_page(view.decisions, now=now)
        body = "".join(_decision(d) for d in page.items)  # type: ignore[arg-type]
        return _section(_t("room.decisions", lang), page, body, _t("room.decisions", lang), lang)
    if step == "close":
        # The read-back: what was agreed at this meeting, then what was decided.
        items: list[object] = [*view.new_agreements, *view.decisions]
        page = pick_page(items, now=now)
        body = "".join(_agreement(i, lang, False) if isinstance(i, RoomAgreement) else _decision(str(i))
                       for i in page.items)  # fmt: skip
        return _section(_t("room.readback", lang), page, body, _t("room.agreements", lang), lang)
    if step == "goals" or not (view.matters_most or view.dream):
        page = pick_page(view.goals, now=now)
        body = "".join(
            f'<li class="room-item"><p class="room-label">{_t("room.goal_number", lang, number=g.number)} · '
            f'{_score(g.score, lang)}</p><p class="room-text">{escape(g.words)}</p></li>'
            for g in page.items  # type: ignore[attr-defined]
        )
        return _section(_t("room.goals", lang), page, body, _t("room.goals", lang), lang)
    words = "".join(
        f'<li class="room-item room-words"><p class="room-label">{_t(f"room.{field}", lang)}</p>'
        f'<p class="room-text">{escape(text)}</p></li>'
        for field, text in (("matters_most", view.matters_most), ("dream", view.dream))
        if text
    )
    title = _t("room.own_words", lang, name=view.first_name)
    return f'<div class="room-heading"><h2>{title}</h2></div><ul class="room-list">{words}</ul>'


def room_html(view: RoomView, *, lang: str, now: datetime) -> str:
    """The whole room screen for this moment (the clock and the paging move with `now`)."""
    position = view.position
    where = _t("room.position", lang, number=position.index, count=position.count, title=position.title)
    clock = _t("room.clock", lang, elapsed=view.clock.elapsed_minutes(now), planned=view.clock.minutes)
    percent = view.clock.citizen_percent(now)
    share = (
        _t("room.share_none", lang)
        if percent is None
        else _t("room.share", lang, name=view.first_name, percent=percent)
    )
    return (
        f'<main class="room" lang="{escape(lang)}" data-step="{escape(view.step)}">'
        f'<div class="room-top"><h1 class="room-name">{escape(view.first_name)}</h1>'
        f'<p class="room-clock">{clock}</p></div>'
        f'<p class="room-where">{where}</p>'
        f'<section class="room-main">{_main(view, lang, now)}</section>'
        f'<p class="room-bottom">{share}</p></main>'
    )


def message_html(text: str, *, lang: str) -> str:
    """One sentence and nothing else (an ended or unknown link)."""
    return f'<main class="room" lang="{escape(lang)}"><p class="room-message">{escape(text)}</p></main>'
