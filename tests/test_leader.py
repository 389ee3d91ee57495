"""Only one scheduler leads: the advisory lock (PostgreSQL) or the lease row (SQLite)."""

from __future__ import annotations

from heard.wiring import Database
from storage.db import make_engine
from storage.leader import LeaderLock


def test_one_leader_at_a_time_and_handover(database: Database, database_url: str) -> None:
    other_engine = make_engine(database_url)  # a second process would have its own engine
    first = LeaderLock(database.engine, "scheduler-a")
    second = LeaderLock(other_engine, "scheduler-b")
    assert first.try_acquire()
    assert not second.try_acquire()
    assert first.try_acquire()  # renewing is fine
    assert not second.try_acquire()
    first.release()
    assert second.try_acquire()
    assert not first.try_acquire()
    second.release()
    other_engine.dispose()
