"""API tokens: made once and shown once, kept as a hash, revocable.

A token is 32 random bytes, so a plain SHA-256 is enough to store it (a slow
password hash guards guessable secrets; nobody can guess 256 random bits), and it
lets a request find its token with one indexed lookup.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import ApiToken, utcnow

PREFIX = "heard_"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$")


class TokenError(ValueError):
    """A name that cannot be used, or a token that does not exist; says what to do."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def add_token(session: Session, name: str) -> tuple[ApiToken, str]:
    """A new token named `name`; returns the row and the token, which is never stored."""
    name = name.strip()
    if not NAME.match(name):
        raise TokenError(
            f"{name!r} cannot be a token name; use letters, digits, spaces, dots, dashes "
            "or underscores, up to 64, e.g. power-bi"
        )
    if session.scalar(select(ApiToken).where(ApiToken.name == name)) is not None:
        raise TokenError(f"a token named {name!r} already exists; revoke it or choose another name")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(name=name, token_hash=token_hash(token), created_at=utcnow())
    session.add(row)
    session.flush()
    return row, token


def token_for(session: Session, token: str, *, when: datetime | None = None) -> ApiToken | None:
    """The live token this is, noting when it was used; None if unknown or revoked."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    row.last_used_at = when or utcnow()
    return row


def api_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.name)))


def revoke_token(session: Session, name: str) -> ApiToken:
    row = session.scalar(select(ApiToken).where(ApiToken.name == name.strip()))
    if row is None:
        raise TokenError(f"no token named {name!r}; `heard api-token list` shows them")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    session.flush()
    return row
