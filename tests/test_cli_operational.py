"""What a council's IT officer meets when something is wrong: one line and exit 2, and
files with children's data readable by their owner only (issue 18, items 2 and 3)."""

from __future__ import annotations

import os
import socket
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest
from test_cli import run


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("workers", [[], ["--workers", "2"]])
def test_a_port_in_use_is_one_line_and_nothing_claims_to_be_answering(
    tmp_path: Path, workers: list[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(["web", "--port", str(port), *workers], tmp_path)
    line = one_line(result)
    assert f"port {port} on 127.0.0.1 is already in use" in line
    assert "--port" in line
    assert "answering" not in result.stdout


def test_a_missing_sqlite_folder_is_an_error_not_a_new_folder(tmp_path: Path) -> None:
    where = tmp_path / "not-here" / "deeper"
    result = run(["init"], tmp_path, HEARD_DATABASE_URL=f"sqlite:///{where}/x.db")
    assert f"the folder {where} for the SQLite database does not exist" in one_line(result)
    assert not where.exists() and not where.parent.exists()


def test_data_dir_may_come_after_the_command(tmp_path: Path) -> None:
    after = tmp_path / "after"
    result = run(["init", "--data-dir", str(after)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (after / "heard.sqlite3").is_file()
    before = tmp_path / "before"
    result = run(["--data-dir", str(before), "init"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (before / "heard.sqlite3").is_file()


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("", "empty.csv is empty; its first row must name the columns"),
        ("   \n", "empty.csv is empty; its first row must name the columns"),
        ("name,score\nAmy,5\n", "first row is not the results header (missing: respondent_ref"),
        (
            "respondent_ref,cohort,age_band,survey_id,question_id,answer,answered_at\n",
            "has its header but no rows below it: nothing to import",
        ),
    ],
)
@pytest.mark.parametrize("skip", [[], ["--skip-invalid"]])
def test_an_empty_or_wrong_csv_is_refused_in_one_line_even_with_skip_invalid(
    tmp_path: Path, content: str, needle: str, skip: list[str]
) -> None:
    csv = tmp_path / "empty.csv"
    csv.write_text(content, encoding="utf-8")
    line = one_line(run(["import-responses", *skip, str(csv)], tmp_path))
    assert needle.replace("empty.csv", csv.name) in line
    assert "-1" not in line and "of 0 rows" not in line


def test_skip_invalid_with_no_valid_row_imports_nothing_and_says_so(tmp_path: Path) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text(
        "respondent_ref,cohort,age_band,survey_id,question_id,answer,answered_at\n"
        "A1,child,11-17,no-such-survey,q,5,2026-07-01\n",
        encoding="utf-8",
    )
    result = run(["import-responses", "--skip-invalid", str(csv)], tmp_path)
    assert result.returncode == 2
    assert "bad.csv: row 2" in result.stderr  # what is wrong with the row
    assert "nothing was imported from bad.csv" in result.stderr.splitlines()[-1]


def test_the_database_its_journal_the_keys_and_reports_are_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)  # a typical server umask: files would be 0644
    try:
        data = tmp_path / "data"
        assert run(["init"], tmp_path).returncode == 0
        database = data / "heard.sqlite3"
        assert mode(data) == 0o700
        assert mode(database) == 0o600
        assert mode(data / "pseudonym_key") == 0o600
        with sqlite3.connect(database) as live:  # while Heard has it open: WAL and shm
            live.execute("PRAGMA journal_mode=WAL")
            live.execute("CREATE TABLE IF NOT EXISTS probe (x)")
            live.execute("INSERT INTO probe VALUES (1)")
            journals = list(data.glob("heard.sqlite3-*"))
            assert {j.name for j in journals} >= {"heard.sqlite3-wal", "heard.sqlite3-shm"}
            for journal in journals:
                assert mode(journal) == 0o600, journal
        database.chmod(0o644)  # made by an older Heard: tightened on the next start
        assert run(["init"], tmp_path).returncode == 0
        assert mode(database) == 0o600
        out = tmp_path / "reports"
        result = run(["report", "--period", "2026-10", "--out", str(out)], tmp_path)
        assert result.returncode == 0, result.stderr
        written = list(out.iterdir())
        assert written and all(mode(path) == 0o600 for path in written)
        assert mode(out) == 0o700
    finally:
        os.umask(old)
