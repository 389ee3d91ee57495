"""HEARD_REPORT_DATABASE_URL: reports are built from a read replica and stored on the primary.

The replica here is a SQLite copy of the primary taken before more answers arrived, so
a report that reads it shows the copy's figures, not the primary's. Nothing is written
to it: the stored report, the file and the audit line go to the primary.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import make_settings
from sqlalchemy import func, select
from test_report import Q3, scenario, seed

from heard.report_command import run_report
from heard.serve import web_config, web_services
from heard.settings import SettingsError
from heard.wiring import open_database
from storage.models import Answer, GeneratedReport
from webforms.app import create_app
from webforms.staff.figures import report_for


def replica_of(primary: Path, replica: Path) -> None:
    """A consistent copy, as streaming replication would hold at that moment."""
    with sqlite3.connect(primary) as source, sqlite3.connect(replica) as copy:
        source.backup(copy)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_reports_read_the_replica_and_are_stored_on_the_primary(tmp_path: Path) -> None:
    primary_file, replica_file = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    primary_url = f"sqlite:///{primary_file}"
    primary = open_database(make_settings(tmp_path / "data", primary_url))
    seed(primary, scenario())  # 20 KPI answers in 2026-Q3
    replica_of(primary_file, replica_file)
    seed(primary, scenario())  # 20 more, not yet on the replica
    before = digest(replica_file)
    settings = make_settings(
        tmp_path / "data", primary_url, HEARD_REPORT_DATABASE_URL=f"sqlite:///{replica_file}"
    )
    args = argparse.Namespace(period="2026-Q3", format="json", out=str(tmp_path / "out"))
    assert run_report(args, settings) == 0
    written = json.loads((tmp_path / "out" / "heard-report-2026-Q3.json").read_text())
    # The replica's figures: 20 answers, the young people's 14 in the headline and the
    # foster carers' 6 in their own figure.
    assert written["overall"]["n"] + written["carers"]["overall"]["n"] == 20
    assert written["overall"]["n"] == 14

    database = open_database(settings)
    app = create_app(database.sessions, web_config(settings), web_services(settings, database))
    with app.test_request_context("/staff/dashboard"):
        shown = report_for(Q3)  # the dashboard reads the replica too
        assert shown.overall.n == 14
        assert shown.carers is not None and shown.carers.overall.n == 6
    with database.reports.connect() as replica, database.engine.connect() as main:
        assert replica.scalar(select(func.count()).select_from(GeneratedReport)) == 0
        assert main.scalar(select(func.count()).select_from(GeneratedReport)) == 1
        on_replica = replica.scalar(select(func.count()).select_from(Answer))
        assert main.scalar(select(func.count()).select_from(Answer)) == 2 * on_replica
    database.close()
    primary.close()
    assert digest(replica_file) == before


def test_without_a_replica_reports_read_the_primary(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", f"sqlite:///{tmp_path / 'one.sqlite3'}")
    database = open_database(settings)
    assert settings.report_database_url is None and database.reports is database.engine
    database.close()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a url", "HEARD_REPORT_DATABASE_URL is not a database URL"),
        ("mysql://u@h/db", "HEARD_REPORT_DATABASE_URL uses 'mysql'"),
        ("postgresql+psycopg://u@h/db", "same kind of database"),
    ],
)
def test_a_wrong_replica_url_is_named_with_the_fix(tmp_path: Path, url: str, says: str) -> None:
    with pytest.raises(SettingsError, match=says):
        make_settings(
            tmp_path / "data",
            f"sqlite:///{tmp_path / 'x.sqlite3'}",
            HEARD_REPORT_DATABASE_URL=url,
        )
