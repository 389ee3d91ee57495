"""Safeguarding help that stays on screen in the web chat for the rest of the visit.

With JavaScript on, chat.js keeps the help in the conversation. With it off, each
post draws a fresh page showing only the last exchange, so the help a person was
just given would vanish with their next message. Instead the chat's forms carry
the help, signed (so nobody can make Heard show other words or numbers) and for a
few hours, and every later page keeps it, folded, above the conversation. It holds
Heard's help text only, never the person's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

FIELD = "help"
KEPT_FOR = timedelta(hours=3)
_SALT = "heard.chat-help"


@dataclass(frozen=True)
class KeptHelp:
    text: str
    urgent: bool

    def sealed(self) -> str:
        return _signer().dumps({"t": self.text, "u": self.urgent})


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=_SALT)


def posted_help() -> KeptHelp | None:
    """The help this chat has already shown, as carried by the form just posted."""
    raw = request.form.get(FIELD, "")
    if not raw or len(raw) > 8000:
        return None
    try:
        found = _signer().loads(raw, max_age=int(KEPT_FOR.total_seconds()))
    except BadSignature:  # also SignatureExpired
        return None
    if not isinstance(found, dict) or not isinstance(found.get("t"), str):
        return None
    return KeptHelp(found["t"], bool(found.get("u")))
