"""Many users without browsers: a small client of Streamlit's own websocket protocol.

Why: with 30 Chromium contexts on the same two cores, the browsers use 64-89 % of the machine and
the benchmark measures them, not the server (README, issue 16). This client does what a browser
tab does on the wire and nothing else: it opens `/_stcore/stream`, sends the same `rerun_script`
messages a page sends (the page to run, the query string, the widget values the user set, a
button's trigger) and reads Streamlit's answers (`ForwardMsg`) until the run's "script finished".
It never renders, so one process can play 30 users and the figure is the server's: the time
from the request leaving to the "finished" message arriving, as the browser benchmark's
`to_request_ms + server_side_ms` minus the click. It is not what a user feels (no rendering);
bench/browser.py measures that for one user.

Widgets are found the way a test would find them: by the key in their id (`$$ID-<hash>-<key>`)
or by their label. The values this user set stay set and are sent with every later run while the
widget is on the page, as Streamlit's frontend does; buttons are triggers, sent once.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX

_EARLY = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")
_TEXT_FIELDS = ("body", "label", "text", "value")


@dataclass(frozen=True)
class Element:
    kind: str  # the Element oneof: "text_input", "button", "dataframe", "heading", ...
    id: str  # a widget's id ("" for an element that is not a widget)
    text: str  # what it says: a heading's or markdown's body, a widget's label, an alert's body
    data: str = ""  # a component's data (st.components.v2: its JSON, e.g. ui/row_list.py's rows)
    fragment: str = ""  # the fragment (a part of a page, ui/fragments.py) that drew it, "" if none


@dataclass
class Run:
    """One interaction: request -> the last run it caused has finished (st.rerun counts in)."""

    ms: float
    elements: list[Element]
    runs: int
    exception: bool

    def texts(self) -> str:
        return "\n".join(e.text for e in self.elements)

    def widget(self, key: str, kind: str | None = None) -> Element | None:
        """The first widget on the page whose user key is `key` (or starts with it, `key*`)."""
        prefix = key.endswith("*")
        wanted = key.rstrip("*")
        for element in self.elements:
            own = element.id.split("-", 2)[-1] if element.id.startswith("$$ID-") else ""
            matches = own.startswith(wanted) if prefix else own == wanted
            if matches and (kind is None or element.kind == kind):
                return element
        return None


def event_trigger(element: Element, event: str, value: Any) -> WidgetState:  # noqa: ANN401
    """A component's event (st.components.v2) as its script's setTriggerValue sends it: a trigger
    on the component's events widget. For Client.send_event, and for requests sent together."""
    return WidgetState(id=f"{STREAMLIT_INTERNAL_KEY_PREFIX}_{element.id}__events",
                       json_trigger_value=json.dumps([{"event": event, "value": value}]))  # fmt: skip


def _element(message: Any, fragment: str = "") -> Element:
    kind = message.WhichOneof("type") or ""
    inner = getattr(message, kind) if kind else None
    element_id, text = "", ""
    if inner is not None:
        names = {f.name for f in inner.DESCRIPTOR.fields}
        element_id = inner.id if "id" in names else ""
        text = next((str(getattr(inner, n)) for n in _TEXT_FIELDS if n in names and getattr(inner, n)), "")
    data = inner.json if kind == "bidi_component" else ""
    return Element(kind, element_id, text, data, fragment)


