"""A safeguarding lead's words to a person's Heard chat on Telegram.

A person who told Heard they may not be safe, and then said "Yes, please" to "Would you
like someone from the council to get in touch?" in Telegram, has their chat sealed on
the alert (surveys.contact). From the alert page the lead writes to them there: one Bot
API `sendMessage` as the bot, through the same standard-library sender the staff-chat
notices use (notices.telegram), so the token never reaches a log. The words go as plain
text, exactly as checked here; the page records them in the alert's history.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from notices.senders import SendFailed
from notices.telegram import TIMEOUT_SECONDS, TelegramSender

MESSAGE_MAX = 1000
EMPTY = "Write your message first."
TOO_LONG = (
    "Please keep the message to {limit:,} characters or fewer (it has {length:,}): "
    "a short message is easier to read on a phone."
)
HIDDEN = (
    "The message had characters that are not shown on screen (control or text-direction "
    "characters, perhaps pasted from elsewhere). They have been taken out: please check "
    "it reads as you meant, then send it again."
)
# Characters that change how text reads without being seen: text-direction overrides,
# embeddings and isolates. A lead pasting from a document should not send them.
_DIRECTION = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ALLOWED_CONTROLS = frozenset("\n\t")


@dataclass(frozen=True)
class CheckedMessage:
    """The words as they will be sent (or, with a problem, as they are best shown back
    for the lead to put right), and what to put right first ("" if nothing)."""

    text: str
    problem: str = ""


def check_message(raw: str | None) -> CheckedMessage:
    """A lead's message, checked before it goes: not empty, at most MESSAGE_MAX
    characters, nothing hidden. Line breaks are kept; spaces at either end are not."""
    text = (raw or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return CheckedMessage("", EMPTY)
    shown = "".join(ch for ch in text if not _hidden(ch)).strip()
    if shown != text:
        return CheckedMessage(shown, EMPTY if not shown else HIDDEN)
    if len(text) > MESSAGE_MAX:
        return CheckedMessage(text, TOO_LONG.format(limit=MESSAGE_MAX, length=len(text)))
    return CheckedMessage(text)


def _hidden(ch: str) -> bool:
    return ch in _DIRECTION or (
        unicodedata.category(ch) in ("Cc", "Cs") and ch not in _ALLOWED_CONTROLS
    )


class ChildMessenger:
    """Sends one message to a person's Heard chat, as the bot. `api_url` may be a
    self-hosted Bot API server (HEARD_TELEGRAM_API_URL), as for the bot itself."""

    def __init__(
        self, token: str, api_url: str | None = None, *, timeout: float = TIMEOUT_SECONDS
    ) -> None:
        self._sender = TelegramSender(token, api_url, timeout=timeout)

    def __repr__(self) -> str:
        return f"ChildMessenger(api_url={self._sender.api_url!r})"

    def send(self, chat_id: int, message: CheckedMessage) -> None:
        """Deliver, or raise SendFailed (one loggable line: no token, no words, no chat).
        `channel_down` False: Telegram refused this chat (blocked, deleted)."""
        if message.problem or not message.text:
            raise ValueError("check_message found something to put right first")
        self._sender.send_text(chat_id, message.text)


__all__ = [
    "MESSAGE_MAX",
    "CheckedMessage",
    "ChildMessenger",
    "SendFailed",
    "check_message",
]
