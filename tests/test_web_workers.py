"""`heard web --workers 2`: several processes on one port, as a council's 2-core server runs.

gunicorn's master forks the workers after migrating once; each builds its own app and
database pool. Young people answering at once through it are each counted exactly once,
a worker killed mid-run is replaced without anyone noticing, and SIGTERM stops it cleanly
with no invite link in its log.
"""

from __future__ import annotations

import os
import re
import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from browser_support import issue_link
from conftest import make_settings
from reliability_support import (
    HeardProcess,
    WebPerson,
    WebProcess,
    free_port,
    heard_environment,
    wait_until,
)
from sqlalchemy import func, select

from heard.wiring import open_database
from storage import models
from storage.db import transaction

pytestmark = pytest.mark.slow
BOOTED = re.compile(r"Booting worker with pid: (\d+)")
PEOPLE = 8


def booted(web: HeardProcess) -> list[int]:
    return [int(found.group(1)) for line in web.lines if (found := BOOTED.search(line))]


def answers_health(url: str) -> bool:
    """True once a worker has built its app and answers /healthz. "Booting worker" is
    logged before the app is built; on a busy machine a first request can outlast a
    short client timeout while it is, so wait for the answer itself."""
    try:
        return httpx.get(f"{url}/healthz", timeout=30).status_code == 200
    except httpx.HTTPError:
        return False


def test_two_worker_processes_count_everyone_once_and_survive_a_lost_worker(
    database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path / "data", database_url)
    database = open_database(settings)
    tokens = [issue_link(database, "checkin-8-11") for _ in range(PEOPLE)]
    web = WebProcess(settings, tmp_path, workers=2)
    people = [WebPerson("", token) for token in tokens]
    try:
        web.start()
        wait_until(lambda: len(booted(web)) == 2, 60, "two workers booted")
        wait_until(lambda: answers_health(web.url), 90, "a worker answers /healthz")
        for person in people:
            person.url = web.url
        half = PEOPLE // 2
        with ThreadPoolExecutor(half) as pool:
            list(pool.map(WebPerson.complete, people[:half]))

        # A worker dies (OOM killer, kill -9): the master starts another in its place.
        os.kill(booted(web)[0], signal.SIGKILL)
        wait_until(lambda: len(booted(web)) == 3, 60, "a replacement worker booted")
        with ThreadPoolExecutor(half) as pool:
            list(pool.map(WebPerson.complete, people[half:]))
        health = httpx.get(f"{web.url}/healthz").json()
        assert web.stop() == 0, web.output[-3000:]
    finally:
        web.kill()
        for person in people:
            person.close()

    assert all("Thank you" in person.page for person in people)
    assert all(set(person.statuses) == {200} for person in people)
    with transaction(database.sessions) as session:
        answers = session.scalar(select(func.count(models.Answer.id)))
        completed = session.scalar(
            select(func.count()).where(models.SurveySession.state == "completed")
        )
    database.close()
    assert answers == sum(person.answered for person in people) == health["answers"]
    assert completed == PEOPLE
    assert not any(token in web.output for token in tokens)
    assert "Worker exiting" in web.output  # stopped by SIGTERM, not killed


def test_heard_run_serves_with_workers_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    """`heard run --workers 2`: the web (two processes) and the scheduler, stopped as
    systemd stops it, each child told to finish, exit 0."""
    settings = make_settings(tmp_path / "data", f"sqlite:///{tmp_path / 'run.sqlite3'}")
    port = free_port()
    run = HeardProcess(
        ["run", "--port", str(port), "--workers", "2"], heard_environment(settings), tmp_path
    )
    try:
        run.start()
        wait_until(lambda: len(booted(run)) == 2, 60, "two web workers booted")
        wait_until(lambda: answers_health(f"http://127.0.0.1:{port}"), 90, "/healthz answers")
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30)
        assert health.status_code == 200 and health.json()["ok"] is True
        assert run.stop() == 0, run.output[-3000:]
    finally:
        run.kill()
    assert "Heard is running: web, scheduler" in run.output
    assert "stopping the rest" not in run.output
