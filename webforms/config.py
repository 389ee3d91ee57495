"""What the web app needs to know, passed in by the wiring (never read from env here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WebConfig:
    secret_key: str
    base_url: str = "http://127.0.0.1:5000"
    kpi_target: float = 0.80
    suppression_threshold: int = 5
    timezone: str = "Europe/London"
    secure_cookies: bool = False
