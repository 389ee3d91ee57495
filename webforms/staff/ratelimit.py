"""A per-address limit on failed sign-ins, kept in memory.

Account lockout stops guessing one password; this stops one address trying many
accounts. It lives in one process: `heard web --workers N` (or N machines) gives
an address up to N times the limit, while account lockout, in the database, holds
across them all. Behind a reverse proxy the wiring must pass the client address through
(e.g. werkzeug's ProxyFix), or every visitor shares the proxy's address.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable


class FailureLimiter:
    """At most `limit` failures per key in a sliding `window` of seconds."""

    def __init__(
        self,
        limit: int = 10,
        window: float = 600.0,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.max_keys, self._clock = limit, window, max_keys, clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, self._clock())) >= self.limit

    def retry_after(self, key: str) -> int:
        """Seconds until the oldest failure in the window expires (at least 1)."""
        with self._lock:
            now = self._clock()
            times = self._recent(key, now)
            return max(1, int(times[0] + self.window - now) + 1) if times else 1

    def fail(self, key: str) -> None:
        with self._lock:
            now = self._clock()
            times = self._recent(key, now)
            times.append(now)
            self._failures[key] = times
            self._failures.move_to_end(key)
            while len(self._failures) > self.max_keys:  # bounded memory under a flood
                self._failures.popitem(last=False)
