"""What the sweep needs of a channel that carries notices (email, Telegram)."""

from __future__ import annotations

from typing import Protocol

from notices.recipients import Recipients
from notices.wording import Notice


class SendFailed(Exception):
    """A notice that was not delivered; `str()` is one loggable line with no secrets.

    `channel_down` says the whole channel is failing (relay unreachable, login refused),
    so a sweep stops using it until its next run rather than failing once per alert.
    """

    def __init__(self, reason: str, *, channel_down: bool = True) -> None:
        super().__init__(reason)
        self.channel_down = channel_down


class Sender(Protocol):
    channel: str

    def addressed(self, recipients: Recipients) -> bool:
        """Whether these recipients include someone on this channel."""
        ...

    def send(self, recipients: Recipients, notice: Notice, *, kind: str) -> None:
        """Deliver, or raise SendFailed."""
        ...
