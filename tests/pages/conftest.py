"""AppTest fixtures: the real app.py on the test's own database, logged in as a real user.

    def test_plan(open_page, ditte):
        at = open_page("pages/plan.py", user=ditte.staff_user, citizen_id=ditte.citizen.id)
        assert not at.exception

The login goes through models.users (a real server-side login session), exactly as the login
page does it; the page is reached through app.py's st.navigation, as a user reaches it.

An AppTest fact (streamlit 1.67): with st.navigation only the first run() executes app.py;
later runs (clicks, switch_page) execute the page script alone. So what app.py decides per run
(the login gate, the sidebar) is checked on a fresh AppTest: open_page(token=...).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from sqlmodel import select
from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX
from streamlit.testing.v1 import AppTest

from models.access import Actor
from models.db import session_scope
from models.tables import Action, Citizen, Person, UserAccount
from models.users import start_login_session
from tests.factories import (
    make_action,
    make_consent,
    make_goal,
    make_meeting,
    make_membership,
    make_person,
    make_user,
)

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 30


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def login_token(user: UserAccount) -> str:
    with session_scope(write=True) as session:
        return start_login_session(session=session, actor=Actor.from_user(user))


@pytest.fixture
def open_page(db_url: str) -> Callable[..., AppTest]:
    """Run app.py, logged in as `user` (or logged out), with `citizen_id` chosen, on `page`."""

    def _open(
        page: str | None = None,
        *,
        user: UserAccount | None = None,
        token: str | None = None,
        citizen_id: int | None = None,
        lang: str | None = None,
    ) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        if user is not None:
            token = login_token(user)
        if token is not None:
            at.session_state["login_token"] = token
        if citizen_id is not None:
            at.session_state["citizen_id"] = citizen_id
        if lang is not None:
            at.session_state["lang"] = lang
        at.run()
        if page is not None:
            at.switch_page(str(ROOT / page)).run()
        return at

    return _open


@dataclass
class Team:
    citizen: Citizen
    admin: UserAccount
    staff_user: UserAccount  # on the citizen's team
    outsider: UserAccount  # staff, not on the team
    coordinator: Person


@pytest.fixture
def ditte(db_url: str) -> Team:
    """A citizen with a team, consent, a goal with a score, agreements and a coming meeting."""
    with session_scope(write=True) as s:
        from tests.factories import make_citizen, make_score

        admin = make_user(s, username="admin", full_name="Anne Admin", role="admin")
        staff = make_user(s, username="rasmus", full_name="Rasmus Holm")
        outsider = make_user(s, username="olga", full_name="Olga Udenfor")
        citizen = make_citizen(s, name="Ditte Mikkelsen")
        coordinator = make_person(
            s, citizen=citizen, name="Rasmus Holm", department="Jobcenter",
            title="koordinerende sagsbehandler", user=staff, is_coordinator=True, phone="12345678",
        )
        mother = make_person(s, citizen=citizen, name="Lone Mikkelsen", kind="private", relation="mor")
        citizen.contact_person_id = coordinator.id
        s.add(citizen)
        make_membership(s, citizen=citizen, user=staff, person=coordinator)
        make_consent(s, citizen=citizen)
        held = make_meeting(s, citizen=citizen, status="held", decisions=("Ditte får en mentor.",),
                            participants=(coordinator, mother), leader=coordinator)
        goal = make_goal(s, citizen=citizen, own_words="Jeg vil gerne i praktik i en børnehave 🌱")
        make_score(s, goal=goal, meeting=held, score=4)
        make_action(s, citizen=citizen, goal=goal, owner=coordinator, agreed_at=held)
        make_action(s, citizen=citizen, goal=goal, owner_is_citizen=True, agreed_at=held,
                    text="Ringe til børnehaven Solsikken.")
        make_meeting(s, citizen=citizen, status="planned", participants=(coordinator, mother),
                     preparation={"matters_most": "At komme ud af huset hver dag."})
    return Team(citizen=citizen, admin=admin, staff_user=staff, outsider=outsider, coordinator=coordinator)


def _html_blocks(at: AppTest, css_class: str) -> list:
    """The page's st.html elements whose outer element has `css_class`, parsed as the browser reads them."""
    from lxml import html as lxml_html

    return [lxml_html.fromstring(e.value) for e in at.get("html") if f'class="{css_class}"' in e.value]


