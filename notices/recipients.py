"""Who hears about an alert on one route: email addresses and at most one Telegram chat."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Recipients:
    emails: tuple[str, ...] = ()
    telegram_chat: str | None = None

    @property
    def empty(self) -> bool:
        return not self.emails and self.telegram_chat is None
