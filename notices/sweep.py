"""The one sweep that tells people about alerts: each notice and each escalation, once.

Run every few seconds by the scheduler's leader (`heard.jobs:send_alert_notices`),
whether or not there is a bot. For each alert not yet announced it works out the
route, claims the alert in the database (a conditional UPDATE with a lease, see
`storage.notifications`), sends on every channel the route has (email, Telegram),
records each channel as it succeeds and marks the alert announced. Then it does the
same for each alert still "new" after its route's escalation time, counted from when it
was raised or, for an alert reopened since, from its reopening.

Exactly once: a claim is taken by one sweep only, so two schedulers, or anything else
sweeping, never both send. A send that fails is released and retried at the next
sweep, on the failed channel only. A process that dies after claiming leaves a claim
that lapses after `lease`, and the next sweep takes it again, so nothing is lost; the
one window left is a death after the relay or Telegram accepted a message and before
the database recorded it, which repeats that notice once (never loses it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from notices.recipients import Recipients
from notices.routes import Route, RouteBook
from notices.senders import Sender, SendFailed
from notices.wording import Notice
from storage.db import transaction
from storage.models import utcnow
from storage.notifications import (
    ESCALATION,
    NOTICE,
    AlertToTell,
    Kind,
    claim,
    escalations_due,
    finish,
    notices_due,
    record_sent,
    release,
)

log = logging.getLogger("heard.notices")
# Longer than any send can take (each channel times out in 15 s), so a live sweep never
# loses its claim; short enough that a claim left by a dead process lapses quickly.
LEASE = timedelta(minutes=3)


@dataclass(frozen=True)
class Outbox:
    """What a sweep sends with and where to."""

    routes: RouteBook
    senders: tuple[Sender, ...]
    base_url: str
    timezone: str = "Europe/London"
    lease: timedelta = LEASE

    def link(self, alert_id: int) -> str:
        return f"{self.base_url.rstrip('/')}/staff/alerts/{alert_id}"

    def can_reach(self, recipients: Recipients) -> bool:
        return any(sender.addressed(recipients) for sender in self.senders)


class FailureLog:
    """One log line for each channel that fails, not one for every alert and every sweep:
    a failure is logged when it starts or changes, then every `every` while it lasts, and
    its end is logged too. A process keeps one, so the sweeps it runs share it."""

    def __init__(self, every: float = 600.0) -> None:
        self.every = every
        self._last: dict[str, tuple[str, float]] = {}

    def failed(self, channel: str, reason: str, waiting: list[int]) -> None:
        now = time.monotonic()
        last = self._last.get(channel)
        if last is not None and last[0] == reason and now - last[1] < self.every:
            return
        self._last[channel] = (reason, now)
        shown = ", ".join(str(n) for n in waiting[:10]) + (" ..." if len(waiting) > 10 else "")
        log.error(
            "alert notices by %s are failing: %s; alert(s) %s will be tried again",
            channel,
            reason,
            shown,
        )

    def working(self, channel: str) -> None:
        if self._last.pop(channel, None) is not None:
            log.warning("alert notices by %s are going out again", channel)


@dataclass
class SweepResult:
    notices: int = 0  # alerts whose notice went out on every channel they needed
    escalations: int = 0
    unreachable: int = 0  # alerts whose route has nobody any channel can reach
    retry: list[int] = field(default_factory=list)  # alerts left for the next sweep


@dataclass
class _Run:
    sessions: sessionmaker[Session]
    outbox: Outbox
    now: datetime  # when the sweep began: what is due is judged against it
    failures: FailureLog
    fixed_clock: bool = False  # a test passed `now`: every claim is made at that time
    result: SweepResult = field(default_factory=SweepResult)
    down: set[str] = field(default_factory=set)  # channels failing as a whole this sweep
    reasons: dict[str, str] = field(default_factory=dict)  # the last failure on each
    failed: dict[str, list[int]] = field(default_factory=dict)  # alerts each failed
    worked: set[str] = field(default_factory=set)

    def clock(self) -> datetime:
        """The time of a claim: now, not when the sweep began, so a long sweep's later
        claims get their full lease."""
        return self.now if self.fixed_clock else utcnow()


def sweep(
    sessions: sessionmaker[Session],
    outbox: Outbox,
    *,
    now: datetime | None = None,
    failures: FailureLog | None = None,
) -> SweepResult:
    """Send every notice and escalation that is due; what was sent and what waits."""
    run = _Run(sessions, outbox, now or utcnow(), failures or FailureLog(), now is not None)
    if outbox.senders:  # with no way to send at all, every alert waits (and start-up said so)
        for alert in _pages(run, NOTICE):
            route = outbox.routes.route_of(alert.route, alert.category, alert.level)
            if _deliver(run, NOTICE, alert, route, route.to):
                run.result.notices += 1
        for alert in _pages(run, ESCALATION):
            route = outbox.routes.route_of(alert.route, alert.category, alert.level)
            if alert.waiting_since > run.now - timedelta(minutes=route.escalate_after_minutes):
                continue  # its route waits longer than the soonest one
            if _deliver(run, ESCALATION, alert, route, route.escalation_recipients):
                run.result.escalations += 1
    for channel, alert_ids in run.failed.items():
        run.failures.failed(channel, run.reasons.get(channel, "not tried"), alert_ids)
    for channel in run.worked - set(run.failed):
        run.failures.working(channel)
    return run.result


def _pages(run: _Run, kind: Kind, size: int = 100) -> Iterator[AlertToTell]:
    """Every alert due, a page at a time, each page read in its own short transaction."""
    soonest = min(route.escalate_after_minutes for route in run.outbox.routes.routes.values())
    after = 0
    while True:
        with transaction(run.sessions) as session:
            if kind == NOTICE:
                page = notices_due(session, run.now, run.outbox.lease, size, after)
            else:
                waiting_before = run.now - timedelta(minutes=soonest)
                page = escalations_due(
                    session, waiting_before, run.now, run.outbox.lease, size, after
                )
        yield from page
        if len(page) < size:
            return
        after = page[-1].id


def _notice(run: _Run, kind: Kind, alert: AlertToTell, route: Route) -> Notice:
    waited = None
    if kind == ESCALATION:
        waited = max(0, int((run.now - alert.waiting_since).total_seconds() // 60))
    return Notice(
        alert_id=alert.id,
        category=alert.category,
        level=alert.level,
        route_name=route.name,
        raised_at=alert.created_at,
        reopened_at=alert.reopened_at,
        link=run.outbox.link(alert.id),
        timezone=run.outbox.timezone,
        waited_minutes=waited,
    )


def _deliver(
    run: _Run, kind: Kind, alert: AlertToTell, route: Route, recipients: Recipients
) -> bool:
    """Claim, send on each channel still owed, record, finish; True once it is all sent."""
    outbox = run.outbox
    if not outbox.can_reach(recipients):
        run.result.unreachable += 1  # nobody configured can hear: left for when someone can
        return False
    owed = [s for s in outbox.senders if s.addressed(recipients) and s.channel not in alert.sent_by]
    usable = [s for s in owed if s.channel not in run.down]
    if owed and not usable:
        run.result.retry.append(alert.id)
        for sender in owed:
            run.failed.setdefault(sender.channel, []).append(alert.id)
        return False
    claimed = run.clock()
    with transaction(run.sessions) as session:
        taken = claim(
            session,
            kind,
            alert.id,
            claimed,
            outbox.lease,
            route=route.key if kind == NOTICE else None,
        )
    if not taken:
        return False  # another sweep has it, it is done, or it was acknowledged meanwhile
    sent = set(alert.sent_by)
    notice = _notice(run, kind, alert, route)
    try:
        for sender in usable:
            try:
                sender.send(recipients, notice, kind=kind)
            except SendFailed as exc:
                run.failed.setdefault(sender.channel, []).append(alert.id)
                run.reasons[sender.channel] = str(exc)
                if exc.channel_down:
                    run.down.add(sender.channel)  # no more tries on it this sweep
                continue
            sent.add(sender.channel)
            run.worked.add(sender.channel)
            with transaction(run.sessions) as session:
                record_sent(session, kind, alert.id, claimed, sent)
    except BaseException:
        _release(run, kind, alert.id, claimed)  # an unexpected error or shutdown: retry later
        raise
    if all(s.channel in sent for s in owed):
        with transaction(run.sessions) as session:
            if not finish(session, kind, alert.id, claimed, run.clock()):
                log.warning("alert %d: its %s claim lapsed while sending", alert.id, kind)
        return True
    _release(run, kind, alert.id, claimed)
    run.result.retry.append(alert.id)
    return False


def _release(run: _Run, kind: Kind, alert_id: int, claimed: datetime) -> None:
    with transaction(run.sessions) as session:
        release(session, kind, alert_id, claimed)
