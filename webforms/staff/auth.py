"""Signing staff in and out: argon2 passwords, locks per account and address, all audited.

After 5 wrong passwords for one account from one address, that account is locked
*from that address* for 15 minutes: a stranger who knows the safeguarding lead's
email locks out only themselves. 50 failures from one address in 10 minutes, for
any accounts, stop that address for a while (high, because an office shares one
address). The counts live with the other rate limits (webforms/limits.py); the
account row records that a lock is in force, for the admin page, whose unlock lifts
it everywhere. Behind a proxy, HEARD_TRUSTED_PROXIES makes the address the person's own.

Every attempt, good or bad, is written to the audit log with the reason, never the
password. Every refusal reads the same, so the page never says which accounts exist.

Signing out ends every session of that person on the server, not just the cookie in
this browser: the account's session version goes up and Flask-Login's user_loader
refuses any session made with an older one, so a copied cookie stops working. A new
password does the same (the fingerprint below covers the hash and the version).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from storage.audit import audit
from storage.db import transaction
from storage.models import StaffUser, utcnow
from storage.staff import find_staff
from storage.staff_accounts import (
    end_sessions,
    get_staff,
    is_locked,
    record_failed_login,
    record_successful_login,
    set_password_hash,
)
from webforms.limits import sign_in_blocked, sign_in_failed, sign_in_forget, sign_in_retry_after
from webforms.staff.blueprint import client_address, sessions, staff
from webforms.staff.forms import LoginForm, PasswordChangeForm
from webforms.staff.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from webforms.staff.roles import IDLE_NOTICE, LAST_SEEN, SIGNED_IN_AT, open_to_all, signed_in

MAX_FAILURES = 5  # for one account from one address (webforms/limits.py counts them)
LOCK_FOR = timedelta(minutes=15)
REFUSED = (
    "That email and password did not work. After 5 wrong tries an account is locked "
    "on this connection for 15 minutes; an administrator can unlock it sooner."
)
_EMAIL_LIKE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}$")

HOME_FOR_ROLE = {
    "participation": "staff.dashboard",
    "safeguarding": "staff.alerts",
    "admin": "staff.accounts",
}


class StaffPrincipal(UserMixin):
    """The signed-in person as the app holds them between requests: no password, no hash."""

    def __init__(self, user_id: int, email: str, role: str, fingerprint: str) -> None:
        self.id, self.email, self.role, self.fingerprint = user_id, email, role, fingerprint

    def get_id(self) -> str:
        return f"{self.id}:{self.fingerprint}"


def _fingerprint(user: StaffUser) -> str:
    """Changes when the password, role or session version changes, which ends that
    person's sessions."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"{user.password_hash}|{user.role}|{user.session_version or 0}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:24]


def _principal(user: StaffUser) -> StaffPrincipal:
    return StaffPrincipal(user.id, user.email, user.role, _fingerprint(user))


def load_principal(user_id: str) -> StaffPrincipal | None:
    """Flask-Login's user_loader: a deactivated account or a stale session signs out."""
    raw_id, _, fingerprint = user_id.partition(":")
    if not raw_id.isdigit():
        return None
    with transaction(sessions()) as db:
        user = get_staff(db, int(raw_id))
        if user is None or not user.active:
            return None
        principal = _principal(user)
    return principal if hmac.compare_digest(principal.fingerprint, fingerprint) else None


def init_login(app: Flask) -> None:
    manager = LoginManager()
    manager.login_view = "staff.login"
    manager.login_message = "Please sign in to see that page."
    manager.login_message_category = "info"
    manager.session_protection = "strong"
    manager.user_loader(load_principal)
    manager.init_app(app)


@dataclass(frozen=True)
class Attempt:
    principal: StaffPrincipal | None
    reason: str  # ok | unknown_account | inactive | locked | bad_password | locked_now


def authenticate(db: Session, email: str, password: str) -> Attempt:
    """Check one sign-in from this address and record its effect (failures, lock, last
    login). A lock holds for this account from this address only."""
    now = utcnow()
    user = find_staff(db, email)
    if sign_in_blocked(email) == "account":
        if user is not None and not is_locked(user, now):
            sign_in_forget(email)  # an administrator unlocked the account since
        else:
            verify_password(user.password_hash if user else None, password)  # same cost
            return Attempt(None, "locked")
    if user is None:
        verify_password(None, password)  # same cost as a real check
        sign_in_failed(email)  # an unknown account is counted alike: nothing tells them apart
        return Attempt(None, "unknown_account")
    if not user.active:
        verify_password(user.password_hash, password)
        sign_in_failed(email)
        return Attempt(None, "inactive")
    if not verify_password(user.password_hash, password):
        locked = sign_in_failed(email)
        record_failed_login(db, user, now=now, lock_for=LOCK_FOR if locked else None)
        return Attempt(None, "locked_now" if locked else "bad_password")
    fresh = hash_password(password) if needs_rehash(user.password_hash) else None
    record_successful_login(db, user, now=now, new_password_hash=fresh)
    return Attempt(_principal(user), "ok")


