"""What the queue and the alert page say about an alert's notice, and its history as a table.

"Notice sent: Not yet" left staff guessing. Both pages now say, in the same words, whether
the email or Telegram notice to the alert's route has gone, how and when, and if not,
what happens next, in words that are true of the sweep (notices.sweep, every 15
seconds, and the page's warning after two minutes). The history is a table (when, who,
what) with real column headers, oldest first; the child's words are shown nowhere new.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import test_web_staff_support as support
from flask import Flask
from flask.testing import FlaskClient
from test_web_staff_support import CHILD_WORDS, EMAILS, Seeded, csrf_token

from heard.scheduling import ALERT_SWEEP_SECONDS
from heard.wiring import Database
from storage.alert_queue import get_alert
from storage.alerts import add_history, record_reply, set_alert_status
from storage.db import transaction
from storage.models import utcnow
from webforms.staff.alerts import (
    NOTICE_LABEL,
    NOTICE_MEANS,
    SWEEP_SECONDS,
    UNSENT_AFTER,
    UNSENT_AFTER_WORDS,
    HistoryRow,
    history_rows,
)

clients = support.clients
fast_hashing = support.fast_hashing
seeded = support.seeded
staff_app = support.staff_app

WAITING = "Not sent yet. It normally goes within a minute: Heard tries every 15 seconds"
LATE = "Not sent yet, more than two minutes after it was raised: see the warning above"


def text_of(body: str) -> str:
    """The page's words, tags taken out and spaces folded, as a person reads them."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_the_words_are_true_of_the_sweep() -> None:
    assert SWEEP_SECONDS == ALERT_SWEEP_SECONDS  # "Heard tries every 15 seconds"
    assert timedelta(minutes=2) == UNSENT_AFTER and UNSENT_AFTER_WORDS == "two minutes"
    assert "never the child's words" in NOTICE_MEANS  # notices.wording: never the words


def test_queue_and_alert_page_say_the_same_about_each_notice(
    clients: dict[str, FlaskClient], database: Database, seeded: Seeded
) -> None:
    """Raised 30 minutes ago and not sent: late, and the warning above shows. Raised just
    now: on its way. Once the sweep has sent it: how and when."""
    client = clients["safeguarding"]
    queue = text_of(client.get("/staff/alerts").get_data(as_text=True))
    late = text_of(client.get(f"/staff/alerts/{seeded.alert_id}").get_data(as_text=True))
    waiting = text_of(client.get(f"/staff/alerts/{seeded.script_alert_id}").get_data(as_text=True))
    for page in (queue, late, waiting):
        assert NOTICE_MEANS in page
        assert "1 alert has not been sent to anyone yet, more than two minutes" in page
        assert "Notice sent" not in page and "Not yet" not in page
    assert f"{NOTICE_LABEL}: {LATE}" in queue and f"{NOTICE_LABEL}: {WAITING}" in queue
    assert f"{NOTICE_LABEL} {LATE}" in late and WAITING not in late
    assert f"{NOTICE_LABEL} {WAITING}" in waiting and LATE not in waiting

    with transaction(database.sessions) as session:
        for alert_id in (seeded.alert_id, seeded.script_alert_id):
            alert = get_alert(session, alert_id)
            assert alert is not None
            alert.notified_at = alert.created_at + timedelta(seconds=20)
            alert.notice_sent_by = "email,telegram"
    queue = text_of(client.get("/staff/alerts").get_data(as_text=True))
    page = text_of(client.get(f"/staff/alerts/{seeded.alert_id}").get_data(as_text=True))
    sent = re.compile(
        rf"{NOTICE_LABEL}:? Sent by email and Telegram on \d{{2}} \w{{3}} \d{{4}}, \d{{2}}:\d{{2}}"
    )
    assert len(sent.findall(queue)) == 2 and len(sent.findall(page)) == 1
    assert "has not been sent to anyone yet" not in queue + page


