"""The one staff blueprint, its guard, error pages and small shared helpers."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    make_response,
    render_template,
    request,
)
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm import Session, sessionmaker

from storage.alert_queue import alert_counts
from storage.db import transaction
from webforms.config import WebConfig
from webforms.staff.roles import guard, session_refusal

# Ids are 32-bit in PostgreSQL's integer columns: anything larger names nothing, so the
# page is "not found" rather than a database overflow (a 500).
MAX_ID = 2**31 - 1

staff = Blueprint("staff", __name__, url_prefix="/staff")


@staff.url_value_preprocessor
def ids_in_range(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    for value in (values or {}).values():
        if isinstance(value, int) and not 0 <= value <= MAX_ID:
            abort(404)


staff.before_request(guard)


@staff.after_request
def never_stored(response: Response) -> Response:
    """Staff pages hold children's words: no browser or proxy cache may keep a copy
    (so the back button after signing out shows nothing, and a shared PC keeps nothing)."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


# What each role's menu shows: (endpoint, words).
NAV: dict[str, tuple[tuple[str, str], ...]] = {
    "participation": (
        ("staff.dashboard", "Dashboard"),
        ("staff.themes", "Themes and quotes"),
        ("staff.reports", "Reports"),
        ("staff.you_said", "You said, we did"),
        ("staff.invite_batches", "Invite links"),
    ),
    "safeguarding": (("staff.alerts", "Alerts"),),
    "admin": (
        ("staff.accounts", "Staff accounts"),
        ("staff.offer_entries", "Local offer"),
        ("staff.surveys", "Surveys"),
    ),
}


def sessions() -> sessionmaker[Session]:
    return current_app.extensions["heard.sessions"]


def web_config() -> WebConfig:
    return current_app.extensions["heard.config"]


def services() -> dict[str, Any]:
    return current_app.extensions.get("heard.services", {})


def actor() -> str:
    """Who is doing this, as the audit log and alert history record it."""
    return str(current_user.email)


def client_address() -> str:
    return request.remote_addr or "unknown"


@staff.app_template_filter("staff_time")
def staff_time(value: datetime | None) -> str:
    """A stored UTC time in the council's own time zone, as staff read it."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(web_config().timezone))
    return local.strftime("%d %b %Y, %H:%M")


@staff.context_processor
def staff_menu() -> dict[str, Any]:
    if not current_user.is_authenticated:
        return {"staff_nav": (), "open_alerts": None}
    role = current_user.role
    open_alerts = None
    if role == "safeguarding":  # only the role that may see alerts learns how many there are
        with transaction(sessions()) as session:
            open_alerts = alert_counts(session)
    return {"staff_nav": NAV.get(role, ()), "open_alerts": open_alerts}


@staff.errorhandler(403)
def forbidden(_error: Exception) -> tuple[str, int]:
    return render_template("staff/forbidden.html"), 403


@staff.errorhandler(CSRFError)
def form_expired(_error: CSRFError) -> tuple[str, int]:
    """A post without a valid token is refused (400) with a page that says what to do."""
    return render_template("staff/form_expired.html"), 400


@staff.errorhandler(404)
def not_found(_error: Exception) -> Any:
    return staff_not_found(404)


def is_staff_path(path: str) -> bool:
    return path == "/staff" or path.startswith("/staff/")


def staff_not_found(code: int = 404) -> Any:
    """The staff "Not found" page, for any address under /staff/ (webforms.app sends the
    ones no staff view matched here too, so nobody on a staff page gets the young
    people's page): the staff menu for someone signed in, a link to sign in otherwise.
    A session that has run out goes to sign in, as on any staff page."""
    menu: dict[str, Any] = {}
    if current_user.is_authenticated:
        refusal = session_refusal()
        if refusal is not None:
            return refusal
        if request.blueprint != staff.name:  # no staff view matched: add the menu here
            menu = staff_menu()
    response = make_response(render_template("staff/not_found.html", **menu), code)
    response.headers["Cache-Control"] = "no-store"
    return response