@dataclass
class Client:
    """One user's browser tab, on the wire only."""

    base_url: str  # http://127.0.0.1:PORT/
    timeout: float = 30.0
    pages: dict[str, str] = field(default_factory=dict)  # a page's title and its url path -> its hash
    page_hash: str = ""
    query_string: str = ""
    values: dict[str, WidgetState] = field(default_factory=dict)  # what this user set, by widget id
    auto_reruns: dict[str, float] = field(default_factory=dict)  # fragment id -> seconds (run_every)
    last: Run | None = None
    _socket: Any = None

    async def open(self, query_string: str = "") -> Run:
        """Open the tab: connect and run the start page (what a page load does)."""
        address = self.base_url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self._socket = await websockets.connect(address, subprotocols=["streamlit"], max_size=None,
                                                open_timeout=self.timeout)  # fmt: skip
        self.query_string = query_string
        return await self.rerun()

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()

    async def navigate(self, title: str) -> Run:
        """Sidebar navigation to the page with this title (or url path): its own hash, no widget
        values carried over. The start page's url path is "", so titles are the safe way in."""
        self.page_hash = self.pages[title]
        self.values.clear()
        return await self.rerun()

    async def set(self, element: Element, **value: Any) -> Run:
        """Set a widget's value (e.g. string_value="x") and run, as a change on the page does."""
        state = WidgetState(id=element.id, **value)
        self.values[element.id] = state
        return await self.rerun()

    async def press(self, element: Element, *, also: tuple[tuple[Element, dict[str, Any]], ...] = ()) -> Run:
        """Press a button (a form's submit sends the form's fields with it, in `also`)."""
        for other, value in also:
            self.values[other.id] = WidgetState(id=other.id, **value)
        return await self.rerun(trigger=WidgetState(id=element.id, trigger_value=True))

    async def send_event(self, element: Element, event: str, value: Any) -> Run:
        """A component's event (st.components.v2), as its script's setTriggerValue sends it: a
        trigger on the component's events widget (e.g. ui/row_list.py's "chosen" with a row's id)."""
        return await self.rerun(trigger=event_trigger(element, event, value))

    async def poll(self, fragment_id: str) -> Run:
        """What the frontend does when a fragment's run_every timer fires: rerun that fragment."""
        return await self.rerun(fragment_id=fragment_id)

    async def rerun(self, *, trigger: WidgetState | None = None, fragment_id: str = "") -> Run:
        began = time.perf_counter()
        await self._socket.send(self._request(trigger, fragment_id).SerializeToString())
        run = await asyncio.wait_for(self._receive(began), self.timeout)
        if not fragment_id:  # a fragment's run draws only the fragment: the rest stays on the page
            on_page = {e.id for e in run.elements if e.id}
            self.values = {wid: s for wid, s in self.values.items() if wid in on_page}
        self.last = run
        return run

    async def together(self, *clicks: tuple[WidgetState | None, str]) -> Run:
        """Send several requests at once, as quick clicks do: each (trigger, fragment id or "").

        A request for a fragment does not stop a run in progress; it waits for it. So the run that
        answers is not always the next one to finish: wait until every request was taken by a run
        that started after it (a full run takes all, a fragment's run those for its fragment) and
        a run finished after that (the rule of tests/e2e/conftest.py's RUN_TRACKER)."""
        began = time.perf_counter()
        for trigger, fragment_id in clicks:
            await self._socket.send(self._request(trigger, fragment_id).SerializeToString())
        waiting = [fragment_id for _, fragment_id in clicks]
        run = await asyncio.wait_for(self._receive(began, waiting=waiting), self.timeout)
        self.last = run
        return run

    def _request(self, trigger: WidgetState | None, fragment_id: str) -> BackMsg:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_hash
        if fragment_id:
            state.fragment_id = fragment_id
            state.is_auto_rerun = trigger is None  # a timer's rerun (poll), not a click
        state.widget_states.widgets.extend(self.values.values())
        if trigger is not None:
            state.widget_states.widgets.append(trigger)
        return message

    async def _receive(self, began: float, *, waiting: list[str] | None = None) -> Run:
        """Read until the run asked for has finished; with `waiting` (the fragment ids, "" for
        the whole app, of requests sent together), until every one was taken and a run after."""
        elements: list[Element] = []
        runs, exception = 0, False
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await self._socket.recv())
            kind = forward.WhichOneof("type")
            if kind == "new_session" and waiting is not None:
                ran = list(forward.metadata.run.fragment_ids)
                waiting = [f for f in waiting if f == "" or f not in ran] if ran else []
            if kind == "navigation":  # the pages this user has now (they change at login)
                self.pages = {}
                for page in forward.navigation.app_pages:
                    self.pages[page.url_pathname] = self.pages[page.page_name] = page.page_script_hash
                self.page_hash = forward.navigation.page_script_hash or self.page_hash
            elif kind == "new_session":
                elements = []
            elif kind == "auto_rerun":
                self.auto_reruns[forward.auto_rerun.fragment_id] = forward.auto_rerun.interval
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = _element(forward.delta.new_element, forward.delta.fragment_id)
                exception = exception or element.kind == "exception"
                elements.append(element)
            elif kind == "script_finished":
                runs += 1
                if forward.script_finished == _EARLY:  # st.rerun(): the next run follows
                    elements, exception = [], False
                    continue
                if waiting:  # a request still waits for its run: this finish answered another
                    continue
                return Run((time.perf_counter() - began) * 1000, elements, runs, exception)
