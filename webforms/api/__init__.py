"""A read-only JSON API for the council's BI tools: the report's suppressed figures.

Each request needs `Authorization: Bearer <token>` (made with `heard api-token add`,
kept hashed, revocable) and names a month, quarter or financial year. Calendar
years and date ranges are refused, because overlapping spans could be subtracted
to reveal a number the report hides (docs/privacy.md). Every cell is the report's
own, already suppressed (analysis.report.to_dict); quotes are not served. The
OpenAPI description is at /api/v1/openapi.json.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from analysis.periods import Period, PeriodError, last_complete_month
from analysis.report import to_dict
from storage.api_tokens import token_for
from storage.audit import audit
from storage.db import transaction
from webforms.api.openapi import openapi_document
from webforms.staff.blueprint import sessions
from webforms.staff.figures import PeriodOutOfRange, read_period, report_for, today

api = Blueprint("api", __name__, url_prefix="/api/v1")
PERIOD_MAX = 40


class ApiProblem(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _problem(status: int, message: str) -> Response:
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="heard"'
    return response


def _caller() -> str:
    """The token's name, after checking it; refuses with 401 otherwise."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiProblem(401, "send an API token: Authorization: Bearer <token>")
    with transaction(sessions()) as session:
        row = token_for(session, token.strip())
        if row is None:
            raise ApiProblem(401, "this token is not known, or it was revoked")
        audit(
            session,
            f"api:{row.name}",
            "api.read",
            request.path,
            query=request.query_string.decode("utf-8", "replace")[:200],
        )
        return row.name


def _period() -> Period:
    text = (request.args.get("period") or "").strip()
    if not text:
        return last_complete_month(today())
    if len(text) > PERIOD_MAX:
        raise ApiProblem(400, "the period is too long; e.g. 2026-Q3, 2026-10 or 2026-27")
    try:
        return read_period(text)
    except PeriodError as error:
        raise ApiProblem(400, str(error)) from None
    except PeriodOutOfRange:
        raise ApiProblem(404, "there are no figures for that period; e.g. 2026-Q3") from None


def _figures() -> dict[str, Any]:
    _caller()
    report = to_dict(report_for(_period()))
    report.pop("quotes", None)  # words, not figures: the BI API serves figures only
    return report


@api.get("/kpi")
def kpi() -> Response:
    """The headline: answers and people satisfied or better, with comparisons."""
    report = _figures()
    keys = ("period", "generated_at", "target", "tolerance", "suppression_threshold")
    return jsonify(
        {
            **{key: report[key] for key in keys},
            # why a running period stops early (its last day is period.counted_to)
            "counted_note": report["counted_note"],
            "overall": report["overall"],
            "person_level": report["person_level"],
            "overall_year_on_year": report["overall_year_on_year"],
            "comparisons": report["comparisons"],
            # the headline is young people's; foster carers' figure is apart
            "headline_counts": report["headline_counts"],
            "carers": report["carers"],
        }
    )


@api.get("/breakdowns")
def breakdowns() -> Response:
    report = _figures()
    return jsonify({"period": report["period"], "breakdowns": report["breakdowns"]})


@api.get("/monthly")
def monthly() -> Response:
    report = _figures()
    return jsonify(
        {
            "period": report["period"],
            "monthly": report["monthly"],
            "monthly_by_cohort": report["monthly_by_cohort"],
        }
    )


@api.get("/report")
def whole_report() -> Response:
    """Everything in the report's JSON but the quotes."""
    return jsonify(_figures())


@api.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())


@api.errorhandler(ApiProblem)
def api_problem(error: ApiProblem) -> Response:
    return _problem(error.status, error.message)


@api.errorhandler(HTTPException)
def api_http_error(error: HTTPException) -> Response:
    return _problem(error.code or 500, error.description or error.name)


def register_api(app: Flask) -> None:
    from flask_wtf.csrf import CSRFProtect

    app.register_blueprint(api)
    csrf = app.extensions.get("csrf")
    if isinstance(csrf, CSRFProtect):
        csrf.exempt(api)  # bearer tokens, GET only: no cookies to forge
