"""Making sure only one scheduler in a deployment runs the jobs.

PostgreSQL: a session advisory lock, released by the server if the holder dies. The
lock is keyed by schema too, so two deployments sharing one database each have a leader.
SQLite: a lease row renewed by the holder; another process takes over once it lapses.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection, Engine, insert, text, update
from sqlalchemy.exc import IntegrityError

from storage.models import SchedulerLeader, utcnow

ADVISORY_KEY = 0x48454152  # "HEAR"
# pg_advisory_lock(int4, int4): Heard's key, and the deployment's schema.
_LOCK = "SELECT pg_try_advisory_lock(:k, hashtext(current_schema()))"
_UNLOCK = "SELECT pg_advisory_unlock(:k, hashtext(current_schema()))"
LEASE = timedelta(seconds=90)


class LeaderLock:
    def __init__(self, engine: Engine, holder: str) -> None:
        self.engine = engine
        self.holder = holder
        self._connection: Connection | None = None
        self.held = False

    def try_acquire(self) -> bool:
        """Take or renew leadership; cheap enough to call every few seconds."""
        if self.engine.dialect.name == "postgresql":
            return self._advisory()
        return self._lease()

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(text(_UNLOCK), {"k": ADVISORY_KEY})
                self._connection.commit()
            finally:
                self._connection.close()
                self._connection = None
        elif self.held:
            with self.engine.begin() as connection:
                connection.execute(
                    update(SchedulerLeader)
                    .where(SchedulerLeader.id == 1, SchedulerLeader.holder == self.holder)
                    .values(expires_at=utcnow())
                )
        self.held = False

    def _advisory(self) -> bool:
        if self.held and self._connection is not None:
            try:
                self._connection.execute(text("SELECT 1"))
                return True
            except Exception:  # noqa: BLE001 - the connection died, and the lock with it
                self._connection = None
                self.held = False
        connection = self.engine.connect()
        got = connection.execute(text(_LOCK), {"k": ADVISORY_KEY}).scalar()
        connection.commit()
        if got:
            self._connection, self.held = connection, True
        else:
            connection.close()
        return bool(got)

    def _lease(self) -> bool:
        now = utcnow()
        with self.engine.begin() as connection:
            renewed = connection.execute(
                update(SchedulerLeader)
                .where(SchedulerLeader.id == 1)
                .where((SchedulerLeader.holder == self.holder) | (SchedulerLeader.expires_at < now))
                .values(holder=self.holder, expires_at=now + LEASE)
            ).rowcount
        if not renewed:
            try:
                with self.engine.begin() as connection:
                    connection.execute(
                        insert(SchedulerLeader).values(
                            id=1, holder=self.holder, expires_at=now + LEASE
                        )
                    )
                renewed = 1
            except IntegrityError:
                renewed = 0
        self.held = bool(renewed)
        return self.held
