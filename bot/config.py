"""What the bot needs to know about its deployment, passed in so bot/ never reads settings."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_API_URL = "https://api.telegram.org/bot"


def file_url_for(api_url: str) -> str:
    """The Bot API file URL that goes with an API URL: .../bot -> .../file/bot."""
    base = api_url.rstrip("/")
    if base.endswith("/bot"):
        return base[: -len("bot")] + "file/bot"
    return base + "/file/bot"


@dataclass(frozen=True)
class BotConfig:
    token: str = field(repr=False)
    pseudonym_key: bytes = field(repr=False)
    # Signs button data and locks stored chat addresses; keep it secret and stable.
    secret_key: bytes = field(repr=False)
    api_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    dashboard_url: str = "http://127.0.0.1:5000"
    timezone: str = "Europe/London"
    session_idle_days: int = 14
    reminder_every_seconds: float = 300.0

    @property
    def base_url(self) -> str:
        return self.api_url or DEFAULT_API_URL

    @property
    def base_file_url(self) -> str:
        return file_url_for(self.base_url)
