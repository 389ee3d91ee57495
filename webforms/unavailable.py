"""When the database cannot be reached: a kind page, never a traceback, and nothing typed lost.

A person answering a check-in while the database is down (a restart, a dropped
network, SQLite locked for longer than Heard waits) gets the same words as the
bot (surveys/messages.yaml `save_failed`) on a normal page with status 503. On
the survey form and the web chat the page carries what they had typed and chosen,
so "Try again" posts the same answer with the same nonce: if the first attempt did
land after all, the engine sees the nonce and changes nothing twice.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, make_response, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from surveys.messages import load_messages
from webforms.public.language import current_language

log = logging.getLogger("heard.web")

# Errors that mean "the database is not there right now", not "this request is wrong".
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)
# The answer forms whose fields are carried over; staff forms never are (passwords).
ANSWER_ENDPOINTS = frozenset({"public_survey.answer", "public_chat.send"})
KEPT_FIELDS = ("step", "nonce", "action")
RETRY_AFTER_SECONDS = 60


def register_unavailable(app: Flask) -> None:
    for error in UNAVAILABLE:
        app.register_error_handler(error, database_unavailable)


def database_unavailable(error: Exception) -> Response:
    """Log the route and what the driver said: never the path (a survey link is a key to
    someone's answers) nor the statement and its parameters (a child's words); say sorry."""
    log.error(
        "database unavailable during %s %s: %s", request.method, request.endpoint, _reason(error)
    )
    keep = request.method == "POST" and request.endpoint in ANSWER_ENDPOINTS
    response = make_response(
        render_template(
            "public/unavailable.html",
            message=load_messages(language=current_language()).save_failed,
            retry_url=request.path if keep else None,
            kept={name: request.form.get(name, "") for name in KEPT_FIELDS} if keep else {},
            choices=[value for value in request.form.getlist("choice") if value] if keep else [],
            typed=request.form.get("text", "") if keep else "",
        ),
        503,
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _reason(error: Exception) -> str:
    """The driver's first line ("database is locked", "connection refused"), not SQLAlchemy's
    whole message, which repeats the SQL statement."""
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0][:200] if lines else ''}"
