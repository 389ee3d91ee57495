"""Staff sign-in bookkeeping: failed attempts, lockout, activation.

The policy (how many failures, how long a lock) belongs to the caller; this
module only records what happened, so the web app and the CLI agree on state.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from storage.models import StaffUser


def get_staff(session: Session, staff_id: int) -> StaffUser | None:
    return session.get(StaffUser, staff_id)


def is_locked(user: StaffUser, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def record_failed_login(
    session: Session, user: StaffUser, *, now: datetime, max_failures: int, lock_for: timedelta
) -> bool:
    """Count one failure; lock the account once `max_failures` are reached. True if locked."""
    if user.locked_until is not None and user.locked_until <= now:
        user.failed_logins = 0  # an expired lock starts a fresh count
        user.locked_until = None
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= max_failures:
        user.locked_until = now + lock_for
    session.flush()
    return is_locked(user, now)


def record_successful_login(
    session: Session, user: StaffUser, *, now: datetime, new_password_hash: str | None = None
) -> None:
    """Clear the failure count; store a fresh hash when the hashing parameters moved on."""
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


def set_password_hash(session: Session, user: StaffUser, password_hash: str) -> None:
    user.password_hash = password_hash
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