def test_a_notice_half_sent_says_which_way_it_went(
    clients: dict[str, FlaskClient], database: Database, seeded: Seeded
) -> None:
    """Email took it and Telegram did not: the sweep tries Telegram again."""
    with transaction(database.sessions) as session:
        for alert_id in (seeded.alert_id, seeded.script_alert_id):
            alert = get_alert(session, alert_id)
            assert alert is not None
            alert.notice_sent_by = "email"
    queue = text_of(clients["safeguarding"].get("/staff/alerts").get_data(as_text=True))
    assert (
        f"{NOTICE_LABEL}: Sent by email so far; the rest has not gone, more than two minutes "
        "after it was raised: see the warning above" in queue
    )
    assert (
        f"{NOTICE_LABEL}: Sent by email so far; Heard tries the rest again every 15 seconds"
        in queue
    )


def test_a_notice_owed_again_is_late_two_minutes_after_that_not_after_it_was_raised(
    clients: dict[str, FlaskClient], database: Database, seeded: Seeded
) -> None:
    """The alert raised 30 minutes ago was sent and closed; a reply reopens it, so its
    notice is owed again. Counting from when it was raised called it late, with a warning,
    in the seconds before the sweep sent it. A reply on an open alert is the same."""
    client = clients["safeguarding"]
    with transaction(database.sessions) as session:
        for alert_id in (seeded.alert_id, seeded.script_alert_id):
            alert = get_alert(session, alert_id)
            assert alert is not None
            alert.notified_at, alert.notice_sent_by = alert.created_at, "email"
        closed = get_alert(session, seeded.alert_id)
        assert closed is not None
        set_alert_status(session, closed, "closed", by=EMAILS["safeguarding"], note="seen to")
        record_reply(session, closed, "can u call me after school")
        open_one = get_alert(session, seeded.script_alert_id)
        assert open_one is not None
        record_reply(session, open_one, "ok thx")
    queue = text_of(client.get("/staff/alerts").get_data(as_text=True))
    pages = [
        text_of(client.get(f"/staff/alerts/{alert_id}").get_data(as_text=True))
        for alert_id in (seeded.alert_id, seeded.script_alert_id)
    ]
    assert queue.count(f"{NOTICE_LABEL}: {WAITING}") == 2
    for page in (queue, *pages):
        assert "has not been sent to anyone yet" not in page and "see the warning" not in page
    for page in pages:
        assert f"{NOTICE_LABEL} {WAITING}" in page
    # reopened: new again, with nobody shown as on it ("New ... by" the person who closed it)
    assert "Reopened " in pages[0] and "Acknowledged " not in pages[0]
    assert not re.search(r"(?:New|Closed) \d{2} [A-Z][a-z]{2} \d{4}", pages[0])
    assert "Reopened " not in pages[1]  # a reply on an open alert reopens nothing

    with transaction(database.sessions) as session:  # nothing sent three minutes on
        for alert_id in (seeded.alert_id, seeded.script_alert_id):
            alert = get_alert(session, alert_id)
            assert alert is not None and alert.notice_due_since is not None
            alert.notice_due_since -= timedelta(minutes=3)
            if alert.reopened_at is not None:
                alert.reopened_at -= timedelta(minutes=3)
    queue = text_of(client.get("/staff/alerts").get_data(as_text=True))
    assert "2 alerts have not been sent to anyone yet, more than two minutes" in queue
    for since in ("it was reopened", "their reply"):
        late = f"Not sent yet, more than two minutes after {since}: see the warning above"
        assert f"{NOTICE_LABEL}: {late}" in queue


