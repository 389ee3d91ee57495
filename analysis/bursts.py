"""Sudden bursts of check-ins, which may be someone trying to move the figure.

Nothing here decides what counts: it points staff at an hour that looks unlike the
rest ("more check-ins in an hour than in a usual week"), by how people came, so they
can ask whether it was a real event (a participation day) or a script.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

BASELINE_WEEKS = 8
# An hour is never a burst below this many check-ins, however quiet the usual week.
MINIMUM = 10


@dataclass(frozen=True)
class Burst:
    hour: datetime  # the hour's start, UTC
    channel: str
    count: int
    usual_week: float  # check-ins a week, all ways in, over the weeks before


def _hour(moment: datetime) -> datetime:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def find_bursts(
    started: Sequence[tuple[datetime, str]],
    since: datetime,
    until: datetime,
    *,
    baseline_weeks: int = BASELINE_WEEKS,
    minimum: int = MINIMUM,
) -> list[Burst]:
    """Hours in [since, until) when one way in had more check-ins than a usual week.

    `started` must cover the `baseline_weeks` before `since` as well."""
    baseline_from = since - timedelta(weeks=baseline_weeks)
    before = sum(1 for moment, _ in started if baseline_from <= _aware(moment) < since)
    usual_week = before / baseline_weeks
    by_hour = Counter(
        (_hour(moment), channel) for moment, channel in started if since <= _aware(moment) < until
    )
    return sorted(
        (
            Burst(hour, channel, count, usual_week)
            for (hour, channel), count in by_hour.items()
            if count >= minimum and count > usual_week
        ),
        key=lambda burst: (burst.hour, burst.channel),
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
