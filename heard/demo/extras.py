"""The rest of the demo council: alerts in every state, "you said, we did" posts, care
leavers' questions to the local offer and stored reports, so that every staff screen
shows what it is for. Invented content from extras.yaml; added once, beside the answers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.periods import Period, parse_period
from heard.notice_wiring import current_routes
from heard.settings import Settings
from heard.wiring import Database
from localoffer.catalogue import load_offer
from localoffer.search import OfferSearch
from notices.routes import RouteBook
from storage.alert_history import line as history_line
from storage.alerts import add_history, assign_alert, raise_alert, set_alert_status
from storage.datafiles import DataFileError, load_yaml, require_mapping
from storage.db import transaction
from storage.models import (
    ALERT_STATUSES,
    Respondent,
    SafeguardingAlert,
    StaffUser,
    YouSaidPost,
)
from storage.offer_queries import record_offer_query
from storage.you_said import add_post

EXTRAS_FILE = Path(__file__).with_name("extras.yaml")
_ALERT_KEYS = {"text", "category", "level", "status", "channel", "cohort", "age_band", "days_ago"}


@dataclass(frozen=True)
class ExtrasAdded:
    alerts: int
    posts: int
    questions: int
    reports: list[str]


def add_demo_extras(
    database: Database,
    settings: Settings,
    *,
    last_month: date,
    seed: int,
    staff_emails: dict[str, str],
    path: Path = EXTRAS_FILE,
) -> ExtrasAdded | None:
    """Add the extras unless alerts are already there (a demo built before); None then."""
    content = require_mapping(path, load_yaml(path), "the demo's extras")
    end = _month_end(last_month)
    rng = random.Random(seed)
    with transaction(database.sessions) as session:
        if session.scalar(select(func.count(SafeguardingAlert.id))):
            return None
        staff = {
            role: session.scalar(select(StaffUser).where(StaffUser.email == email))
            for role, email in staff_emails.items()
        }
        alerts = _alerts(
            session,
            path,
            content.get("alerts") or [],
            end,
            rng,
            staff,
            settings.timezone,
            current_routes(settings),
        )
        posts = _posts(session, content.get("you_said") or [], end, staff_emails)
        questions = _questions(session, content.get("offer_questions") or [], end, rng)
    reports = _reports(database, settings, last_month)
    return ExtrasAdded(alerts, posts, questions, reports)


def _month_end(month: date) -> datetime:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return datetime.combine(following, time(), tzinfo=UTC) - timedelta(hours=6)


def _alerts(
    session: Session,
    path: Path,
    items: list[dict[str, Any]],
    end: datetime,
    rng: random.Random,
    staff: dict[str, StaffUser | None],
    timezone: str,
    routes: RouteBook,
) -> int:
    """The alerts and their histories, each line stamped in the council's `timezone` as
    real history lines are (storage.alert_history.stamp)."""
    for number, item in enumerate(items, start=1):
        missing = _ALERT_KEYS - set(item)
        if missing or item["status"] not in ALERT_STATUSES:
            raise DataFileError(
                path,
                f"missing {', '.join(sorted(missing))}" if missing else "unknown status",
                item=f"alerts[{number}]",
                fix=f"give {', '.join(sorted(_ALERT_KEYS))}; status one of "
                f"{', '.join(ALERT_STATUSES)}",
            )
        when = end - timedelta(days=int(item["days_ago"]), hours=rng.randint(1, 9))
        alert = raise_alert(
            session,
            pseudonym=_someone(session, item["cohort"], item["age_band"], rng),
            text=str(item["text"]),
            category=str(item["category"]),
            level=str(item["level"]),
            channel=str(item["channel"]),
            cohort=str(item["cohort"]),
            age_band=str(item["age_band"]),
            lexicon_version="demo",
            detected_by=str(item.get("detected_by") or "lexicon: demo"),
            when=when,
        )
        # Routed and announced as the sweep would have done, so the page's route and its
        # "Sent by email on ..." agree (the demo's own settings may send to nobody now).
        alert.route = routes.route_for(alert.category, alert.level).key
        alert.notified_at = when + timedelta(seconds=20)
        alert.notice_sent_by = "email"
        assignee = staff.get(str(item.get("assign_to") or ""))
        if assignee is not None:
            assign_alert(session, alert, assignee, note=None)
        for step, line in enumerate(item.get("history") or [], start=1):
            moment = when + timedelta(minutes=25 * step)
            who, _, said = str(line).partition(" · ")
            status, _, words = said.partition(": ")
            by = staff.get(who) or assignee or staff.get("safeguarding")
            by_email = by.email if by is not None else who
            if status in ALERT_STATUSES:
                set_alert_status(session, alert, status, by=by_email, when=moment)
            add_history(session, alert, history_line(moment, timezone, by_email, status, words))
        if alert.status != item["status"]:
            set_alert_status(session, alert, str(item["status"]), by="demo", when=when)
    return len(items)


def _someone(session: Session, cohort: str, age_band: str, rng: random.Random) -> str:
    """A demo person of that cohort and age band, so their other alerts can be found."""
    query = (
        select(Respondent.pseudonym)
        .where(Respondent.cohort == cohort, Respondent.age_band == age_band)
        .order_by(Respondent.id)
        .limit(200)
    )
    found = list(session.scalars(query))
    return rng.choice(found) if found else f"{rng.getrandbits(256):064x}"


def _posts(
    session: Session, items: list[dict[str, Any]], end: datetime, staff_emails: dict[str, str]
) -> int:
    if session.scalar(select(func.count(YouSaidPost.id))):
        return 0  # kept from a demo built before (--fresh keeps the team's posts)
    for item in items:
        add_post(
            session,
            theme=str(item["theme"]),
            you_said=str(item["you_said"]),
            we_did=str(item["we_did"]),
            author=staff_emails.get("participation", "demo"),
            published=bool(item.get("published", True)),
            when=end - timedelta(days=int(item["days_ago"])),
        )
    return len(items)


def _questions(
    session: Session, items: list[dict[str, Any]], end: datetime, rng: random.Random
) -> int:
    """Asked of the real offer search, so the "couldn't answer" list is what Heard did."""
    search = OfferSearch(load_offer())
    for item in items:
        age = int(item["age"]) if item.get("age") is not None else None
        answer = search.ask(str(item["text"]), age=age)
        record_offer_query(
            session,
            text=str(item["text"]),
            channel=rng.choice(("telegram", "web")),
            answer_ids=list(answer.answer_ids),
            top_score=answer.top_score,
            confident=answer.confident,
            age=age,
            when=end - timedelta(days=int(item["days_ago"]), hours=rng.randint(1, 12)),
        )
    return len(items)


def _reports(database: Database, settings: Settings, last_month: date) -> list[str]:
    """The scheduled reports a council would have by now: last month and last quarter."""
    from heard.report_command import write_reports

    quarter = f"{last_month.year}-Q{(last_month.month - 1) // 3 + 1}"
    if last_month.month % 3:  # the quarter is not over: the one before it
        previous = date(last_month.year, last_month.month, 1) - timedelta(days=92)
        quarter = f"{previous.year}-Q{(previous.month - 1) // 3 + 1}"
    periods: list[Period] = [parse_period(f"{last_month:%Y-%m}"), parse_period(quarter)]
    for period in periods:
        write_reports(database, settings, period, ("html", "json", "csv"))
    return [period.label for period in periods]
