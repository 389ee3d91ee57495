"""Staff passwords: argon2id through argon2-cffi, and the rules a new password must meet.

Shared by the login page, the staff admin page and `heard staff add` / `password`, so
every path hashes the same way and a stored hash is always an argon2 string.

A new password must be 12 characters or more, not one character over and over, not
the person's email, and not easy to guess. "Easy to guess" is zxcvbn's estimate (the
Dropbox estimator, from PyPI, MIT): it carries the well-known leaked-password lists
(about 30,000 of the most common) and also sees what a plain list misses at 12
characters and more - "password1234", "qwertyuiop123", "aaaaaaaaaaaa", a name and a
year - while a long sentence of ordinary words passes. It runs on this machine and
sends nothing anywhere. A password needs zxcvbn's score 3 (about 10^8 guesses), the
level it calls "safely unguessable" against an attacker online, and our argon2 hashes
make guesses slow offline.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # long enough for any pass-phrase, short enough to refuse a flood
MIN_GUESS_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" (about 10^8 guesses)
ESTIMATE_CHARACTERS = 100  # zxcvbn slows on long input; 100 characters decide the score
# Words anyone would try first against a council's Heard.
_OBVIOUS_WORDS = ("heard", "council", "safeguarding", "staff", "children", "care")

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


def _letters_and_digits(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def password_problem(password: str, email: str = "") -> str | None:
    """Why a new password is refused, in words for the person choosing it; None if fine.

    Each answer says what to do instead, since the person is choosing one right now.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters; a short sentence works well."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    if len(set(password)) == 1:
        return (
            "That is one character over and over, which is quick to guess. "
            "Try three or four words that mean something to you, like a short sentence."
        )
    typed, address = password.strip().lower(), email.strip().lower()
    local = address.partition("@")[0]
    compact_local, compact_typed = _letters_and_digits(local), _letters_and_digits(typed)
    if address and (
        typed == address or (len(compact_local) >= 4 and compact_local in compact_typed)
    ):
        return (
            "The password must not be or contain your email address, which others know. "
            "Try three or four words that mean something to you, like a short sentence."
        )
    inputs = [address, local, *local.replace("_", ".").split("."), *_OBVIOUS_WORDS]
    estimate = zxcvbn(password[:ESTIMATE_CHARACTERS], user_inputs=[w for w in inputs if w])
    if int(estimate["score"]) < MIN_GUESS_SCORE:
        return (
            "That password is one of the common ones people use, or close to one, so it is "
            "quick to guess. Try three or four words that mean something to you, like a "
            "short sentence; spaces are fine."
        )
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
