"""The `heard` command as a council officer runs it: real processes, real files."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from heard.cli import build_parser
from storage.migrate import head_revision

HEARD = [sys.executable, "-m", "heard.cli"]


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("HEARD_") or k.startswith("HEARD_TEST")
    }
    environment.update({"HEARD_DATA_DIR": str(tmp_path / "data"), **env})
    return subprocess.run(
        HEARD + args, capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=300
    )


def test_every_subcommand_has_help() -> None:
    parser = build_parser()
    subcommands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    expected = {
        "init",
        "demo",
        "web",
        "bot",
        "scheduler",
        "run",
        "surveys",
        "report",
        "import-responses",
        "export",
        "analyse-text",
        "offer",
        "staff",
    }
    assert expected <= set(subcommands)
    for name, sub in subcommands.items():
        assert sub.format_help(), name


@pytest.mark.parametrize("workers", ["0", "two", "-1"])
def test_web_workers_must_be_a_whole_number_of_one_or_more(
    workers: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["web", "--workers", workers])
    assert "is not a whole number of 1 or more" in capsys.readouterr().err


def test_init_creates_and_upgrades(tmp_path: Path) -> None:
    first = run(["init"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Database ready" in first.stdout
    second = run(["init"], tmp_path)
    assert second.returncode == 0, second.stderr
    database = tmp_path / "data" / "heard.sqlite3"
    with sqlite3.connect(database) as connection:
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        (versions,) = connection.execute("SELECT count(*) FROM survey_versions").fetchone()
    assert revision == head_revision()
    assert versions == 6


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"HEARD_KPI_TARGET": "1.7"}, "HEARD_KPI_TARGET"),
        ({"HEARD_DATABASE_URL": "nonsense"}, "HEARD_DATABASE_URL"),
        (
            {"HEARD_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"},
            "cannot reach the database",
        ),
    ],
)
def test_bad_settings_and_unreachable_database_give_one_line(
    tmp_path: Path, env: dict[str, str], needle: str
) -> None:
    result = run(["init"], tmp_path, **env)
    assert result.returncode == 2
    assert needle in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_surveys_list_and_show_json(tmp_path: Path) -> None:
    listed = run(["surveys", "list", "--json"], tmp_path)
    assert listed.returncode == 0, listed.stderr
    surveys = json.loads(listed.stdout)
    ids = {s["id"] for s in surveys}
    assert ids == {
        "checkin-4-7",
        "checkin-8-11",
        "checkin-11-17",
        "checkin-care-leaver",
        "carer-feedback",
        "pulse",
    }
    for survey in surveys:
        assert set(survey) >= {"id", "version", "title", "audience"}
    shown = run(["surveys", "show", "pulse", "--json"], tmp_path)
    assert shown.returncode == 0, shown.stderr
    pulse = json.loads(shown.stdout)
    assert pulse["id"] == "pulse"
    question = pulse["questions"][0]
    assert set(question) >= {"id", "type", "text", "domain", "themes", "kpi", "optional", "options"}
    assert all({"value", "label", "satisfied_or_better"} <= set(o) for o in question["options"])
    missing = run(["surveys", "show", "nope"], tmp_path)
    assert missing.returncode == 2 and "pulse" in missing.stderr


@pytest.mark.slow
def test_demo_no_serve_builds_thousands_of_answers_deterministically(tmp_path: Path) -> None:
    counts = []
    for name in ("one", "two"):
        data = tmp_path / name
        result = run(["--data-dir", str(data), "demo", "--no-serve", "--seed", "7"], tmp_path)
        assert result.returncode == 0, result.stderr
        assert "Built" in result.stdout and str(data.resolve()) in result.stdout
        with sqlite3.connect(data / "heard.sqlite3") as connection:
            answers = connection.execute(
                "SELECT survey_id, question_id, value, answered_at FROM answers ORDER BY id"
            ).fetchall()
            cohorts = dict(
                connection.execute("SELECT cohort, count(*) FROM respondents GROUP BY cohort")
            )
            comments = connection.execute("SELECT count(*) FROM comments").fetchone()[0]
        counts.append(answers)
        assert len(answers) > 5_000
        assert comments > 100
        assert set(cohorts) == {"child_in_care", "care_leaver", "carer"}
    assert counts[0] == counts[1], "the same seed must give the same data"
    again = run(["--data-dir", str(tmp_path / "one"), "demo", "--no-serve"], tmp_path)
    assert again.returncode == 0 and "already" in again.stdout
    _the_demo_fills_every_screen(tmp_path, tmp_path / "one")


def _the_demo_fills_every_screen(tmp_path: Path, data: Path) -> None:
    """Issue 18: alerts in each state, posts, offer questions (some unanswered), stored
    reports, and a period that ends last month, so `heard report` alone shows answers."""
    today = datetime.now(UTC).date()
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    with sqlite3.connect(data / "heard.sqlite3") as connection:
        statuses = {row[0] for row in connection.execute("SELECT status FROM safeguarding_alerts")}
        posts = dict(
            connection.execute("SELECT published, count(*) FROM you_said_posts GROUP BY 1")
        )
        unsure = connection.execute(
            "SELECT count(*) FROM offer_queries WHERE confident = 0"
        ).fetchone()[0]
        answered = connection.execute(
            "SELECT count(*) FROM offer_queries WHERE confident = 1"
        ).fetchone()[0]
        reports = {row[0] for row in connection.execute("SELECT period_label FROM reports")}
        newest = connection.execute("SELECT max(answered_at) FROM answers").fetchone()[0]
    assert statuses == {"new", "acknowledged", "actioned", "closed"}
    assert posts.get(1, 0) >= 3 and posts.get(0, 0) >= 1  # published, and a draft
    assert unsure >= 1 and answered >= 1
    assert last_month in reports and any("-Q" in label for label in reports)
    assert str(newest).startswith(last_month)
    report = run(["--data-dir", str(data), "report"], tmp_path)
    assert report.returncode == 0, report.stderr
    assert f"({last_month})" in report.stdout and "No answers" not in report.stdout


def test_analyse_text_json_says_what_fired(tmp_path: Path) -> None:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("HEARD_") or k.startswith("HEARD_TEST")
    }
    environment["HEARD_DATA_DIR"] = str(tmp_path / "data")
    lines = "my foster carer hits me\nthe wifi here is rubbish\n"
    result = subprocess.run(
        [*HEARD, "analyse-text", "--json"],
        input=lines,
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    flagged, calm = (json.loads(line)["safeguarding"] for line in result.stdout.splitlines())
    assert flagged["flag"] is True
    assert flagged["category"] == "allegation_about_carer" and flagged["level"] == "urgent"
    assert flagged["source"] in ("lexicon", "lexicon+model")
    assert any(rule.startswith("allegation_about_carer.") for rule in flagged["rules"])
    assert flagged["detected_by"].startswith("lexicon ")
    assert calm == {"flag": False, "category": None, "level": None}


def test_the_demo_says_where_staff_sign_in_on_the_port_it_serves(tmp_path: Path) -> None:
    from dataclasses import replace

    from conftest import make_settings

    from heard.demo.command import sign_in_address

    settings = make_settings(tmp_path / "data", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    default = replace(settings, base_url="http://127.0.0.1:5000")
    assert sign_in_address(default, "127.0.0.1", 5917) == "http://127.0.0.1:5917/staff/login"
    assert sign_in_address(default, "0.0.0.0", 8000) == "http://127.0.0.1:8000/staff/login"
    council = replace(settings, base_url="https://heard.council.example")
    assert sign_in_address(council, "0.0.0.0", 8000) == (
        "https://heard.council.example/staff/login"
    )
