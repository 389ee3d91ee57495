"""The safeguarding alerts queue: the one staff page that shows a child's exact words.

Only the safeguarding role gets here. Every look is audited (the queue records
which alerts it showed; the detail page, the alert it opened) in the same
transaction that read them, so a view that cannot be recorded is not shown.
Status moves one way, new → acknowledged → actioned or closed, and each move
keeps who, when and a note in the alert's history as well as the audit log.
An alert can be given to a colleague with the safeguarding role (or taken), and
the queue filtered by route and by who has it, with plain forms that need no
JavaScript. Nothing here sends a notice: the scheduler's sweep does (notices/); the
queue and the alert page say, in the same words (`notice_words`), whether it has gone.
The alert page shows the history as a table, one row per thing done (`history_rows`).
Every alert page is sent with Cache-Control: no-store.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from notices.categories import CATEGORY_WORDS
from notices.child_message import MESSAGE_MAX
from storage.alert_history import entries, unmarked
from storage.alert_history import line as history_line
from storage.alert_queue import (
    DONE_STATUSES,
    NOBODY,
    OPEN_STATUSES,
    QueueFilter,
    alert_queue,
    alerts_from_same_person,
    assignable_staff,
    get_alert,
    routes_in_use,
    staff_emails,
)
from storage.alerts import REPLY_WINDOW, add_history, assign_alert, set_alert_status
from storage.audit import audit
from storage.db import transaction
from storage.models import SafeguardingAlert, StaffUser, utcnow
from storage.notifications import channels_of, unsent_count
from surveys.contact import ContactView
from webforms.staff.blueprint import (
    MAX_ID,
    actor,
    services,
    sessions,
    staff,
    staff_time,
    web_config,
)
from webforms.staff.forms import NOTE_MAX, AlertMessageForm, AlertStatusForm, choices
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
# The status form's choice that adds a note and leaves the status as it is (a progress
# note while someone is on it, or after something has been done); it needs a note.
NOTE_ONLY = "note"
NOTE_ONLY_FROM = ("acknowledged", "actioned")
NEEDS_NOTE = ("actioned", "closed", NOTE_ONLY)
_NOTE_NEEDED = {
    "actioned": "Say what was done, or why it is closed.",
    "closed": "Say what was done, or why it is closed.",
    NOTE_ONLY: "Write the note to add.",
}
VIEWS = {"open": OPEN_STATUSES, "done": DONE_STATUSES}
CHANNEL_WORDS = {
    "web": "Web form",
    "webchat": "Web chat",
    "telegram": "Telegram",
    "offer_search": "Local offer search (nobody signed in)",
}
SENT_BY_WORDS = {"email": "email", "telegram": "Telegram"}
# An alert whose notice has not gone out this long after it was raised is shown as a
# warning: the sweep runs every 15 seconds, so something is wrong (no scheduler running,
# the relay failing, nobody to send to).
UNSENT_AFTER = timedelta(minutes=2)
UNSENT_AFTER_WORDS = "two minutes"  # as the warning says it (_alert_macros.html)
# How often the scheduler's sweep tries to send what has not gone (as
# heard.scheduling.ALERT_SWEEP_SECONDS, which tests/test_alert_page_words.py checks).
SWEEP_SECONDS = 15
NOTICE_LABEL = "Notice to its route"
NOTICE_MEANS = (
    "Heard tells the people on each alert's route by email or Telegram: a notice with the "
    "alert's number, how urgent it is, what it is about and a link, never the child's words."
)
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


def notice_words(alert: SafeguardingAlert, late_before: datetime) -> str:
    """Whether the alert's notice has gone to its route, how and when, or what happens
    next: the same words in the queue and on the alert page. `late_before` is the cut-off
    of the page's warning (unsent_count), so "see the warning" is said only when it shows.
    Lateness counts from when the notice became owed: a reopened alert's notice is on its
    way, not late, in the seconds before the sweep sends it."""
    by = sent_by_words(alert.notice_sent_by)
    if alert.notified_at is not None:
        return f"Sent{f' by {by}' if by else ''} on {staff_time(alert.notified_at)}"
    late = f"more than {UNSENT_AFTER_WORDS} after {_owed_since_words(alert)}: see the warning above"
    overdue = alert.notice_owed_since <= late_before  # counted as unsent_count counts
    if by:  # one channel has had it and another has not: that one is tried again
        if overdue:
            return f"Sent by {by} so far; the rest has not gone, {late}"
        return f"Sent by {by} so far; Heard tries the rest again every {SWEEP_SECONDS} seconds"
    if overdue:
        return f"Not sent yet, {late}"
    return (
        f"Not sent yet. It normally goes within a minute: Heard tries every {SWEEP_SECONDS} seconds"
    )


def _owed_since_words(alert: SafeguardingAlert) -> str:
    """What its notice became owed on: raised, reopened, or a reply on an open alert."""
    if alert.notice_due_since is None:
        return "it was raised"
    if alert.notice_due_since == alert.reopened_at:
        return "it was reopened"
    return "their reply"


# One history line as the pages and storage.alerts write it (storage.alert_history reads
# the same): "06 Dec 2026, 16:05 GMT · who · what was done: any words".
_HISTORY_LINE = re.compile(
    r"^(?P<when>\d{2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}(?: [A-Za-z0-9+\-]{1,10})?)"
    r" · (?P<who>[^\s·]+|the young person) · (?P<what>.*)$"
)


@dataclass(frozen=True)
class HistoryRow:
    """One thing done, for the history table: when, who and what (its words included)."""

    when: str
    who: str
    what: str


def history_rows(note: str | None) -> list[HistoryRow]:
    """The alert's history, oldest first as it was written, one row per entry (a note
    typed over several lines stays one row). A line with no time or name (written before
    the history had them) keeps its words under "what"."""
    rows = []
    for entry in entries(note):
        first, *more = entry.lines
        match = _HISTORY_LINE.match(first)
        if match is None:
            rows.append(HistoryRow("Not recorded", "Not recorded", entry.shown))
        else:
            what = "\n".join((match["what"], *map(unmarked, more)))
            rows.append(HistoryRow(match["when"], match["who"], what))
    return rows


def _status_form(alert: SafeguardingAlert) -> AlertStatusForm:
    form = AlertStatusForm()
    moves = [(s, STATUS_WORDS[s]) for s in NEXT_STATUSES.get(alert.status, ())]
    if alert.status in NOTE_ONLY_FROM:  # first, so the status moves only when chosen
        stays = STATUS_WORDS[alert.status].split(":")[0]
        moves.insert(0, (NOTE_ONLY, f"Add a note (status stays {stays})"))
    form.status.choices = choices(moves)
    return form


def _history_line(status: str, by: str, note: str) -> str:
    """One entry of the alert's history, in the council's own time (as the page shows
    times), with the zone named so the line means the same wherever it is read; the
    note's further lines can never be read as entries (storage.alert_history.line)."""
    return history_line(utcnow(), web_config().timezone, by, status, note)


