"""Who may use which staff page, checked on the server for every request.

Every view on the staff blueprint says who may use it with `roles_required(...)`
or `open_to_all`. The blueprint's guard refuses any view that says neither, so a
new page that forgets is closed, not open. Roles do not nest: an admin manages
accounts, the local offer and surveys, but is not let into the alerts queue
(a child's exact words) or the dashboard unless given that role's account, on
the principle that each person sees only what their job needs.

A session ends after 12 hours whatever happens, and sooner after
`WebConfig.staff_idle_minutes` (HEARD_STAFF_IDLE_MINUTES, 30 by default) without a
page: the sign-in page then says why, and signing in goes back to the page they were on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, redirect, request, session, url_for
from flask_login import current_user, logout_user

from storage.audit import audit
from storage.db import transaction
from storage.models import STAFF_ROLES

ROLES_ATTR = "_heard_staff_roles"
OPEN_ATTR = "_heard_staff_open"
ANY_ROLE: frozenset[str] = frozenset(STAFF_ROLES)
SIGNED_IN_AT = "heard_staff_signed_in_at"
LAST_SEEN = "heard_staff_last_seen"
IDLE_NOTICE = "heard_staff_idle_minutes"  # set when a session ended for being idle
MAX_SESSION_SECONDS = 12 * 60 * 60  # one working day, then sign in again
SEEN_EVERY_SECONDS = 30  # how often the last-seen time is written back into the cookie

View = TypeVar("View", bound=Callable[..., Any])


def _refusal() -> Any:
    """None when the current person may go on; otherwise the response that stops them."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or getattr(view, OPEN_ATTR, False):
        return None
    roles: frozenset[str] | None = getattr(view, ROLES_ATTR, None)
    if roles is None:
        abort(403)  # a staff view that never said who may use it
    refusal = session_refusal()
    if refusal is not None:
        return refusal
    if current_user.role not in roles:
        abort(403)
    return None


def session_refusal() -> Any:
    """None while the person is signed in and their session has not run out; otherwise
    the response that sends them to sign in (and, when it ran out, ends it)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    now = time.time()
    signed_in_at = session.get(SIGNED_IN_AT)
    if not isinstance(signed_in_at, int | float) or now - signed_in_at > MAX_SESSION_SECONDS:
        logout_user()
        session.clear()
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    last_seen = session.get(LAST_SEEN, signed_in_at)
    idle_minutes = _idle_minutes()
    if not isinstance(last_seen, int | float) or now - last_seen > idle_minutes * 60:
        return _signed_out_for_idling(idle_minutes)
    if now - last_seen >= SEEN_EVERY_SECONDS:
        session[LAST_SEEN] = now
    return None


def _idle_minutes() -> int:
    config = current_app.extensions.get("heard.config")
    return int(getattr(config, "staff_idle_minutes", 30))


def _signed_out_for_idling(minutes: int) -> Any:
    """Sign out, then the sign-in page says why and comes back here afterwards."""
    with transaction(current_app.extensions["heard.sessions"]) as db:
        audit(db, str(current_user.email), "logout", reason="idle", minutes=minutes)
    logout_user()
    session.clear()
    session[IDLE_NOTICE] = minutes
    back = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("staff.login", next=back) if back else url_for("staff.login"))


def guard() -> Any:
    """The staff blueprint's before_request: the one check every staff request passes."""
    return _refusal()


def roles_required(*roles: str) -> Callable[[View], View]:
    """Only staff with one of `roles` may use the view; the view checks again itself."""
    unknown = set(roles) - ANY_ROLE
    if not roles or unknown:
        raise ValueError(f"roles must be some of {', '.join(STAFF_ROLES)}")
    allowed = frozenset(roles)

    def decorate(view: View) -> View:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            refusal = _refusal()
            if refusal is not None:
                return refusal
            return view(*args, **kwargs)

        setattr(checked, ROLES_ATTR, allowed)
        return checked  # type: ignore[return-value]

    return decorate


def signed_in(view: View) -> View:
    """Any signed-in staff member, whatever their role (home, sign out)."""
    return roles_required(*STAFF_ROLES)(view)


def open_to_all(view: View) -> View:
    """No sign-in needed: only the sign-in page itself."""
    setattr(view, OPEN_ATTR, True)
    return view


def allowed_roles(view: Callable[..., Any]) -> frozenset[str] | None:
    """The roles a view declared (None: open to all), for the route-by-role tests."""
    if getattr(view, OPEN_ATTR, False):
        return None
    return getattr(view, ROLES_ATTR, frozenset())
