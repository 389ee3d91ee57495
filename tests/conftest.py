"""Shared fixtures: real databases (SQLite file and PostgreSQL schema) for every storage test.

PostgreSQL tests use HEARD_TEST_POSTGRES_URL. Under CI=true they default to the CI
server and fail, never skip, if it cannot be reached. Locally they skip with a reason.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from heard.settings import Settings, load_settings
from heard.wiring import Database, open_database

CI_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def postgres_base_url() -> str | None:
    url = os.environ.get("HEARD_TEST_POSTGRES_URL")
    if not url and _in_ci():
        url = CI_POSTGRES_URL
    return url


def _postgres_unavailable_reason(url: str | None) -> str | None:
    if not url:
        return (
            "PostgreSQL tests skipped: set HEARD_TEST_POSTGRES_URL "
            "(CI sets CI=true and uses 127.0.0.1:5432/test)"
        )
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        shown = make_url(url).render_as_string(hide_password=True)
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"PostgreSQL at {shown} unreachable: {first_line}"
    return None


_PG_REASON: list[str | None] = []


def require_postgres() -> str:
    """The base URL, or skip (locally) / fail (in CI) with a clear reason."""
    url = postgres_base_url()
    if not _PG_REASON:
        _PG_REASON.append(_postgres_unavailable_reason(url))
    reason = _PG_REASON[0]
    if reason:
        if _in_ci():
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    assert url is not None
    return url


def _postgres_schema_url(base_url: str) -> Iterator[str]:
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL for a new, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'heard.sqlite3'}"
        return
    yield from _postgres_schema_url(require_postgres())


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'heard.sqlite3'}"


def make_settings(data_dir: Path, database_url: str, **extra: str) -> Settings:
    environ = {"HEARD_DATA_DIR": str(data_dir), "HEARD_DATABASE_URL": database_url, **extra}
    return load_settings(environ=environ, env_file=None)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path / "data", database_url)


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    db = open_database(settings)
    yield db
    db.close()


@pytest.fixture
def quote_writes(database: Database) -> Iterator[list[str]]:
    """Every UPDATE of a respondent that writes quote_consent."""
    seen: list[str] = []

    def spy(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        lowered = statement.lower()
        if lowered.startswith("update respondents") and "quote_consent" in lowered:
            seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", spy)
    yield seen
    event.remove(database.engine, "before_cursor_execute", spy)
