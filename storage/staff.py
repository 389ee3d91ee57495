"""Staff accounts. Hashing is the caller's job; this module never sees a password."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import STAFF_ROLES, StaffUser


def add_staff(session: Session, *, email: str, password_hash: str, role: str) -> StaffUser:
    if role not in STAFF_ROLES:
        raise ValueError(f"role must be one of {', '.join(STAFF_ROLES)}")
    user = StaffUser(email=email.strip().lower(), password_hash=password_hash, role=role)
    session.add(user)
    session.flush()
    return user


def find_staff(session: Session, email: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))


def staff_users(session: Session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.email)))
