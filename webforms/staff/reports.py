"""Reports to download (stored ones and made now) and the invite batches' response rates.

Downloads go through `analysis.report.render`, which takes only a suppressed
`Report`, so an HTML or CSV file can hold no figure the dashboard would hide.
Every download is an export of council data and is written to the audit log.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Response, abort, render_template, request

from analysis import loading
from analysis.indicators import response_rates
from analysis.periods import Period
from analysis.report import FORMATS, render, value_words
from storage.audit import audit
from storage.dashboard_queries import get_report
from storage.db import transaction
from storage.reports import stored_reports
from webforms.staff.blueprint import actor, sessions, staff, web_config
from webforms.staff.dashboard import pct
from webforms.staff.figures import catalogue, chosen_period, period_choices, report_for, today
from webforms.staff.roles import roles_required

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
DOWNLOAD_FORMATS = ("html", "csv")
FIRST_DAY = date(2000, 1, 1)  # "since records began" for the invite batches page


def _filename(kind: str, label: str, fmt: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"heard-{kind}-{label}")
    return f"{safe}.{fmt}"


def _download(content: str, filename: str, fmt: str) -> Response:
    response = Response(content, mimetype=MEDIA_TYPES.get(fmt, "application/octet-stream"))
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@staff.get("/reports")
@roles_required("participation")
def reports() -> str:
    return _reports_page()


def _reports_page(problem: str | None = None, typed: str | None = None) -> str:
    """The reports page; with `problem`, why the typed period was not made, kept in the box."""
    with transaction(sessions()) as db:
        rows = [
            {
                "id": row.id,
                "kind": row.kind,
                "period_label": row.period_label,
                "format": row.format,
                "created_at": row.created_at,
                "overall": (row.summary or {}).get("overall") or {},
            }
            for row in stored_reports(db)
        ]
    return render_template(
        "staff/reports.html",
        rows=rows,
        choices=period_choices(today()),
        formats=DOWNLOAD_FORMATS,
        pct=pct,
        problem=problem,
        typed=typed,
    )


@staff.get("/reports/<int:report_id>/download")
@roles_required("participation")
def report_download(report_id: int) -> Response:
    with transaction(sessions()) as db:
        row = get_report(db, report_id)
        if row is None:
            abort(404)
        audit(
            db,
            actor(),
            "report.download",
            f"report:{row.id}",
            period=row.period_label,
            format=row.format,
        )
        content, kind, label, fmt = row.content, row.kind, row.period_label, row.format
    return _download(content, _filename(kind, label, fmt), fmt)


@staff.get("/reports/now")
@roles_required("participation")
def report_now() -> Response:
    fmt = request.args.get("format", "html")
    if fmt not in DOWNLOAD_FORMATS or fmt not in FORMATS:
        abort(400)
    period, problem = chosen_period()
    if problem:
        typed = (request.args.get("period") or "").strip()[:40]
        # the form again, as after any mistake in a form, with what was typed kept
        return Response(_reports_page(problem, typed))
    report = report_for(period)
    content = render(report, fmt)
    with transaction(sessions()) as db:
        audit(db, actor(), "report.export", None, period=period.label, format=fmt)
    return _download(content, _filename(period.report_kind, period.slug, fmt), fmt)


@staff.get("/invites")
@roles_required("participation")
def invite_batches() -> str:
    config = web_config()
    period = Period(FIRST_DAY, today() + timedelta(days=1), "range")
    with transaction(sessions()) as db:
        frame = loading.invite_batches(db.connection(), period, config.timezone)
    cells = response_rates(frame, config.suppression_threshold)
    labels = loading.labels(catalogue())
    return render_template(
        "staff/invites.html",
        cells=cells,
        pct=pct,
        threshold=config.suppression_threshold,
        words=lambda dimension, value: value_words(dimension, value, labels),
    )
