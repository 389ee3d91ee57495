"""The safeguarding alerts queue: the one staff page that shows a child's exact words.

Only the safeguarding role gets here. Every look is audited (the queue records
which alerts it showed; the detail page, the alert it opened) in the same
transaction that read them, so a view that cannot be recorded is not shown.
Status moves one way, new → acknowledged → actioned or closed, and each move
keeps who, when and a note in the alert's history as well as the audit log.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for

from storage.alert_queue import (
    DONE_STATUSES,
    OPEN_STATUSES,
    alert_queue,
    alerts_from_same_person,
    get_alert,
)
from storage.alerts import set_alert_status
from storage.audit import audit
from storage.db import transaction
from storage.models import SafeguardingAlert, utcnow
from webforms.staff.blueprint import actor, sessions, staff, web_config
from webforms.staff.forms import AlertStatusForm, choices
from webforms.staff.roles import roles_required

# Where an alert may go next. Closing straight from "new" is allowed (a duplicate,
# say) but needs a note, as does every move past "acknowledged".
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    "new": ("acknowledged", "actioned", "closed"),
    "acknowledged": ("actioned", "closed"),
    "actioned": ("closed",),
    "closed": (),
}
STATUS_WORDS = {
    "new": "New",
    "acknowledged": "Acknowledged: someone is on it",
    "actioned": "Actioned: something has been done",
    "closed": "Closed",
}
NEEDS_NOTE = ("actioned", "closed")
CATEGORY_WORDS = {
    "self_harm_suicide": "Self-harm or suicide",
    "abuse_physical": "Physical abuse",
    "abuse_sexual": "Sexual abuse",
    "abuse_emotional_neglect": "Emotional abuse or neglect",
    "exploitation": "Exploitation",
    "missing": "Going missing",
    "domestic_abuse": "Domestic abuse",
    "bullying": "Bullying",
    "unsafe_home": "Not safe at home",
    "homelessness": "Homelessness",
    "allegation_about_carer": "Allegation about a carer",
}
VIEWS = {"open": OPEN_STATUSES, "done": DONE_STATUSES}
CHANNEL_WORDS = {"web": "Web form", "webchat": "Web chat", "telegram": "Telegram"}
WHO_WORDS = {
    "child_in_care": "A child in care",
    "care_leaver": "A care leaver",
    "carer": "A foster carer",
}


def who_words(cohort: str | None, age_band: str | None) -> str:
    """ "A child in care, aged 11 to 17": who wrote it, as far as they told us."""
    who = WHO_WORDS.get(cohort or "", "Someone who did not say who they are")
    if age_band and age_band != "adult":
        who += f", aged {age_band.replace('-', ' to ')}"
    return who


def _status_form(alert: SafeguardingAlert) -> AlertStatusForm:
    form = AlertStatusForm()
    form.status.choices = choices((s, STATUS_WORDS[s]) for s in NEXT_STATUSES.get(alert.status, ()))
    return form


def _history_line(status: str, by: str, note: str) -> str:
    """One line of the alert's history, in the council's own time (as the page shows
    times), with the zone named so the line means the same wherever it is read."""
    when = utcnow().astimezone(ZoneInfo(web_config().timezone)).strftime("%d %b %Y, %H:%M %Z")
    return f"{when} · {by} · {status}" + (f": {note}" if note else "")


@staff.get("/alerts")
@roles_required("safeguarding")
def alerts() -> str:
    view = request.args.get("show", "open")
    statuses = VIEWS.get(view, OPEN_STATUSES)
    with transaction(sessions()) as db:
        rows = alert_queue(db, statuses)
        audit(
            db,
            actor(),
            "alert.queue_view",
            None,
            show=view if view in VIEWS else "open",
            alert_ids=[row.id for row in rows],
        )
    return render_template(
        "staff/alerts.html",
        alerts=rows,
        show=view if view in VIEWS else "open",
        categories=CATEGORY_WORDS,
        status_words=STATUS_WORDS,
        who=who_words,
        channels=CHANNEL_WORDS,
    )


@staff.get("/alerts/<int:alert_id>")
@roles_required("safeguarding")
def alert_detail(alert_id: int) -> str:
    with transaction(sessions()) as db:
        alert = get_alert(db, alert_id)
        if alert is None:
            abort(404)
        others = alerts_from_same_person(db, alert)
        audit(db, actor(), "alert.view", f"alert:{alert.id}", status=alert.status)
        form = _status_form(alert)
    return _render_detail(alert, others, form)


def _render_detail(
    alert: SafeguardingAlert, others: list[SafeguardingAlert], form: AlertStatusForm
) -> str:
    return render_template(
        "staff/alert.html",
        alert=alert,
        others=others,
        form=form,
        categories=CATEGORY_WORDS,
        status_words=STATUS_WORDS,
        needs_note=NEEDS_NOTE,
        who=who_words,
        channels=CHANNEL_WORDS,
    )


@staff.post("/alerts/<int:alert_id>/status")
@roles_required("safeguarding")
def alert_status(alert_id: int) -> Any:
    with transaction(sessions()) as db:
        alert = get_alert(db, alert_id)
        if alert is None:
            abort(404)
        form = _status_form(alert)
        problem = None
        if not form.validate_on_submit():
            problem = "Choose a status the alert can move to next."
        elif form.status.data in NEEDS_NOTE and not (form.note.data or "").strip():
            form.note.errors = [*form.note.errors, "Say what was done, or why it is closed."]
            problem = "Add a note."
        if problem is not None:
            others = alerts_from_same_person(db, alert)
            audit(db, actor(), "alert.view", f"alert:{alert.id}", status=alert.status)
            return _render_detail(alert, others, form), 400
        before, after = alert.status, str(form.status.data)
        note = (form.note.data or "").strip()
        set_alert_status(db, alert, after, by=actor(), note=_history_line(after, actor(), note))
        audit(
            db,
            actor(),
            "alert.status",
            f"alert:{alert.id}",
            before=before,
            after=after,
            noted=bool(note),
        )
    flash(f"Alert {alert_id} is now {after}.", "info")
    return redirect(url_for("staff.alert_detail", alert_id=alert_id))
