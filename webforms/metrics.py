"""GET /metrics: what a council's monitoring (Prometheus) needs to see Heard is working.

Counts come from the database when scraped, so every web process, the bot and the
scheduler are seen alike and a restart loses nothing: answers stored, alerts by level
and status (unacknowledged ones are what a lead must act on), alert notices not yet
sent, texts and emails by state, reminders sent by the bot, and each scheduled job's
runs, failures and last success. Requests are counted in the process that served them
(by area and status class only: a path can carry a survey link, which is a key); with
`heard web --workers N` the processes share one count through prometheus_client's
multiprocess mode.

Nothing here names or counts a person. It is open only to the machine itself (a request
from 127.0.0.1 or ::1 that no proxy forwarded) or with `Authorization: Bearer
<HEARD_METRICS_TOKEN>`; anyone else gets 404, as if there were no such page.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from storage.db import transaction
from storage.job_runs import job_runs
from storage.models import (
    Answer,
    Respondent,
    SafeguardingAlert,
    WebContactDelivery,
)

metrics_blueprint = Blueprint("metrics", __name__)
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
_LOOPBACK = frozenset({"127.0.0.1", "::1"})
_FORWARDED = ("X-Forwarded-For", "Forwarded", "X-Real-IP")

REQUESTS = Counter(
    "heard_http_requests",
    "Web requests answered, by area of the site and status class",
    ["area", "status"],
    registry=None,  # added to each scrape's registry (or read from the multiprocess files)
)


def _area(path: str) -> str:
    for prefix, area in (("/staff", "staff"), ("/api", "api"), ("/static", "static")):
        if path.startswith(prefix):
            return area
    return "metrics" if path == "/metrics" else "public"


@metrics_blueprint.after_app_request
def _count(response: Response) -> Response:
    REQUESTS.labels(_area(request.path), f"{response.status_code // 100}xx").inc()
    return response


@metrics_blueprint.get("/metrics")
def metrics() -> Response:
    if not _allowed():
        abort(404)
    registry = CollectorRegistry(auto_describe=True)
    if os.environ.get(MULTIPROCESS_DIR):
        MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
    registry.register(DatabaseCollector(current_app.extensions["heard.sessions"]))
    response = Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def _allowed() -> bool:
    token: str | None = getattr(current_app.extensions["heard.config"], "metrics_token", None)
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    # Behind a proxy on the same machine every request comes from 127.0.0.1: only one
    # that no proxy forwarded is the machine itself asking.
    return request.remote_addr in _LOOPBACK and not any(h in request.headers for h in _FORWARDED)


class DatabaseCollector(Collector):
    """Read at each scrape: what every process of Heard has stored."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        with transaction(self.sessions) as session:
            yield from self._answers_and_alerts(session)
            yield from self._messages(session)
            yield from self._jobs(session)

    @staticmethod
    def _answers_and_alerts(session: Session) -> Iterator[GaugeMetricFamily]:
        answers = GaugeMetricFamily("heard_answers_stored", "Answers held (erasure lowers it)")
        answers.add_metric([], session.scalar(select(func.count(Answer.id))) or 0)
        yield answers
        alerts = GaugeMetricFamily(
            "heard_alerts",
            "Safeguarding alerts held, by level and status",
            labels=["level", "status"],
        )
        unacknowledged = GaugeMetricFamily(
            "heard_alerts_unacknowledged",
            "Alerts nobody has acknowledged yet, by level",
            labels=["level"],
        )
        waiting = {"urgent": 0, "concern": 0}
        query = select(SafeguardingAlert.level, SafeguardingAlert.status, func.count())
        for level, status, count in session.execute(query.group_by("level", "status")):
            alerts.add_metric([level, status], count)
            if status == "new":
                waiting[level] = waiting.get(level, 0) + count
        for level, count in sorted(waiting.items()):
            unacknowledged.add_metric([level], count)
        yield alerts
        yield unacknowledged
        pending = GaugeMetricFamily(
            "heard_alert_notices_pending", "Alerts whose notice has not been sent yet"
        )
        pending.add_metric(
            [],
            session.scalar(
                select(func.count(SafeguardingAlert.id)).where(
                    SafeguardingAlert.notified_at.is_(None)
                )
            )
            or 0,
        )
        yield pending

    @staticmethod
    def _messages(session: Session) -> Iterator[GaugeMetricFamily]:
        texts = GaugeMetricFamily(
            "heard_web_messages",
            "Texts and emails through GOV.UK Notify, by kind and state",
            labels=["kind", "state"],
        )
        query = select(WebContactDelivery.kind, WebContactDelivery.state, func.count())
        for kind, state, count in session.execute(query.group_by("kind", "state")):
            texts.add_metric([kind, state], count)
        yield texts
        reminded = GaugeMetricFamily(
            "heard_bot_reminded_people",
            "People the bot has sent at least one reminder to",
        )
        reminded.add_metric(
            [],
            session.scalar(
                select(func.count(Respondent.id)).where(Respondent.last_reminded_at.is_not(None))
            )
            or 0,
        )
        yield reminded

    @staticmethod
    def _jobs(session: Session) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        runs = CounterMetricFamily("heard_job_runs", "Scheduled job runs", labels=["job"])
        failures = CounterMetricFamily(
            "heard_job_failures", "Scheduled job runs that failed", labels=["job"]
        )
        last_ok = GaugeMetricFamily(
            "heard_job_last_success_timestamp_seconds",
            "When each scheduled job last finished without an error (Unix time)",
            labels=["job"],
        )
        for row in job_runs(session):
            runs.add_metric([row.job_id], row.runs)
            failures.add_metric([row.job_id], row.failures)
            if row.last_ok_at is not None:
                last_ok.add_metric([row.job_id], row.last_ok_at.timestamp())
        yield runs
        yield failures
        yield last_ok