@staff.after_request
def _alert_pages_are_never_stored(response: Response) -> Response:
    """The child's words must not stay in a browser's or a proxy's cache."""
    if (request.endpoint or "").startswith("staff.alert"):
        response.headers["Cache-Control"] = "no-store"
    return response


def _route_names() -> dict[str, str]:
    """Each route's display name, from the routes the wiring loaded (if any)."""
    routes = services().get("alert_routes")
    if routes is None:
        return {}
    return {key: route.name for key, route in routes.routes.items()}


def route_words(key: str | None, names: dict[str, str]) -> str:
    if key is None:
        return "Not routed yet"
    return names.get(key, key.replace("_", " ").capitalize())


def sent_by_words(raw: str | None) -> str:
    channels = [SENT_BY_WORDS.get(c, c) for c in sorted(channels_of(raw))]
    return " and ".join(channels)


def _queue_filter(db: Session, names: dict[str, str]) -> tuple[QueueFilter, dict[str, str]]:
    """The filter from the query string (values that are not choices are ignored)."""
    route = request.args.get("route") or None
    known = set(names) | set(routes_in_use(db)) | {NOBODY}
    if route not in known:
        route = None
    raw = request.args.get("assignee") or ""
    assignee: int | str | None = None
    if raw == "me":
        assignee = int(current_user.id)
    elif raw == NOBODY:
        assignee = NOBODY
    elif raw.isdecimal() and raw.isascii() and int(raw) <= MAX_ID:
        assignee = int(raw)
    shown = {"route": route or "", "assignee": raw if assignee is not None else ""}
    return QueueFilter(route=route, assignee=assignee), shown


def _page_context(db: Session, rows: list[SafeguardingAlert]) -> dict[str, Any]:
    """What the queue and the alert page share: names for routes and staff, who may be
    given an alert, and whether alerts are reaching anyone."""
    names = _route_names()
    colleagues = assignable_staff(db)
    emails = staff_emails(db, [row.assigned_to for row in rows])
    emails.update({person.id: person.email for person in colleagues})
    late_before = utcnow() - UNSENT_AFTER
    return {
        "route_names": names,
        "route_words": route_words,
        "colleagues": colleagues,
        "me": int(current_user.id),
        "staff_emails": emails,
        "sent_by_words": sent_by_words,
        "delivery_problems": services().get("alert_delivery_problems", ()),
        "unsent": unsent_count(db, late_before),
        "notice_label": NOTICE_LABEL,
        "notice_means": NOTICE_MEANS,
        "notice_words": lambda alert: notice_words(alert, late_before),
        "categories": CATEGORY_WORDS,
        "status_words": STATUS_WORDS,
        "who": who_words,
        "channels": CHANNEL_WORDS,
    }


