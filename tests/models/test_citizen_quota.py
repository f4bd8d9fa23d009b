"""A link writes at most 30 times an hour (issue 20), counted atomically in the database: a
burst of 100 parallel writes saves exactly 30, and nothing of those 30 is lost."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from models import citizen_input as ci
from models.citizen_quota import WRITES_PER_HOUR
from models.db import session_scope
from models.errors import UserError
from models.tables import CitizenLink, CitizenMessage, utcnow
from tests.models.citizen_fixtures import make_voice, open_link

THREADS = 100


@pytest.fixture
def voice(db_url):
    return make_voice()


def send(link_id: int, text: str) -> None:
    with session_scope(write=True) as s:
        ci.send_message(session=s, link_id=link_id, text=text)


def test_a_burst_of_100_parallel_writes_saves_exactly_30(voice):
    link = open_link(voice.token)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def worker(number: int) -> None:
        start.wait()
        try:
            send(link, f"besked {number}")
            outcome = "saved"
        except UserError as error:
            outcome = error.key
        except Exception as error:  # noqa: BLE001 - any other failure is counted and fails the test
            outcome = f"error: {type(error).__name__}"
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == {"saved": WRITES_PER_HOUR, "citizen_link.too_many_writes": THREADS - WRITES_PER_HOUR}
    with session_scope() as s:
        saved = s.exec(select(CitizenMessage.text)).all()
        assert s.get(CitizenLink, link).window_writes == WRITES_PER_HOUR
    assert len(saved) == WRITES_PER_HOUR == len(set(saved))


def test_the_first_writes_are_kept_the_31st_is_refused_and_another_link_is_not_affected(voice):
    link = open_link(voice.token)
    for n in range(WRITES_PER_HOUR):
        send(link, f"besked {n}")
    with pytest.raises(UserError) as refused:
        send(link, "en for meget")
    assert "sidste time" in refused.value.message("da")
    with session_scope() as s:
        assert s.exec(select(CitizenMessage.text).order_by(CitizenMessage.id)).all() == [
            f"besked {n}" for n in range(WRITES_PER_HOUR)
        ]
    send(open_link(voice.other_token), "Annas besked")  # another citizen's link has its own hour


def test_a_refused_write_does_not_count_and_a_new_hour_starts_again(voice):
    link = open_link(voice.token)
    with pytest.raises(UserError):
        send(link, "x" * 501)  # too long: nothing saved, nothing counted
    with session_scope() as s:
        assert s.get(CitizenLink, link).window_writes == 0
    for n in range(WRITES_PER_HOUR):
        send(link, f"besked {n}")
    with session_scope(write=True) as s:  # the hour is over
        s.execute(update(CitizenLink).where(CitizenLink.id == link)
                  .values(window_started_at=utcnow() - timedelta(hours=1, seconds=1)))  # fmt: skip
    send(link, "en ny time")
    with session_scope() as s:
        assert s.get(CitizenLink, link).window_writes == 1
