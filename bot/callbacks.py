"""Button data: short, versioned and signed, so a stale or forged press changes nothing.

Telegram returns whatever string a button carried, and anyone can craft one, so
every button is `v1|kind|parts...|mac`, where the mac is an HMAC over the data
and the Telegram user it was made for. Telegram allows 64 bytes; values stay
short by naming options by position and steps by a short hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

VERSION = "v1"
MAX_BYTES = 64
_MAC_CHARS = 10
_STEP_CHARS = 6
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_@.")

# The kinds of button the bot makes.
ANSWER = "a"  # a|session|step tag|option index, s (skip), m<mask> (toggle), d<mask> (done)
# p|c|cohort index (who they are), p|a|cohort index (16 or 17), p|u (under 16); p|b|cohort
# index|band index is an age button sent before the bot took only people aged 16 and over.
PROFILE = "p"
FORGET = "f"  # f|y  or  f|n
FREQUENCY = "r"  # r|frequency key
QUIET = "q"  # q|preset index
CHANGE_PROFILE = "w"  # w
CHECKIN = "c"  # c  (from a reminder)
MENU = "m"  # m|c (check-in), m|o (ask the offer), m|l (not now), m|h (someone to talk to)
REMINDER_OFFER = "n"  # n|frequency key  (asked once, after a first finished check-in)
CONTACT = "g"  # g|alert id|y or n  (after help: would they like someone to get in touch?)
LANGUAGE = "l"  # l|language code  (/language)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def step_tag(step: str) -> str:
    """A short stand-in for a question id; only compared, never reversed."""
    return _b64(hashlib.sha256(step.encode("utf-8")).digest())[:_STEP_CHARS]


@dataclass(frozen=True)
class ButtonData:
    kind: str
    parts: tuple[str, ...]


class ButtonSigner:
    """Makes and checks button data for one bot's secret key."""

    def __init__(self, key: bytes) -> None:
        self._key = hashlib.sha256(b"heard-telegram-buttons|" + key).digest()

    def _mac(self, user_id: int, body: str) -> str:
        digest = hmac.new(self._key, f"{user_id}|{body}".encode(), hashlib.sha256).digest()
        return _b64(digest)[:_MAC_CHARS]

    def encode(self, user_id: int, kind: str, *parts: str | int) -> str:
        fields = [kind, *(str(part) for part in parts)]
        if any(not field or "|" in field or not set(field) <= _SAFE for field in fields):
            raise ValueError(f"button fields must be short plain text: {fields!r}")
        body = "|".join([VERSION, *fields])
        data = f"{body}|{self._mac(user_id, body)}"
        if len(data.encode("utf-8")) > MAX_BYTES:
            raise ValueError(f"button data too long ({len(data)} bytes): {data!r}")
        return data

    def decode(self, user_id: int, data: str | None) -> ButtonData | None:
        """The button's kind and parts, or None if it is malformed, foreign or forged."""
        if not data or len(data.encode("utf-8")) > MAX_BYTES:
            return None
        body, _, mac = data.rpartition("|")
        fields = body.split("|")
        if len(fields) < 2 or fields[0] != VERSION:
            return None
        if not hmac.compare_digest(mac, self._mac(user_id, body)):
            return None
        return ButtonData(kind=fields[1], parts=tuple(fields[2:]))
