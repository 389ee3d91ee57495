"""A plain status page: counts per survey and cohort, whether safeguarding alerts are
reaching anyone, and a health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

from storage.db import transaction
from storage.models import utcnow
from storage.notifications import unsent_count
from storage.status import counts_by_survey_and_cohort, totals
from webforms.staff.alerts import UNSENT_AFTER
from webforms.staff.roles import signed_in

status_blueprint = Blueprint("status", __name__)


def _sessions():
    return current_app.extensions["heard.sessions"]


@status_blueprint.get("/status")
@signed_in
def status_page() -> str:
    """Raw counts, not suppressed, so for signed-in staff only; and, as loudly as the
    alerts queue says it, when safeguarding alerts are reaching nobody, so whoever looks
    here to see that Heard is well is not told all is well while alerts go nowhere."""
    with transaction(_sessions()) as session:
        rows = counts_by_survey_and_cohort(session)
        summary = totals(session)
        unsent = unsent_count(session, utcnow() - UNSENT_AFTER)
    problems = current_app.extensions.get("heard.services", {}).get("alert_delivery_problems", ())
    return render_template(
        "status.html", rows=rows, totals=summary, delivery_problems=problems, unsent=unsent
    )


@status_blueprint.get("/healthz")
def health():
    with transaction(_sessions()) as session:
        summary = totals(session)
    return jsonify(ok=True, answers=summary["answers"])


@status_blueprint.get("/")
def home() -> str:
    return render_template("home.html")
