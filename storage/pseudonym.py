"""Keyed-hash pseudonyms: a channel's user id is never stored, only its HMAC."""

from __future__ import annotations

import hashlib
import hmac


def pseudonymise(key: bytes, channel: str, external_id: str | int) -> str:
    """HMAC-SHA256 of 'channel:id'; stable for a key, useless without it."""
    message = f"{channel}:{external_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