def node_lines(node: object) -> list[tuple[str | None, str]]:
    """The lines one element shows as a text block (ui/text_block.py), or above or under a row of
    buttons (ui/action_row.py), as the browser reads them: (kind, text with the escaping undone);
    a kind is None for a class no kind has. Any other element shows none."""
    from lxml import html as lxml_html

    from ui.text_block import KINDS

    kinds = {css: name for name, (_tag, css) in KINDS.items()}
    kind_of = getattr(node, "type", None)
    if kind_of == "html" and 'class="sp-lines"' in node.value:  # type: ignore[attr-defined]
        block = lxml_html.fromstring(node.value)  # type: ignore[attr-defined]
        return [(kinds.get(line.get("class")), line.text_content()) for line in block.iter("p", "h2", "h3")]
    if kind_of == "bidi_component" and node.proto.component_name == "samplan_actions":  # type: ignore[attr-defined]
        return [(kinds.get(line["css"]), line["text"]) for line in json.loads(node.proto.json)["lines"]]  # type: ignore[attr-defined]
    return []


def block_lines(at: AppTest, kind: str | None = None) -> list[str]:
    """Every line of the page's text blocks, in the page's order (node_lines); `kind` ("heading",
    "caption", "words", ...) keeps only those."""
    lines = [line for node in at._tree for line in node_lines(node)]  # noqa: SLF001 - every element, in order
    return [text for name, text in lines if kind is None or name == kind]


def shown_texts(at: AppTest) -> list[str]:
    """Every piece of verbatim text the page shows: its st.text elements, then its text blocks' lines."""
    return [element.value for element in at.text] + block_lines(at)


def current_step(at: AppTest) -> str | None:
    """The agenda item Mødet's row of steps (ui/choice_group.py, look="steps") shows as the current one."""
    steps = choice_groups(at).get("meet-steps")
    return steps.options[steps.chosen] if steps is not None and steps.chosen is not None else None


def text_tables(at: AppTest) -> list[pd.DataFrame]:
    """Every small table the page shows (ui/text_table.py), in order, as the browser reads its HTML:
    headings as columns, every cell its text (an empty cell is "")."""
    read = {"flavor": "lxml", "keep_default_na": False, "thousands": None}
    return [
        frame.astype(str)
        for html in at.get("html")
        if 'class="sp-table"' in html.value
        for frame in pd.read_html(StringIO(html.value), **read)  # one element may hold several (TextRun)
    ]


@dataclass(frozen=True)
class ListRow:
    """One row of a list drawn by ui/row_list.py, as the browser gets it."""

    id: int
    cells: tuple[str, ...]  # the row's words: its button's first, then the other columns'
    chosen: bool  # drawn pressed

    @property
    def label(self) -> str:
        return self.cells[0]


def row_lists(at: AppTest) -> dict[str, tuple[str, list[ListRow]]]:
    """Every list of ui/row_list.py on the page by its key: (the list's name, its rows in order)."""
    found: dict[str, tuple[str, list[ListRow]]] = {}
    for element in at.get("bidi_component"):
        proto = element.proto  # type: ignore[attr-defined]
        if proto.component_name != "samplan_rows":
            continue
        data = json.loads(proto.json)
        key = proto.id.split("-", 2)[2]  # "$$ID-<hash>-<key>"
        found[key] = (data["label"], [ListRow(r["id"], tuple(r["cells"]), r["chosen"]) for r in data["rows"]])
    return found


def _component_element(at: AppTest, key: str):  # noqa: ANN202 - AppTest's UnknownElement
    """The ui/row_list.py (or ui/choice_group.py) element with this key (its id ends "-<key>")."""
    return next(e for e in at.get("bidi_component") if e.proto.id.endswith(f"-{key}"))  # type: ignore[attr-defined]


def row_table(at: AppTest, key: str) -> pd.DataFrame:
    """A ui/row_list.py table as the browser gets it: its column headings and every row's words."""
    data = json.loads(_component_element(at, key).proto.json)
    return pd.DataFrame([row["cells"] for row in data["rows"]], columns=data["columns"],
                        index=[row["id"] for row in data["rows"]])  # fmt: skip


def _send_event(at: AppTest, key: str, event: str, value: object) -> AppTest:
    """An event of the component with this key (ui/row_list.py, ui/choice_group.py,
    ui/action_row.py) as the browser sends it, then the rerun."""
    element = _component_element(at, key)
    states = at._tree.get_widget_states()  # noqa: SLF001 - AppTest has no call for a component's event
    trigger = states.widgets.add()
    trigger.id = f"{STREAMLIT_INTERNAL_KEY_PREFIX}_{element.proto.id}__events"
    trigger.json_trigger_value = json.dumps([{"event": event, "value": value}])
    return at._run(states)  # noqa: SLF001


