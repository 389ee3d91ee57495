"""Opening the database the same way for every command and process."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from heard.settings import Settings
from storage.db import check_connection, make_engine, session_factory
from storage.migrate import upgrade


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]
    # Where reports are built from: a read replica (HEARD_REPORT_DATABASE_URL) or, by
    # default, the primary `engine` itself. Only ever read.
    report_engine: Engine | None = None

    @property
    def reports(self) -> Engine:
        return self.report_engine or self.engine

    def close(self) -> None:
        self.engine.dispose()
        if self.report_engine is not None:
            self.report_engine.dispose()


def open_database(settings: Settings, *, upgrade_schema: bool = True) -> Database:
    """Connect (one clear line if we can't) and bring the schema up to date."""
    engine = make_engine(settings.database_url)
    check_connection(engine)
    if upgrade_schema:
        upgrade(engine)
    replica = None
    if settings.report_database_url is not None:
        replica = make_engine(settings.report_database_url)
        check_connection(replica)
    return Database(engine=engine, sessions=session_factory(engine), report_engine=replica)


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str, log_format: str = "text") -> None:
    """Logs on stderr, as lines of text or (HEARD_LOG_FORMAT=json) one JSON object per
    line for a log collector: time, level, logger, message and any traceback. Child text
    and secrets are never passed to a logger; the filters that hide links and tokens
    work on the message before either format sees it."""
    handler = logging.StreamHandler()
    if log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(
            JsonFormatter(
                "%(levelname)s %(name)s %(message)s",
                rename_fields={"levelname": "level", "name": "logger"},
                timestamp="time",  # ISO 8601, UTC
            )
        )
    else:
        handler.setFormatter(logging.Formatter(PLAIN_FORMAT))
    logging.basicConfig(level=getattr(logging, level, logging.INFO), handlers=[handler])
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
