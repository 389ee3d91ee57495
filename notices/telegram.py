"""Sending a notice to a staff chat on Telegram: one Bot API `sendMessage` call.

The scheduler sends from its own process with the bot's token, so no bot process has
to be running and two bot processes cannot both announce. It uses the standard
library's `urllib` rather than httpx or python-telegram-bot on purpose: neither logs
anything, so the request URL, which carries the token, never reaches a log.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from notices.recipients import Recipients
from notices.senders import SendFailed
from notices.wording import Notice

DEFAULT_API_URL = "https://api.telegram.org/bot"
TIMEOUT_SECONDS = 15.0


class TelegramSender:
    """Posts notices as the bot; `api_url` may be a self-hosted Bot API server."""

    channel = "telegram"

    def __init__(
        self, token: str, api_url: str | None = None, *, timeout: float = TIMEOUT_SECONDS
    ) -> None:
        self._token = token
        self.api_url = (api_url or DEFAULT_API_URL).rstrip("/")
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"TelegramSender(api_url={self.api_url!r})"

    def addressed(self, recipients: Recipients) -> bool:
        return recipients.telegram_chat is not None

    def send(self, recipients: Recipients, notice: Notice, *, kind: str = "notice") -> None:
        chat = recipients.telegram_chat
        if chat is None:
            return
        self.send_text(chat, notice.chat_text())

    def send_text(self, chat: int | str, text: str) -> None:
        """One plain-text message (no markup is read in it) to a chat; SendFailed if not."""
        self._call(
            "sendMessage",
            {"chat_id": chat, "text": text, "link_preview_options": {"is_disabled": True}},
        )

    def who_am_i(self) -> str:
        """The bot's @username (Bot API `getMe`), proving Telegram is reachable and takes
        the token; SendFailed in one line if not."""
        found = self._call("getMe", {})
        return str((found or {}).get("username") or "")

    def _call(self, method: str, params: dict[str, Any]) -> Any:
        request = urllib.request.Request(
            f"{self.api_url}{self._token}/{method}",
            data=json.dumps(params).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise _refused(exc) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or type(exc).__name__
            raise SendFailed(f"could not reach Telegram ({_plain(reason)})") from None
        if not answer.get("ok"):
            raise SendFailed(f"Telegram refused the message ({_plain(answer.get('description'))})")
        return answer.get("result")


def _refused(exc: urllib.error.HTTPError) -> SendFailed:
    """Telegram's refusal in one line. A chat that is wrong or has removed the bot (400,
    403) fails only its own route; anything else (a bad token, rate limits, Telegram
    down) fails the channel for this sweep."""
    try:
        description = json.loads(exc.read() or b"{}").get("description")
    except (ValueError, OSError):
        description = None
    reason = f"{exc.code}: {_plain(description)}" if description else str(exc.code)
    return SendFailed(
        f"Telegram refused the message ({reason})", channel_down=exc.code not in (400, 403)
    )


def _plain(value: object) -> str:
    """Telegram's own words about an error, on one printable line, shortened."""
    text = " ".join(str(value).split())[:120]
    return "".join(ch for ch in text if ch.isprintable())
