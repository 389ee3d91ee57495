"""The BI API: a bearer token, whole periods only, the report's own suppressed cells,
and a fuzzed OpenAPI description that never finds a 500."""

from __future__ import annotations

import argparse
import json
from typing import Any

import hypothesis
import pytest
import schemathesis
from flask import Flask
from test_comparators import AUG_2025, AUG_2026, _answers
from test_report import CATALOGUE, seed

from analysis.periods import parse_period
from analysis.report import ReportOptions, build_report, to_dict
from heard.api_command import run_api_token
from heard.cli import main
from heard.settings import Settings
from heard.wiring import Database
from storage.api_tokens import TokenError, add_token, revoke_token, token_for
from storage.audit import audit_entries
from storage.db import transaction
from webforms.app import create_app
from webforms.config import WebConfig


@pytest.fixture
def app(database: Database, settings: Settings) -> Flask:
    app = create_app(database.sessions, WebConfig(secret_key=settings.secret_key))
    app.config["TESTING"] = True
    return app


def _token(database: Database, name: str = "power-bi") -> str:
    with transaction(database.sessions) as session:
        return add_token(session, name)[1]


def _get(app: Flask, path: str, token: str | None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return app.test_client().get(path, headers=headers)


def test_without_a_token_it_is_401_and_says_how(app: Flask, database: Database) -> None:
    for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"}):
        response = app.test_client().get("/api/v1/kpi?period=2026-Q3", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "Authorization: Bearer" in response.get_json()["error"]
    wrong = _get(app, "/api/v1/kpi?period=2026-Q3", "heard_not-a-real-token")
    assert wrong.status_code == 401 and "not known" in wrong.get_json()["error"]


def test_with_a_token_the_headline_is_the_reports_own_suppressed_cell(
    app: Flask, database: Database
) -> None:
    seed(database, _answers("now", AUG_2026, 8, 10) + _answers("lastyear", AUG_2025, 3, 3))
    token = _token(database)
    response = _get(app, "/api/v1/kpi?period=2026-Q3", token)
    assert response.status_code == 200
    data = response.get_json()
    with database.engine.connect() as connection:
        report = to_dict(
            build_report(connection, parse_period("2026-Q3"), ReportOptions(), catalogue=CATALOGUE)
        )
    assert data["overall"] == json.loads(json.dumps(report["overall"]))
    assert data["overall"]["rate"] == 0.8 and data["overall"]["n"] == 10
    last_year = data["comparisons"][1]
    assert last_year["name"] == "The same quarter last year" and last_year["rate"] is None
    assert "3" not in (data["overall_year_on_year"]["n_display"] or "")
    with transaction(database.sessions) as session:
        entry = audit_entries(session, "api.read")[0]
        assert entry.actor == "api:power-bi" and entry.target == "/api/v1/kpi"
    for path in ("/api/v1/breakdowns", "/api/v1/monthly", "/api/v1/report"):
        whole = _get(app, f"{path}?period=2026-Q3", token)
        assert whole.status_code == 200 and whole.get_json()["period"]["label"] == "2026-Q3"
    assert "quotes" not in _get(app, "/api/v1/report?period=2026-Q3", token).get_json()


@pytest.mark.parametrize(
    "period",
    [
        "2026-07-01..2026-08-15",
        "2026-13",
        "last month",
        "x" * 500,
        "2026-Q3'; DROP TABLE answers;--",
        "\u202e2026",
    ],
)
def test_ranges_and_nonsense_get_a_400_in_words(
    app: Flask, database: Database, period: str
) -> None:
    response = _get(app, f"/api/v1/kpi?period={period}", _token(database))
    assert response.status_code == 400 and response.get_json()["error"]


@pytest.mark.parametrize("period", ["2026-10", "2026-Q3", "2026-27", ""])
def test_every_published_period_is_served(app: Flask, database: Database, period: str) -> None:
    response = _get(app, f"/api/v1/kpi?period={period}", _token(database))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("period", "why"),
    [("2026", "try 2025-26 or 2026-27"), ("2026-07-01..2026-07-31", "not date ranges")],
)
def test_calendar_years_and_ranges_are_refused_and_say_why(
    app: Flask, database: Database, period: str, why: str
) -> None:
    response = _get(app, f"/api/v1/kpi?period={period}", _token(database))
    assert response.status_code == 400
    assert why in response.get_json()["error"] and "subtracted" in response.get_json()["error"]


def test_a_revoked_token_stops_at_once(app: Flask, database: Database) -> None:
    token = _token(database)
    assert _get(app, "/api/v1/kpi", token).status_code == 200
    with transaction(database.sessions) as session:
        revoke_token(session, "power-bi")
    assert _get(app, "/api/v1/kpi", token).status_code == 401


def test_tokens_are_kept_only_as_hashes(database: Database) -> None:
    token = _token(database)
    with database.engine.connect() as connection:
        stored = " ".join(
            str(v) for row in connection.exec_driver_sql("SELECT * FROM api_tokens") for v in row
        )
    assert token not in stored and token[6:] not in stored
    with transaction(database.sessions) as session:
        assert token_for(session, token) is not None
        assert token_for(session, token + "x") is None
        with pytest.raises(TokenError):
            add_token(session, "power-bi")  # one name, one token
        with pytest.raises(TokenError):
            add_token(session, "../../etc/passwd")
        with pytest.raises(TokenError):
            revoke_token(session, "nobody")


def test_the_command_makes_lists_and_revokes(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*argv: str) -> int:
        return run_api_token(
            argparse.Namespace(**dict(zip(("api_command", "name"), argv, strict=False))), settings
        )

    assert run("add", "power-bi") == 0
    printed = capsys.readouterr().out
    token = next(line for line in printed.splitlines() if line.startswith("heard_"))
    assert len(token) > 40
    assert run("list") == 0
    listed = capsys.readouterr().out
    assert "power-bi\tlive" in listed and token not in listed
    assert run("revoke", "power-bi") == 0
    assert run("list") == 0
    assert "power-bi\trevoked" in capsys.readouterr().out


def test_the_heard_command_refuses_a_bad_name_in_one_line(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEARD_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("HEARD_DATABASE_URL", settings.database_url)
    assert main(["api-token", "add", "bad/name"]) == 2
    assert "cannot be a token name" in capsys.readouterr().err


def test_the_openapi_description_is_served_without_a_token(app: Flask) -> None:
    response = app.test_client().get("/api/v1/openapi.json")
    document = response.get_json()
    assert response.status_code == 200 and document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/api/v1/kpi",
        "/api/v1/breakdowns",
        "/api/v1/monthly",
        "/api/v1/report",
    }


def test_fuzzing_the_api_finds_no_500(app: Flask, database: Database) -> None:
    """Every operation in the OpenAPI description, with generated query strings, with and
    without a token. (Schemathesis's strategies driven by hypothesis directly: its pytest
    plugin and this pytest disagree.)"""
    seed(database, _answers("now", AUG_2026, 8, 10))
    token = _token(database, "fuzzer")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 4
    for operation in operations:

        @hypothesis.given(case=operation.as_strategy())
        @hypothesis.settings(
            max_examples=6, deadline=None, suppress_health_check=list(hypothesis.HealthCheck)
        )
        def call(case: Any) -> None:
            for headers in ({"Authorization": f"Bearer {token}"}, {}):
                response = case.call(headers=headers)
                assert response.status_code < 500, response.text
                assert isinstance(response.json(), dict)  # JSON, even for a problem
                if not headers:
                    assert response.status_code == 401

        call()
