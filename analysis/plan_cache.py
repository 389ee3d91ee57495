"""Plans of periods already made in this process, found again by the rows they came from.

A period's suppression plan depends only on its own rows and the council's rules, so
the plan made for one view is the plan for every other view of the same rows: the
dashboard's next filter, next quarter's "last quarter", a chart's month. The key holds
a hash of those rows, so a plan is never served for data that has since changed (an
erasure, a late answer, a new comment): the key changes with it. Written here because
`functools.lru_cache` cannot key on data frames.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import pandas as pd

__all__ = ["PlanCache", "fingerprint"]

T = TypeVar("T")


def fingerprint(frame: pd.DataFrame) -> tuple[int, int]:
    """The number of rows and an order-free hash of their values."""
    if frame.empty:
        return (0, 0)
    try:
        rows = pd.util.hash_pandas_object(frame, index=False)
    except TypeError:  # a column of lists (a comment's themes): hash their text
        listed = [c for c in frame.columns if frame[c].dtype == object]
        rows = pd.util.hash_pandas_object(
            frame.assign(**{c: frame[c].map(repr) for c in listed}), index=False
        )
    return (len(frame), int(rows.to_numpy().sum(dtype="uint64")))


class PlanCache:
    """A bounded, thread-safe map from a plan's inputs to the plan, least recent out."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._plans: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._plans:
                self._plans.move_to_end(key)
                return self._plans[key]  # type: ignore[return-value]
        plan = make()  # outside the lock: a plan can take a second, and makes its parts
        with self._lock:
            self._plans[key] = plan
            self._plans.move_to_end(key)
            while len(self._plans) > self.size:
                self._plans.popitem(last=False)
        return plan

    def clear(self) -> None:
        with self._lock:
            self._plans.clear()