def choose_in_list(at: AppTest, key: str, row_id: object) -> AppTest:
    """A click on a row of a ui/row_list.py list: the row's id (any id: the server must check it)."""
    return _send_event(at, key, "chosen", row_id)


@dataclass(frozen=True)
class ChoiceGroup:
    """A group of radio buttons drawn by ui/choice_group.py, as the browser gets it."""

    label: str  # its legend
    options: tuple[str, ...]  # each option's words, in order
    chosen: int | None  # the position checked


def choice_groups(at: AppTest) -> dict[str, ChoiceGroup]:
    """Every ui/choice_group.py group on the page by its key."""
    found: dict[str, ChoiceGroup] = {}
    for element in at.get("bidi_component"):
        proto = element.proto  # type: ignore[attr-defined]
        if proto.component_name != "samplan_choices":
            continue
        data = json.loads(proto.json)
        found[proto.id.split("-", 2)[2]] = ChoiceGroup(data["label"], tuple(data["options"]), data["chosen"])
    return found


def choose_in_group(at: AppTest, key: str, position: object) -> AppTest:
    """A choice in a ui/choice_group.py group, as the browser sends it: the component's `chosen`
    event with the option's position (any value: the server must check it), then the rerun."""
    return _send_event(at, key, "chosen", position)


@dataclass(frozen=True)
class Shown:
    """One button (or link) of a row drawn by ui/action_row.py, as the browser gets it."""

    text: str
    href: str | None
    primary: bool
    pressed: bool | None
    expanded: bool | None
    disabled: bool


def action_rows(at: AppTest) -> dict[str, list[Shown]]:
    """Every ui/action_row.py row on the page by its key: its buttons and links in order."""
    found: dict[str, list[Shown]] = {}
    for element in at.get("bidi_component"):
        proto = element.proto  # type: ignore[attr-defined]
        if proto.component_name != "samplan_actions":
            continue
        data = json.loads(proto.json)
        found[proto.id.split("-", 2)[2]] = [
            Shown(a["text"], a["href"], a["primary"], a["pressed"], a["expanded"], a["disabled"])
            for group in data["groups"]
            for a in group["actions"]
        ]
    return found


def press(at: AppTest, key: str, text: str) -> AppTest:
    """A press on the button with these words in the ui/action_row.py row keyed `key`, as the
    browser sends it (the button's position), then the rerun."""
    return press_at(at, key, [a.text for a in action_rows(at)[key]].index(text))


def press_at(at: AppTest, key: str, position: object) -> AppTest:
    """A press at `position` in the ui/action_row.py row keyed `key` (any value, as a forged
    message could send: the server must check it), then the rerun."""
    return _send_event(at, key, "clicked", position)


def agreement_rows(at: AppTest) -> dict[str, list[ListRow]]:
    """Opfølgning's lists in "Mine opgaver" by bucket ("overdue", ...): each row, in order."""
    return {key.removeprefix("fu-rows-"): rows for key, (_, rows) in row_lists(at).items()
            if key.startswith("fu-rows-")}  # fmt: skip


def row_ids(at: AppTest, bucket: str) -> list[int]:
    return [row.id for row in agreement_rows(at).get(bucket, [])]


def table_rows(at: AppTest, bucket: str) -> list[str]:
    """The agreements' texts in a bucket's list, in order (each row says more: see row_label)."""
    ids = row_ids(at, bucket)
    with session_scope() as session:
        texts = {a.id: a.text for a in session.exec(select(Action).where(Action.id.in_(ids)))}  # type: ignore[union-attr]
    return [texts[i] for i in ids]


def chosen_rows(at: AppTest) -> list[int]:
    """The agreements whose row is shown chosen (pressed)."""
    return [row.id for rows in agreement_rows(at).values() for row in rows if row.chosen]


def choose_agreement(at: AppTest, action: Action) -> AppTest:
    """A click on the agreement's row: its card with the actions opens (a second click closes it)."""
    bucket = next(name for name, rows in agreement_rows(at).items() if action.id in {r.id for r in rows})
    return choose_in_list(at, f"fu-rows-{bucket}", action.id)
