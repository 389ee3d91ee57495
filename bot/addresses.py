"""Locking a Telegram chat number before it is stored, so reminders can reach a person.

Heard never keeps a raw Telegram id: people are known by a keyed hash. A reminder
still needs somewhere to go, so the chat number is kept sealed with a key derived
from HEARD_PSEUDONYM_KEY (which lives outside the database): a copy of the
database alone cannot say who anyone is. The seal is a keyed stream (HMAC-SHA256
as a pseudo-random function over a random nonce) with an encrypt-then-MAC tag,
built from the standard library because chat numbers are a few bytes long.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_PREFIX = "a1."
_NONCE = 16
_TAG = 16
_MAX = 32  # one HMAC block of keystream; a chat number is at most 20 characters


class AddressError(ValueError):
    """A stored address was not sealed with this key, or was altered."""


class AddressBook:
    def __init__(self, key: bytes) -> None:
        self._enc = hmac.new(key, b"heard-chat-address|enc", hashlib.sha256).digest()
        self._mac = hmac.new(key, b"heard-chat-address|mac", hashlib.sha256).digest()

    def seal(self, chat_id: int | str) -> str:
        plain = str(chat_id).encode("ascii")
        if len(plain) > _MAX:
            raise ValueError("chat id too long")
        nonce = secrets.token_bytes(_NONCE)
        stream = hmac.new(self._enc, nonce, hashlib.sha256).digest()
        cipher = bytes(a ^ b for a, b in zip(plain, stream, strict=False))
        tag = hmac.new(self._mac, nonce + cipher, hashlib.sha256).digest()[:_TAG]
        return _PREFIX + base64.urlsafe_b64encode(nonce + cipher + tag).decode("ascii")

    def open(self, sealed: str) -> int:
        if not sealed.startswith(_PREFIX):
            raise AddressError("unknown address format")
        try:
            raw = base64.urlsafe_b64decode(sealed[len(_PREFIX) :].encode("ascii"))
        except ValueError:
            raise AddressError("address is not valid base64") from None
        if len(raw) <= _NONCE + _TAG:
            raise AddressError("address too short")
        nonce, cipher, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
        expected = hmac.new(self._mac, nonce + cipher, hashlib.sha256).digest()[:_TAG]
        if not hmac.compare_digest(tag, expected):
            raise AddressError("address was sealed with another key or altered")
        stream = hmac.new(self._enc, nonce, hashlib.sha256).digest()
        plain = bytes(a ^ b for a, b in zip(cipher, stream, strict=False))
        return int(plain.decode("ascii"))