def test_the_history_is_a_table_oldest_first_with_its_words_escaped(
    clients: dict[str, FlaskClient], seeded: Seeded
) -> None:
    client, alert_id = clients["safeguarding"], seeded.alert_id
    token = csrf_token(client)
    for status, note in (("acknowledged", ""), ("actioned", "Rang <b>her</b> worker\nand nan")):
        sent = client.post(
            f"/staff/alerts/{alert_id}/status",
            data={"status": status, "note": note, "csrf_token": token},
        )
        assert sent.status_code == 302
    body = client.get(f"/staff/alerts/{alert_id}").get_data(as_text=True)
    table = body[
        body.index('<table class="history"') : body.index("</table>", body.index("history"))
    ]
    assert re.findall(r'<th scope="col"[^>]*>(\w+)</th>', table) == ["When", "Who", "What"]
    rows = re.findall(r'<tr role="row">(.*?)</tr>', table, re.S)[1:]
    expected = [row_words(action) for action in ("acknowledged", "actioned")]
    assert len(rows) == 2
    for row, pattern in zip(rows, expected, strict=True):
        assert re.fullmatch(pattern, text_of(row)), text_of(row)
    assert "&lt;b&gt;her&lt;/b&gt;" in table and "<b>her</b>" not in table
    assert "Oldest first: one row for each thing done." in text_of(body)
    # Not in the queue: it shows each alert's words once, as before, and no history.
    done = client.get("/staff/alerts?show=done").get_data(as_text=True)
    waiting = client.get("/staff/alerts").get_data(as_text=True)
    for queue in (done, waiting):
        assert "worker" not in queue and 'class="history"' not in queue
    assert done.count(CHILD_WORDS) == 1 and waiting.count("CANARY-SCRIPT") == 1


def row_words(action: str) -> str:
    """What one row says, labels and all (the labels show only on a narrow screen)."""
    stamp = r"\d{2} \w{3} \d{4}, \d{2}:\d{2} (GMT|BST)"
    words = ": Rang <b>her</b> worker and nan" if action == "actioned" else ""
    return f"When {stamp} Who {re.escape(EMAILS['safeguarding'])} What {re.escape(action + words)}"


def test_other_roles_never_see_the_queue_or_the_history(
    staff_app: Flask, clients: dict[str, FlaskClient], seeded: Seeded
) -> None:
    for role in ("admin", "participation"):
        for page in ("/staff/alerts", f"/staff/alerts/{seeded.alert_id}"):
            response = clients[role].get(page)
            assert response.status_code == 403, (role, page)
            assert NOTICE_LABEL not in response.get_data(as_text=True)


def test_history_rows_read_every_kind_of_line() -> None:
    note = "\n".join(
        [
            "typed before the history had times",
            "06 Dec 2026, 16:05 GMT · sam@council.example · acknowledged: first line",
            "second line of the same note",
            "06 Dec 2026, 16:07 GMT · the young person · reply from the young person: "
            "\u201cok\u201d",
            "06 Dec 2026, 16:08 UTC · Heard · new: reopened because they replied after it was "
            "closed",
            "10 Jan 2024, 09:01 GMT · lead@council · closed: [removed after the retention period]",
        ]
    )
    assert history_rows(note) == [
        HistoryRow("Not recorded", "Not recorded", "typed before the history had times"),
        HistoryRow(
            "06 Dec 2026, 16:05 GMT",
            "sam@council.example",
            "acknowledged: first line\nsecond line of the same note",
        ),
        HistoryRow(
            "06 Dec 2026, 16:07 GMT",
            "the young person",
            "reply from the young person: \u201cok\u201d",
        ),
        HistoryRow(
            "06 Dec 2026, 16:08 UTC",
            "Heard",
            "new: reopened because they replied after it was closed",
        ),
        HistoryRow(
            "10 Jan 2024, 09:01 GMT",
            "lead@council",
            "closed: [removed after the retention period]",
        ),
    ]
    assert history_rows(None) == [] and history_rows("") == []


def test_nothing_recorded_yet_is_said_in_words(
    clients: dict[str, FlaskClient], database: Database, seeded: Seeded
) -> None:
    body = clients["safeguarding"].get(f"/staff/alerts/{seeded.alert_id}").get_data(as_text=True)
    assert "Nothing recorded yet." in body and 'class="history"' not in body
    with transaction(database.sessions) as session:
        alert = get_alert(session, seeded.alert_id)
        assert alert is not None
        stamp = f"{utcnow():%d %b %Y, %H:%M} UTC"
        add_history(session, alert, f"{stamp} · Heard · new: reopened because they replied")
    body = clients["safeguarding"].get(f"/staff/alerts/{seeded.alert_id}").get_data(as_text=True)
    assert "Nothing recorded yet." not in body
    assert f"When {stamp} Who Heard What new: reopened because they replied" in text_of(body)
