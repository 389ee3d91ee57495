"""From settings to the alert-notice sweep: the routes, the senders, and what is missing.

`heard scheduler` and `heard run` check the routes at start (a broken file stops them
with one line) and log one loud line if alerts would reach nobody; the sweep job
rereads the file when it changes and keeps the last good routes if an edit breaks
it; the web app shows the same problems on the alerts page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from heard.errors import CommandError
from heard.settings import Settings
from notices.child_message import ChildMessenger
from notices.email import EmailSender, SmtpRelay
from notices.routes import RouteBook, compile_routes, default_routes
from notices.senders import Sender
from notices.sweep import Outbox
from notices.telegram import TelegramSender
from storage.datafiles import DataFileError

log = logging.getLogger("heard.notices")
NOBODY = "Alerts are not being sent to anyone: set HEARD_SAFEGUARDING_EMAIL"


def settings_routes(settings: Settings) -> RouteBook:
    """The one route used without a routes file: the safeguarding email(s) and staff chat."""
    return default_routes(
        settings.safeguarding_emails,
        settings.staff_chat_id if settings.telegram_token else None,
        escalate_after_minutes=settings.alert_escalation_minutes,
        escalation_emails=settings.escalation_emails,
        escalation_chat=settings.escalation_chat_id if settings.telegram_token else None,
    )


def load_routes(settings: Settings) -> RouteBook:
    """The routes, strictly: a mistake in the file raises DataFileError."""
    if settings.alert_routes_file is None:
        return settings_routes(settings)
    return compile_routes(settings.alert_routes_file)


@dataclass
class _Loaded:
    stamp: tuple[float, int]
    routes: RouteBook


_CACHE: dict[Path, _Loaded] = {}


def current_routes(settings: Settings) -> RouteBook:
    """The routes for a sweep: reread when the file changes; a broken edit is logged and
    the last good routes kept (else the settings' route), so a typo never silences alerts."""
    path = settings.alert_routes_file
    if path is None:
        return settings_routes(settings)
    try:
        status = path.stat()
        stamp = (status.st_mtime, status.st_size)
    except OSError:
        stamp = (0.0, 0)
    cached = _CACHE.get(path)
    if cached is not None and cached.stamp == stamp:
        return cached.routes
    try:
        routes = compile_routes(path)
    except DataFileError as exc:
        fallback = cached.routes if cached is not None else settings_routes(settings)
        log.error(
            "the alert routes file has a mistake, so the %s are used until it is fixed: %s",
            "last good routes" if cached is not None else "settings' route",
            exc,
        )
        _CACHE[path] = _Loaded(stamp, fallback)
        return fallback
    _CACHE[path] = _Loaded(stamp, routes)
    return routes


def senders(settings: Settings) -> tuple[Sender, ...]:
    """Email when a relay is set; Telegram when a bot token is."""
    found: list[Sender] = []
    if settings.smtp_url and settings.smtp_from:
        found.append(EmailSender(SmtpRelay.parse(settings.smtp_url), settings.smtp_from))
    if settings.telegram_token:
        found.append(TelegramSender(settings.telegram_token, settings.telegram_api_url))
    return tuple(found)


def outbox(settings: Settings, routes: RouteBook | None = None) -> Outbox:
    return Outbox(
        routes=routes or current_routes(settings),
        senders=senders(settings),
        base_url=settings.base_url,
        timezone=settings.timezone,
    )


def delivery_problems(settings: Settings, routes: RouteBook) -> list[str]:
    """Each way alerts would reach nobody, in one line each (empty when all is well)."""
    can_email = bool(settings.smtp_url and settings.smtp_from)
    can_chat = bool(settings.telegram_token)
    if routes.source == "settings":
        route = routes.routes[routes.default]
        if not route.to.emails and route.to.telegram_chat is None:
            return [NOBODY]
        return []
    problems = []
    for route in routes.routes.values():
        reachable = (can_email and route.to.emails) or (can_chat and route.to.telegram_chat)
        if reachable:
            continue
        missing = []
        if route.to.emails and not can_email:
            missing.append("HEARD_SMTP_URL is not set")
        if route.to.telegram_chat and not can_chat:
            missing.append("HEARD_TELEGRAM_TOKEN is not set")
        problems.append(
            f"Alerts for the route {route.name!r} are not being sent to anyone: "
            + " and ".join(missing)
        )
    return problems


def check_routes(settings: Settings) -> list[str]:
    """A broken routes file, or a route that nobody can hear, stops a start with one line
    (DataFileError or CommandError); returns what else is missing (no recipients at all)."""
    routes = load_routes(settings)  # DataFileError: file, line, item and fix
    problems = delivery_problems(settings, routes)
    if routes.source != "settings" and problems:
        raise CommandError(
            f"{settings.alert_routes_file}: {problems[0]}; set it, or change the route"
        )
    return problems


def check_at_start(settings: Settings) -> None:
    """For `heard scheduler` (and so `heard run`): check the routes, and say loudly, in one
    line, if alerts would reach nobody."""
    for problem in check_routes(settings):
        log.error("%s (or HEARD_STAFF_CHAT_ID with a bot token)", problem)


def child_messenger(settings: Settings) -> ChildMessenger | None:
    """How the alert page messages a person's Heard chat; None without a bot token."""
    if not settings.telegram_token:
        return None
    return ChildMessenger(settings.telegram_token, settings.telegram_api_url)


def for_pages(settings: Settings) -> dict[str, object]:
    """What the alerts pages need, for `heard web`: the routes' names and what is wrong,
    and the way to message a person who asked in Telegram for someone to get in touch.
    Never stops the web app, which children need whatever the state of the routes file."""
    pages: dict[str, object] = {"child_messenger": child_messenger(settings)}
    try:
        routes = load_routes(settings)
    except DataFileError as exc:
        pages["alert_routes"] = settings_routes(settings)
        pages["alert_delivery_problems"] = [
            f"The alert routes file has a mistake; until it is fixed, alerts go where "
            f"the last good version sent them: {exc}"
        ]
        return pages
    pages["alert_routes"] = routes
    pages["alert_delivery_problems"] = delivery_problems(settings, routes)
    return pages