@staff.get("/alerts")
@roles_required("safeguarding")
def alerts() -> str:
    view = request.args.get("show", "open")
    statuses = VIEWS.get(view, OPEN_STATUSES)
    with transaction(sessions()) as db:
        names = _route_names()
        only, shown = _queue_filter(db, names)
        rows = alert_queue(db, statuses, only=only)
        route_choices = sorted(
            set(names) | set(routes_in_use(db)), key=lambda key: route_words(key, names)
        )
        audit(
            db,
            actor(),
            "alert.queue_view",
            None,
            show=view if view in VIEWS else "open",
            alert_ids=[row.id for row in rows],
            **({"route": only.route} if only.route else {}),
            **({"assignee": str(only.assignee)} if only.assignee is not None else {}),
        )
        context = _page_context(db, rows)
    return render_template(
        "staff/alerts.html",
        alerts=rows,
        show=view if view in VIEWS else "open",
        filtered=only.active,
        shown=shown,
        route_choices=route_choices,
        back=request.full_path.rstrip("?"),
        **context,
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
        return _render_detail(db, alert, others, form)


def _contact_view(alert: SafeguardingAlert) -> ContactView | None:
    """What the person said about getting in touch, opened for this page only."""
    desk = services().get("contact_desk")
    return desk.view(alert) if desk is not None else None


def _reply_until(alert: SafeguardingAlert) -> datetime | None:
    """Until when what they type in Telegram still comes to this alert as their reply
    to a lead's message (None: no lead is waiting to hear from them here)."""
    if alert.lead_messaged_at is None:
        return None
    until = alert.lead_messaged_at + REPLY_WINDOW
    return until if until > utcnow() else None


def _fresh(form: AlertMessageForm | None) -> AlertMessageForm | None:
    """The message box with a new one-time value, so the Send it shows sends once."""
    if form is not None:
        form.once.data = secrets.token_urlsafe(16)
    return form


def _render_detail(
    db: Session,
    alert: SafeguardingAlert,
    others: list[SafeguardingAlert],
    form: AlertStatusForm,
    *,
    message_form: AlertMessageForm | None = None,
) -> str:
    can_message = services().get("child_messenger") is not None
    return render_template(
        "staff/alert.html",
        alert=alert,
        others=others,
        form=form,
        contact=_contact_view(alert),
        history=history_rows(alert.note),
        # Messaging them in their Heard chat (webforms.staff.alert_message): None without a
        # bot token, and the page says Telegram is not set up.
        message_form=_fresh(message_form or (AlertMessageForm() if can_message else None)),
        reply_days=REPLY_WINDOW.days,  # what they type back for this long comes here
        reply_until=_reply_until(alert),
        needs_note=NEEDS_NOTE,
        note_max=NOTE_MAX,  # the note's limit, said beside the box (no maxlength cuts it)
        message_max=MESSAGE_MAX,  # and the message's
        back=url_for("staff.alert_detail", alert_id=alert.id),
        **_page_context(db, [alert]),
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
            form.note.errors = [*form.note.errors, _NOTE_NEEDED[str(form.status.data)]]
            problem = "Add a note."
        if problem is not None:
            others = alerts_from_same_person(db, alert)
            audit(db, actor(), "alert.view", f"alert:{alert.id}", status=alert.status)
            return _render_detail(db, alert, others, form), 400
        before, after = alert.status, str(form.status.data)
        note = (form.note.data or "").strip()
        if after == NOTE_ONLY:
            add_history(db, alert, _history_line(NOTE_ONLY, actor(), note))
            audit(db, actor(), "alert.note", f"alert:{alert.id}", status=before)
            flash(f"Your note is added to alert {alert_id}. It is still {before}.", "info")
            return redirect(url_for("staff.alert_detail", alert_id=alert_id))
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


def _safe_back(raw: str | None, alert_id: int) -> str:
    """Where to return after assigning: the queue (with its filters) or the alert page,
    never anywhere else."""
    if raw and raw.startswith("/staff/alerts") and "//" not in raw and "\\" not in raw:
        return raw
    return url_for("staff.alert_detail", alert_id=alert_id)


@staff.post("/alerts/<int:alert_id>/assign")
@roles_required("safeguarding")
def alert_assign(alert_id: int) -> Any:
    """Give the alert to a colleague with the safeguarding role, or to nobody."""
    raw = (request.form.get("assignee") or "").strip()
    back = _safe_back(request.form.get("back"), alert_id)
    with transaction(sessions()) as db:
        alert = get_alert(db, alert_id)
        if alert is None:
            abort(404)
        assignee: StaffUser | None = None
        if raw and raw != NOBODY:
            chosen = {str(person.id): person for person in assignable_staff(db)}.get(raw)
            if chosen is None:
                flash("Choose a colleague with the safeguarding role.", "error")
                return redirect(back)
            assignee = chosen
        before = alert.assigned_to
        after = assignee.id if assignee is not None else None
        if before == after:
            return redirect(back)
        whom = assignee.email if assignee is not None else "nobody"
        assign_alert(db, alert, assignee, note=_history_line(f"assigned to {whom}", actor(), ""))
        audit(db, actor(), "alert.assign", f"alert:{alert.id}", before=before, after=after)
    flash(f"Alert {alert_id} is now assigned to {whom}.", "info")
    return redirect(back)
