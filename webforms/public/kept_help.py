"""Safeguarding help that stays on screen in the web chat for the rest of the visit.

With JavaScript on, chat.js keeps the help in the conversation. With it off, each
post draws a fresh page showing only the last exchange, so the help a person was
just given would vanish with their next message. Instead the chat's forms carry
the help, signed (so nobody can make Heard show other words or numbers) and for a
few hours, and every later page keeps it, folded, above the conversation. It holds
Heard's help text only, never the person's words (and the number of the alert the help
was for, so a reloaded chat can ask "would you like someone to get in touch?" again
while it is unanswered).

With JavaScript on, the page's address stays /chat, so a reload is a plain GET with no
form: chat.js keeps the same sealed help in the tab's own history entry (history.state,
gone with the tab, never sent anywhere but back here) and, after a reload, posts it to
/chat/help, which draws the help again (webforms/public/chat.py).
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
    alert_id: int | None = None

    def sealed(self) -> str:
        data: dict[str, object] = {"t": self.text, "u": self.urgent}
        if self.alert_id is not None:
            data["a"] = self.alert_id
        return _signer().dumps(data)


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
    alert_id = found.get("a")
    return KeptHelp(
        found["t"],
        bool(found.get("u")),
        alert_id if isinstance(alert_id, int) and not isinstance(alert_id, bool) else None,
    )
