"""/metrics and JSON logs: what a council's monitoring sees (issue 18, item 7)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import make_settings
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from heard.scheduling import SchedulerRunner
from heard.settings import Settings
from heard.wiring import Database, open_database
from storage.alerts import raise_alert, set_alert_status
from storage.db import transaction
from storage.job_runs import job_runs
from storage.models import Answer
from surveys.definition import load_catalogue
from surveys.engine import ConversationEngine
from surveys.people import People
from webforms.app import create_app
from webforms.config import WebConfig

TOKEN = "metrics-token-0123456789abcdef"


@pytest.fixture
def app(database: Database) -> Flask:
    config = WebConfig(secret_key="s" * 32, metrics_token=TOKEN)
    made = create_app(database.sessions, config, {})
    made.config["TESTING"] = True
    return made


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def scrape(app: Flask, **kwargs: object) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = app.test_client().get("/metrics", **kwargs)
    assert response.status_code == 200, response.status_code
    assert response.headers["Cache-Control"] == "no-store"
    return samples(response.get_data(as_text=True))


def test_counts_come_from_the_database_and_name_nobody(app: Flask, database: Database) -> None:
    empty = scrape(app)
    assert empty[("heard_answers_stored", ())] == 0
    assert empty[("heard_alerts_unacknowledged", (("level", "urgent"),))] == 0
    assert empty[("heard_alert_notices_pending", ())] == 0

    people = People(database.sessions, b"k" * 32)
    pseudonym = people.pseudonym("telegram", 42)
    people.set_profile(pseudonym, "telegram", cohort="care_leaver", age_band="16-25")
    engine = ConversationEngine(database.sessions, load_catalogue())
    engine.begin(pseudonym, channel="telegram", survey_id="pulse")
    for typed in ("yes", "no", "very happy"):
        engine.handle(pseudonym, text=typed)
    with transaction(database.sessions) as session:
        for level in ("urgent", "urgent", "concern"):
            alert = raise_alert(
                session,
                pseudonym=pseudonym,
                text="words nobody should see in metrics",
                category="self_harm_suicide",
                level=level,
                channel="telegram",
                cohort="care_leaver",
                age_band="16-25",
            )
        set_alert_status(session, alert, "acknowledged", by="lead@example.org")

    response = app.test_client().get("/metrics")
    text = response.get_data(as_text=True)
    found = samples(text)
    with transaction(database.sessions) as session:
        stored = session.scalar(select(func.count(Answer.id)))
    assert stored and found[("heard_answers_stored", ())] == stored
    assert found[("heard_alerts", (("level", "urgent"), ("status", "new")))] == 2
    assert found[("heard_alerts", (("level", "concern"), ("status", "acknowledged")))] == 1
    assert found[("heard_alerts_unacknowledged", (("level", "urgent"),))] == 2
    assert found[("heard_alerts_unacknowledged", (("level", "concern"),))] == 0
    assert found[("heard_alert_notices_pending", ())] == 3
    assert "words nobody" not in text and pseudonym not in text and pseudonym[:12] not in text


def test_requests_are_counted_by_area_never_by_path(app: Flask) -> None:
    client = app.test_client()
    secret_path = "/s/this-link-is-a-key-to-someones-answers"
    client.get(secret_path)
    client.get("/staff/alerts")
    found = scrape(app)
    assert found[("heard_http_requests_total", (("area", "public"), ("status", "4xx")))] >= 1
    assert ("heard_http_requests_total", (("area", "staff"), ("status", "3xx"))) in found
    assert "this-link-is-a-key" not in client.get("/metrics").get_data(as_text=True)


@pytest.mark.parametrize(
    ("headers", "remote", "allowed"),
    [
        ({}, "127.0.0.1", True),
        ({}, "::1", True),
        ({"X-Forwarded-For": "203.0.113.9"}, "127.0.0.1", False),  # through a local proxy
        ({"Forwarded": "for=203.0.113.9"}, "127.0.0.1", False),
        ({}, "10.0.0.5", False),
        ({"Authorization": f"Bearer {TOKEN}"}, "10.0.0.5", True),
        ({"Authorization": "Bearer wrong-token-0123456789"}, "10.0.0.5", False),
        ({"Authorization": TOKEN}, "10.0.0.5", False),
        ({"Authorization": f"Bearer {TOKEN}", "X-Forwarded-For": "1.2.3.4"}, "127.0.0.1", True),
    ],
)
def test_only_the_machine_itself_or_the_token_may_read_it(
    app: Flask, headers: dict[str, str], remote: str, allowed: bool
) -> None:
    response = app.test_client().get(
        "/metrics", headers=headers, environ_base={"REMOTE_ADDR": remote}
    )
    assert response.status_code == (200 if allowed else 404)


def test_each_scheduled_job_run_is_recorded(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", f"sqlite:///{tmp_path / 'h.sqlite3'}")
    database = open_database(settings)
    runner = SchedulerRunner(settings, database, poll_seconds=0.1)
    try:
        assert runner.step()
        assert runner.scheduler is not None
        runner.scheduler.modify_job("alert-notices", next_run_time=datetime.now(UTC))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with transaction(database.sessions) as session:
                rows = {
                    row.job_id: (row.runs, row.failures, row.last_ok_at)
                    for row in job_runs(session)
                }
            if rows.get("alert-notices", (0,))[0] >= 1:
                break
            time.sleep(0.1)
        runs, failures, last_ok = rows["alert-notices"]
        assert runs >= 1 and failures == 0
        assert last_ok is not None and datetime.now(UTC) - last_ok < timedelta(minutes=1)
        config = WebConfig(secret_key="s" * 32)
        found = scrape(create_app(database.sessions, config, {}))
        assert found[("heard_job_runs_total", (("job", "alert-notices"),))] >= 1
        assert found[("heard_job_failures_total", (("job", "alert-notices"),))] == 0
        stamp = found[("heard_job_last_success_timestamp_seconds", (("job", "alert-notices"),))]
        assert abs(stamp - last_ok.timestamp()) < 1
    finally:
        runner.close()
        database.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARD_")}
    env["HEARD_DATA_DIR"] = str(tmp_path / "data")
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "heard.cli", "web", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_with_two_workers_every_scrape_counts_both(two_workers: str) -> None:
    for _ in range(20):
        urllib.request.urlopen(two_workers + "/healthz", timeout=5).read()
    counts = []
    for _ in range(6):  # whichever worker answers, it reads both workers' counts
        text = urllib.request.urlopen(two_workers + "/metrics", timeout=5).read().decode()
        found = samples(text)
        counts.append(found[("heard_http_requests_total", (("area", "public"), ("status", "2xx")))])
    assert min(counts) >= 21  # the 20 and the first health check


def test_json_logs_are_one_object_a_line_and_still_hide_links(tmp_path: Path) -> None:
    script = (
        "import logging\n"
        "from heard.wiring import configure_logging\n"
        "from webforms.app import hide_links\n"
        "configure_logging('INFO', 'json')\n"
        "log = logging.getLogger('heard.web')\n"
        "hide_links(log)\n"
        "log.info('page %s served', '/s/abcdefghijklmnopqrstuvwxyz012345')\n"
        "try:\n    1 / 0\nexcept ZeroDivisionError:\n    log.exception('it broke')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [line["level"] for line in lines] == ["INFO", "ERROR"]
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    assert lines[0]["logger"] == "heard.web"
    assert "abcdefghijklmnopqrstuvwxyz012345" not in result.stderr
    assert "ZeroDivisionError" in lines[1]["exc_info"]
    assert datetime.fromisoformat(lines[0]["time"]).tzinfo is not None


def test_settings_refuse_an_unknown_log_format_and_a_short_token(tmp_path: Path) -> None:
    from heard.settings import SettingsError, load_settings

    base = {"HEARD_DATA_DIR": str(tmp_path)}
    with pytest.raises(SettingsError, match="HEARD_LOG_FORMAT must be text or json"):
        load_settings(environ={**base, "HEARD_LOG_FORMAT": "xml"}, env_file=None)
    with pytest.raises(SettingsError, match="HEARD_METRICS_TOKEN is too short"):
        load_settings(environ={**base, "HEARD_METRICS_TOKEN": "short"}, env_file=None)
    settings: Settings = load_settings(
        environ={**base, "HEARD_LOG_FORMAT": "JSON", "HEARD_METRICS_TOKEN": TOKEN}, env_file=None
    )
    assert settings.log_format == "json" and settings.metrics_token == TOKEN
