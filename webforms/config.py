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
    # Where the public pages' rate-limit counts live: memory:// for one process, or
    # redis://host:6379/0 to hold across workers and machines (webforms/limits.py).
    rate_limit_storage: str = "memory://"
    # Staff idle timeout (webforms/staff/roles.py) and proxy hops to trust (ProxyFix).
    staff_idle_minutes: int = 30
    trusted_proxies: int = 0
    # /metrics from another machine needs `Authorization: Bearer <this>` (webforms/metrics.py).
    metrics_token: str | None = None
