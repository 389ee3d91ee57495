"""Staff sign-in bookkeeping: failed attempts, locks, activation, the session version.

The policy (how many failures, how long a lock, from where) belongs to the caller
(webforms/staff/auth.py with the counters in webforms/limits.py); this module only
records what happened, so the web app and the CLI agree on state. A lock is kept per
account *and* address by those counters; `locked_until` here records that one is in
force somewhere, for the admin page and `heard staff list`, and an unlock clears it,
which the sign-in page reads as "let this account try again from everywhere".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from storage.models import StaffUser


def get_staff(session: Session, staff_id: int) -> StaffUser | None:
    return session.get(StaffUser, staff_id)


def is_locked(user: StaffUser, now: datetime) -> bool:
    """True while a lock from at least one address may be in force."""
    return user.locked_until is not None and user.locked_until > now


def record_failed_login(
    session: Session, user: StaffUser, *, now: datetime, lock_for: timedelta | None = None
) -> None:
    """Count one failure; `lock_for` records that it locked the account from one address."""
    if user.locked_until is not None and user.locked_until <= now:
        user.failed_logins = 0  # an expired lock starts a fresh count
        user.locked_until = None
    user.failed_logins = (user.failed_logins or 0) + 1
    if lock_for is not None:
        user.locked_until = now + lock_for
    session.flush()


def record_successful_login(
    session: Session, user: StaffUser, *, now: datetime, new_password_hash: str | None = None
) -> None:
    """Note the sign-in; store a fresh hash when the hashing parameters moved on.

    A lock from another address stays: this person's success says nothing about there.
    """
    if not is_locked(user, now):
        user.failed_logins = 0
        user.locked_until = None
    user.last_login_at = now
    if new_password_hash:
        user.password_hash = new_password_hash
    session.flush()


def set_staff_active(session: Session, user: StaffUser, active: bool) -> None:
    user.active = active
    session.flush()


def unlock_staff(session: Session, user: StaffUser) -> None:
    user.failed_logins = 0
    user.locked_until = None
    session.flush()


def end_sessions(session: Session, user: StaffUser) -> None:
    """Every session this person has open, on any device, stops at its next request."""
    user.session_version = (user.session_version or 0) + 1
    session.flush()


def set_password_hash(session: Session, user: StaffUser, password_hash: str) -> None:
    """A new password: the old one's sessions end and any lock is lifted."""
    user.password_hash = password_hash
    user.failed_logins = 0
    user.locked_until = None
    end_sessions(session, user)
