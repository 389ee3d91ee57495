"""A plain status page: counts per survey and cohort, and a health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

from storage.db import transaction
from storage.status import counts_by_survey_and_cohort, totals
from webforms.staff.roles import signed_in

status_blueprint = Blueprint("status", __name__)


def _sessions():
    return current_app.extensions["heard.sessions"]


@status_blueprint.get("/status")
@signed_in
def status_page() -> str:
    """Raw counts, not suppressed, so for signed-in staff only."""
    with transaction(_sessions()) as session:
        rows = counts_by_survey_and_cohort(session)
        summary = totals(session)
    return render_template("status.html", rows=rows, totals=summary)


@status_blueprint.get("/healthz")
def health():
    with transaction(_sessions()) as session:
        summary = totals(session)
    return jsonify(ok=True, answers=summary["answers"])


@status_blueprint.get("/")
def home() -> str:
    return render_template("home.html")
