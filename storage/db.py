"""Creating database engines and sessions the same way for SQLite and PostgreSQL."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar, cast

from sqlalchemy import CursorResult, Engine, Executable, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

P = ParamSpec("P")
R = TypeVar("R")


class DatabaseUnavailable(Exception):
    """The database cannot be reached; str(error) is one line for a person."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the bot, the web app and the scheduler write without "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class _RowValuesHidden(logging.Filter):
    """SQLAlchemy's DEBUG echo logs every row it reads, and a row can hold a child's words:
    hide_parameters keeps out what is written, this keeps out what is read."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == "Row %r":
            record.msg, record.args = "Row [values hidden]", ()
        return True


_ROW_FILTER = _RowValuesHidden()


def _hide_row_values() -> None:
    engine_log = logging.getLogger("sqlalchemy.engine.Engine")
    if _ROW_FILTER not in engine_log.filters:
        engine_log.addFilter(_ROW_FILTER)


def make_engine(url: str, **options: Any) -> Engine:
    """An engine with pre-ping, so a restarted database is reconnected without a restart.

    Whatever the log level, no value a child wrote reaches a log: statements are logged
    without their parameters and rows without their values."""
    _hide_row_values()
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"not a database URL: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.query.get("mode"):
            _private_sqlite_file(parsed.database)
        engine = create_engine(
            parsed,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_pre_ping=True,
            hide_parameters=True,
            **options,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(
        parsed,
        pool_pre_ping=True,
        hide_parameters=True,  # a failed INSERT must never echo a child's words into a log
        pool_size=options.pop("pool_size", 5),
        max_overflow=options.pop("max_overflow", 10),
        connect_args={"connect_timeout": 5},
        **options,
    )


def _private_sqlite_file(database: str) -> None:
    """The database holds children's words: create it readable by its owner only (SQLite
    gives its -wal and -shm files the database file's permissions), and tighten one an
    older Heard created 0644. Its folder must exist: a mistyped HEARD_DATABASE_URL is an
    error, not a new folder somewhere unexpected."""
    path = Path(database).expanduser()
    if not path.parent.is_dir():
        raise DatabaseUnavailable(
            f"the folder {path.parent} for the SQLite database does not exist; create it, "
            f"or check HEARD_DATABASE_URL (sqlite:////absolute/path/heard.sqlite3)"
        )
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        if path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
            path.chmod(0o600)
    except OSError as exc:
        raise DatabaseUnavailable(
            f"cannot open the SQLite database {path} ({exc.strerror}); check the folder's "
            f"owner and permissions"
        ) from None


def check_connection(engine: Engine) -> None:
    """Fail with one clear line when the database is unreachable."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        shown = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(
            f"cannot reach the database at {shown} ({reason}); check HEARD_DATABASE_URL "
            f"and that the database server is running"
        ) from None


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def retry_if_disconnected(work: Callable[P, R]) -> Callable[P, R]:
    """Run `work` once more if its database connection died under it.

    Pre-ping only checks a connection as it leaves the pool; one that dies mid-request
    (a database restart, a dropped network) fails that request. SQLAlchemy has then
    thrown the dead connections away, so a second go reconnects. Only for work that is
    safe to repeat: every step its own transaction, and anything that changes data
    carrying an update key, so a commit that did land is not made twice.
    """

    @functools.wraps(work)
    def once_more(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return work(*args, **kwargs)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
        return work(*args, **kwargs)

    return once_more


def rows_changed(
    session: Session, statement: Executable, params: Mapping[str, Any] | None = None
) -> int:
    """Run an INSERT, UPDATE or DELETE and say how many rows it touched.

    Session.execute is typed as returning Result; for these statements it is a
    CursorResult, which carries rowcount. Saying so once here keeps the type checker
    honest everywhere else."""
    result = session.execute(statement, params)
    return cast(CursorResult[Any], result).rowcount
