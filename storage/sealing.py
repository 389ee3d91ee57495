"""Encrypting how to reach a person, before it is stored.

A person who asks for someone to get in touch after telling Heard they may not be
safe gives a first name, a worker's name, a phone number or their Telegram chat.
That is the most identifying thing Heard holds, so it is stored encrypted (Fernet:
AES-128-CBC with an HMAC-SHA256 tag, from the `cryptography` package) under a key
derived from HEARD_PSEUDONYM_KEY, which lives outside the database: a copy of the
database alone cannot say how to reach anyone.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"heard-contact-details/1"


class SealError(ValueError):
    """Stored details were sealed with another key, or altered."""


@dataclass(frozen=True)
class ContactDetails:
    """How a person would like to be reached; every part optional."""

    first_name: str = ""
    worker: str = ""
    phone: str = ""
    telegram_chat: int | None = None

    @property
    def empty(self) -> bool:
        return not (self.first_name or self.worker or self.phone or self.telegram_chat)


class ContactSeal:
    def __init__(self, key: bytes) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(key)
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, details: ContactDetails) -> str:
        return self._fernet.encrypt(json.dumps(asdict(details)).encode()).decode("ascii")

    def open(self, sealed: str) -> ContactDetails:
        try:
            raw = json.loads(self._fernet.decrypt(sealed.encode("ascii")))
        except (InvalidToken, ValueError, UnicodeError):
            raise SealError("contact details were sealed with another key or altered") from None
        chat = raw.get("telegram_chat")
        return ContactDetails(
            first_name=str(raw.get("first_name") or ""),
            worker=str(raw.get("worker") or ""),
            phone=str(raw.get("phone") or ""),
            telegram_chat=int(chat) if isinstance(chat, int) else None,
        )
