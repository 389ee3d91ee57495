"""How long "see or delete my answers" stays open on a survey link: a short window after acting.

A link's device cookie lasts months, and the device may be a carer's tablet or a
family computer. So the pages that show a child's answers open only for a short
time after the child last answered (or finished), in the same visit: a signed,
short-lived cookie scoped to that one link. Reopening the link later shows a plain
"you've finished" page, with no way in to the answers (docs/privacy.md says why).
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from webforms.public.services import config

COOKIE = "heard_answers"
WINDOW = timedelta(minutes=15)
SALT = "heard.answers-window"


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=SALT)


def _path(token: str) -> str:
    return f"/s/{token}"


def open_window(response: Response, token: str, invite_id: int) -> Response:
    """(Re)start the window: the person has just acted on this link's page."""
    response.set_cookie(
        COOKIE,
        _signer().dumps(invite_id),
        max_age=int(WINDOW.total_seconds()),
        path=_path(token),
        secure=config().secure_cookies,
        httponly=True,
        samesite="Strict",
    )
    return response


def is_open(invite_id: int) -> bool:
    """True within WINDOW of the last open_window for this very link, on this browser."""
    raw = request.cookies.get(COOKIE, "")
    if not raw:
        return False
    try:
        signed_for = _signer().loads(raw, max_age=int(WINDOW.total_seconds()))
    except BadSignature:  # also SignatureExpired: the window has passed
        return False
    return signed_for == invite_id


def close_window(response: Response, token: str) -> Response:
    response.delete_cookie(
        COOKIE, path=_path(token), secure=config().secure_cookies, samesite="Strict"
    )
    return response
