"""Only one scheduler leads: the advisory lock (PostgreSQL) or the lease row (SQLite)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from conftest import _postgres_schema_url, require_postgres

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


@pytest.mark.postgres
def test_two_deployments_in_one_postgres_database_each_have_a_leader() -> None:
    """Councils sharing a managed database, one schema each, must not share a leader."""
    base = require_postgres()
    schema = contextmanager(_postgres_schema_url)
    with schema(base) as one_url, schema(base) as other_url:
        one, one_again, other = (make_engine(u) for u in (one_url, one_url, other_url))
        try:
            first = LeaderLock(one, "council-a-1")
            second = LeaderLock(one_again, "council-a-2")
            elsewhere = LeaderLock(other, "council-b")
            assert first.try_acquire()
            assert not second.try_acquire()
            assert elsewhere.try_acquire()
            first.release()
            elsewhere.release()
            assert second.try_acquire()
            second.release()
        finally:
            for engine in (one, one_again, other):
                engine.dispose()
