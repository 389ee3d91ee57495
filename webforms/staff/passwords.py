"""Staff passwords: argon2id through argon2-cffi, with one rule for how long they must be.

Shared by the login page, the staff admin page and `heard staff add`, so every
path hashes the same way and a stored hash is always an argon2 string.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # long enough for any pass-phrase, short enough to refuse a flood

_hasher = PasswordHasher()
# Checked against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("heard-not-a-real-password")


def set_hasher(hasher: PasswordHasher) -> None:
    """Use other argon2 parameters (tuning for the server, or cheap ones in tests).

    Stored hashes keep working: each carries its own parameters, and a sign-in
    rehashes a password whose parameters differ from the current ones.
    """
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("heard-not-a-real-password")


def password_problem(password: str, email: str = "") -> str | None:
    """Why a new password is refused, in words for the person choosing it; None if fine."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters; a short sentence works well."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    if password.strip().lower() == email.strip().lower():
        return "The password must not be the email address."
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True only for the right password; an unknown account still spends the same time."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True