def _audit_name(email: str) -> str:
    """What the audit log records as the actor: the typed email, never other typed text."""
    cleaned = email.strip().lower()
    return cleaned if _EMAIL_LIKE.match(cleaned) else "(not an email address)"


def _safe_next(target: str | None) -> str | None:
    """Only a path inside the staff area: a sign-in link must not send anyone elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/staff/")
        or "\\" in target
        or any(ord(c) < 32 for c in target)
    ):
        return None
    return target


def _idle_words(minutes: object) -> str | None:
    if not isinstance(minutes, int) or minutes <= 0:
        return None
    span = "an hour" if minutes == 60 else f"{minutes} minutes"
    return (
        f"You were signed out after {span} without activity, to keep children's words "
        "safe on an unattended screen. Sign in again to carry on where you were."
    )


def home_url() -> str:
    return url_for(HOME_FOR_ROLE.get(current_user.role, "staff.login"))


@staff.route("/login", methods=["GET", "POST"])
@open_to_all
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(home_url())
    form = LoginForm()
    idle = _idle_words(session.get(IDLE_NOTICE))
    if request.method == "POST":
        address = client_address()
        if sign_in_blocked(form.email.data or "") == "address":
            with transaction(sessions()) as db:
                audit(
                    db,
                    _audit_name(form.email.data or ""),
                    "login.failure",
                    reason="rate_limited",
                    address=address,
                )
            wait = sign_in_retry_after()
            minutes = max(1, wait // 60)
            message = (
                f"Too many sign-in attempts from this connection. "
                f"Please wait {minutes} minute{'s' if minutes != 1 else ''} and try again."
            )
            page = render_template("staff/login.html", form=form, refused=message, idle=None)
            return page, 429, {"Retry-After": str(wait)}
        if form.validate_on_submit():
            email, password = form.email.data or "", form.password.data or ""
            with transaction(sessions()) as db:
                attempt = authenticate(db, email, password)
                action = "login.success" if attempt.principal else "login.failure"
                audit(db, _audit_name(email), action, reason=attempt.reason, address=address)
            if attempt.principal is None:
                page = render_template("staff/login.html", form=form, refused=REFUSED, idle=idle)
                return page, 200
            _start_session(attempt.principal)
            return redirect(_safe_next(request.args.get("next")) or home_url())
    return render_template("staff/login.html", form=form, refused=None, idle=idle)


@staff.post("/logout")
@signed_in
def logout() -> Response:
    """Sign out everywhere: this session and any other of this person's ends on the server."""
    with transaction(sessions()) as db:
        user = get_staff(db, int(current_user.id))
        if user is not None:
            end_sessions(db, user)
        audit(db, str(current_user.email), "logout", address=client_address())
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("staff.login"))


def _start_session(principal: StaffPrincipal) -> None:
    session.clear()  # a new session id for the signed-in person
    login_user(principal)
    session[SIGNED_IN_AT] = session[LAST_SEEN] = time.time()


@staff.route("/password", methods=["GET", "POST"])
@signed_in
def change_password() -> Any:
    """Their own new password: every other session of theirs ends, this one carries on.

    A wrong current password counts as a wrong sign-in (so this page is no way round
    the sign-in limits); the new one meets the same rules as everywhere else."""
    form = PasswordChangeForm()
    if request.method == "GET" or not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("staff/password.html", form=form), status
    email = str(current_user.email)
    current, new = str(form.current.data), str(form.password.data)
    with transaction(sessions()) as db:
        user = get_staff(db, int(current_user.id))
        if user is None:  # pragma: no cover - the guard has just loaded them
            abort(404)
        refusal = None
        if sign_in_blocked(email) is not None:
            refusal = (
                "Too many wrong passwords from this connection. Please wait 15 minutes "
                "and try again."
            )
        elif not verify_password(user.password_hash, current):
            sign_in_failed(email)
            refusal = "That is not your current password. Type the one you signed in with."
        if refusal:
            audit(db, email, "staff.password.refused", f"staff:{user.id}", address=client_address())
            form.current.errors = [refusal]
            return render_template("staff/password.html", form=form), 400
        problem = password_problem(new, email)
        if problem is None and new == current:
            problem = "That is the password you have now; choose a different one."
        if problem:
            form.password.errors = [problem]
            return render_template("staff/password.html", form=form), 400
        set_password_hash(db, user, hash_password(new))
        audit(db, email, "staff.password", f"staff:{user.id}", address=client_address())
        principal = _principal(user)
    _start_session(principal)
    flash(
        "Your password is changed. Anywhere else you were signed in, you are now signed out.",
        "info",
    )
    return redirect(home_url())


@staff.get("/")
@signed_in
def home() -> Response:
    return redirect(home_url())
