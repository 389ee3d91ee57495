"""Fast batched inserts for the demo generator, imports and benchmark data sets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, func, insert, select

from storage.models import Base

BULK_ORDER = ("respondents", "invites", "survey_sessions", "answers", "comments")


def insert_rows(connection: Connection, table_name: str, rows: list[dict[str, Any]]) -> int:
    """One executemany per table; rows carry their own ids so no RETURNING is needed."""
    if not rows:
        return 0
    table = Base.metadata.tables[table_name]
    connection.execute(insert(table), rows)
    return len(rows)


def insert_batches(
    connection: Connection, batches: Iterable[Mapping[str, list[dict[str, Any]]]]
) -> dict[str, int]:
    """Insert batches in foreign-key order, committing after each so memory stays flat."""
    totals = dict.fromkeys(BULK_ORDER, 0)
    for batch in batches:
        for table_name in BULK_ORDER:
            totals[table_name] += insert_rows(connection, table_name, batch.get(table_name, []))
        connection.commit()
    return totals


def max_ids(connection: Connection) -> dict[str, int]:
    """Where new explicit ids must start, so a second run never collides."""
    result = {}
    for table_name in BULK_ORDER:
        table = Base.metadata.tables[table_name]
        result[table_name] = connection.scalar(select(func.max(table.c.id))) or 0
    return result


def reset_sequences(connection: Connection) -> None:
    """After explicit-id inserts, PostgreSQL's sequences must catch up."""
    if connection.dialect.name != "postgresql":
        return
    for table_name in BULK_ORDER:
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table_name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table_name}), 0) + 1, false)"
        )
    connection.commit()


def delete_all_activity(connection: Connection) -> None:
    """Used by `heard demo --fresh`: drop synthetic activity, keep schema and staff."""
    for table_name in ("comments", "answers", "survey_sessions", "invites", "respondents"):
        connection.execute(Base.metadata.tables[table_name].delete())
    for table_name in ("safeguarding_alerts", "offer_queries", "processed_updates", "reports"):
        connection.execute(Base.metadata.tables[table_name].delete())
    connection.commit()
