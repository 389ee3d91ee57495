"""The dashboard, reports, themes, invites, you-said posting and admin pages, with real data.

The seed has a small group on purpose (3 care leavers): it must read "fewer
than 5" with no percentage in the dashboard's HTML, the downloaded CSV and
the downloaded HTML report.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import test_web_staff_support as support
from flask.testing import FlaskClient
from test_web_staff_support import EMAILS, REPORT_CANARY, Seeded, csrf_token, signed_in

from heard.settings import Settings
from heard.wiring import Database
from localoffer.catalogue import Offer, load_offer
from storage.audit import audit_entries
from storage.comments import add_comment, annotate_comment
from storage.db import transaction
from storage.models import Invite, YouSaidPost, utcnow
from storage.offer_queries import record_offer_query
from storage.respondents import get_or_create_respondent, set_profile
from storage.surveys import save_answer, start_session
from storage.you_said import latest_posts
from surveys.definition import load_catalogue
from surveys.versions import record_version
from webforms.app import create_app
from webforms.config import WebConfig

# Fixtures shared with the other staff test modules.
clients = support.clients
fast_hashing = support.fast_hashing
seeded = support.seeded
staff_app = support.staff_app

QUOTE_SCRIPT = "<script>alert('q')</script> my mates are the best"
DISCLOSURE = "my boyfriend hits me and makes me carry stuff to other towns"


class Tables(HTMLParser):
    """Every table on a page as rows of cell text, enough to read one cell."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join(" ".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def rows_named(html: str, first_cell: str) -> list[dict[str, str]]:
    """Rows whose first cell is `first_cell`, keyed by their table's header cells."""
    parser = Tables()
    parser.feed(html)
    found = []
    for table in parser.tables:
        header = table[0] if table else []
        for row in table[1:]:
            if row and row[0] == first_cell:
                found.append(dict(zip(header, row, strict=False)))
    return found


def _answers(
    session,  # type: ignore[no-untyped-def]
    survey_id: str,
    cohort: str,
    band: str,
    people: int,
    asked: int,
    start: int,
    unhappy: int = 1,
) -> None:
    """`people` people answer the first `asked` KPI questions; the first `unhappy` are unhappy."""
    survey = load_catalogue()[survey_id]
    version = record_version(session, survey)
    for n in range(people):
        person = get_or_create_respondent(session, f"{cohort}-{start + n}".ljust(64, "x"), "web")
        set_profile(session, person, cohort=cohort, age_band=band, consent_version="1")
        visit = start_session(
            session, respondent_id=person.id, version=version, channel="web", first_question_id=None
        )
        for question in survey.kpi_questions[:asked]:
            happy = n >= unhappy
            value = next(
                o.value for o in question.options if o.counts and o.satisfied_or_better == happy
            )
            save_answer(
                session,
                visit,
                question_id=question.id,
                value=value,
                is_kpi=True,
                satisfied_or_better=happy,
                when=utcnow() - timedelta(minutes=5),
            )


@pytest.fixture
def figures(database: Database, seeded: Seeded) -> str:
    """A quarter's worth of answers, comments, offer questions and invites; returns the period."""
    with transaction(database.sessions) as session:
        _answers(session, "checkin-11-17", "child_in_care", "11-17", 12, 3, 0)
        _answers(session, "carer-feedback", "carer", "adult", 6, 3, 100)
        _answers(session, "checkin-care-leaver", "care_leaver", "16-25", 3, 1, 200)
        writer = get_or_create_respondent(session, "writer".ljust(64, "x"), "web")
        set_profile(session, writer, cohort="child_in_care", age_band="11-17", consent_version="1")
        for n, text in enumerate(
            [QUOTE_SCRIPT, *(f"I see my friends every week {n}" for n in range(5))]
        ):
            comment = add_comment(
                session,
                respondent_id=writer.id,
                text=text,
                channel="web",
                cohort="child_in_care",
                age_band="11-17",
                quote_consent=True,
                when=utcnow() - timedelta(minutes=4 - n % 3),
            )
            annotate_comment(
                session, comment, themes=["friendship"], polarity=0.5, subjectivity=0.5
            )
        for text in (
            "how do i get a bus pass <b>now</b>",
            "How do I get a bus pass <b>now</b>",
            DISCLOSURE,
        ):
            record_offer_query(
                session, text=text, channel="web", answer_ids=[], top_score=0.1, confident=False
            )
        record_offer_query(
            session,
            text="CONFIDENT-QUESTION",
            channel="web",
            answer_ids=["x"],
            top_score=9,
            confident=True,
        )
        for n in range(10):
            session.add(
                Invite(
                    token_hash=f"a{n}".ljust(64, "0"),
                    batch="spring-homes",
                    survey_id="checkin-11-17",
                    cohort="child_in_care",
                    age_band="11-17",
                    first_used_at=utcnow() if n < 3 else None,
                )
            )
        for n in range(8):
            session.add(
                Invite(
                    token_hash=f"b{n}".ljust(64, "0"),
                    batch="leavers-forum",
                    survey_id="checkin-care-leaver",
                    cohort="care_leaver",
                    age_band="16-25",
                    first_used_at=utcnow() if n < 6 else None,
                )
            )
    return this_quarter()


def this_quarter() -> str:
    local = utcnow().astimezone(ZoneInfo("Europe/London")).date()
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def test_the_dashboard_shows_the_measure_and_hides_the_small_group(
    clients: dict[str, FlaskClient], figures: str
) -> None:
    page = clients["participation"].get(f"/staff/dashboard?period={figures}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Answers satisfied or better" in html and "target 80%" in html
    assert '<svg class="chart chart-wide"' in html and 'class="chart-target"' in html
    assert "Target 80%" in html
    # the same chart drawn for a phone, with titles of its own (one is shown by CSS)
    assert '<svg class="chart chart-narrow"' in html and 'id="trend-narrow-title"' in html
    leavers = rows_named(html, "Care leavers")
    assert leavers, "no care leaver row"
    for row in leavers:
        assert row["Actual"] in ("fewer than 5", "fewer than 5 people", "hidden"), row
        assert "%" not in row["Actual"] and row["95% interval"] == "", row
    assert any(row["n"] == "fewer than 5" for row in leavers)
    band = rows_named(html, "Aged 16-25")
    assert band and all("%" not in row["Actual"] for row in band)
    # the headline is young people's (36 + 3 answers); with care leavers hidden, the
    # children's row is hidden beside them (the headline minus it would give them away)
    children = rows_named(html, "Children in care")
    assert children and children[0]["Actual"] == "hidden"
    assert "(n=39," in html.split('id="carers"')[0]
    # foster carers' 18 answers are apart, not in the headline
    assert "Foster carers (not in the young people&#39;s figure)" in html
    assert "(n=18," in html.split('id="carers"')[1]


def test_a_rate_just_under_target_never_reads_as_the_target(
    clients: dict[str, FlaskClient], database: Database
) -> None:
    """39 of 49 is 79.6%: amber, so the page must not round it up to "80%"."""
    with transaction(database.sessions) as session:
        _answers(session, "checkin-11-17", "child_in_care", "11-17", 49, 1, 0, unhappy=10)
    html = clients["participation"].get(f"/staff/dashboard?period={this_quarter()}")
    children = rows_named(html.get_data(as_text=True), "Children in care")
    assert children, "no row for children in care"
    assert children[0]["Actual"] == "79.5%", children[0]
    assert children[0]["n"] == "49"


def test_quotes_offer_questions_and_themes_are_safe(
    clients: dict[str, FlaskClient], figures: str
) -> None:
    html = clients["participation"].get(f"/staff/dashboard?period={figures}").get_data(as_text=True)
    assert "<script>alert(" not in html and "&lt;script&gt;" in html
    assert "Friends" in html
    bus = rows_named(html, "how do i get a bus pass <b>now</b>") + rows_named(
        html, "How do I get a bus pass <b>now</b>"
    )
    assert bus and bus[0]["Times asked"] == "2"
    assert "<b>now</b>" not in html
    assert "CONFIDENT-QUESTION" not in html
    assert "boyfriend hits me" not in html and "1 question not shown here" in html
    themes = clients["participation"].get(f"/staff/themes?period={figures}")
    assert themes.status_code == 200 and "Friends" in themes.get_data(as_text=True)
    assert "<script>alert(" not in themes.get_data(as_text=True)


def test_downloads_are_suppressed_and_audited(
    clients: dict[str, FlaskClient], database: Database, figures: str
) -> None:
    client = clients["participation"]
    response = client.get(f"/staff/reports/now?period={figures}&format=csv")
    assert response.status_code == 200
    assert (
        response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    leavers = [r for r in rows if r["table"] == "cohort" and r["cohort"] == "care_leaver"]
    assert leavers and leavers[0]["rate"] == "" and leavers[0]["n"] == ""
    assert leavers[0]["n_display"] == "fewer than 5"
    children = [r for r in rows if r["table"] == "cohort" and r["cohort"] == "child_in_care"]
    assert children[0]["rate"] == "" and children[0]["suppressed"] == "secondary"
    assert not [r for r in rows if r["table"] == "cohort" and r["cohort"] == "carer"]
    [carers] = [r for r in rows if r["table"] == "carers_overall"]
    assert (carers["n"], carers["rate"]) != ("", "")
    report = client.get(f"/staff/reports/now?period={figures}&format=html")
    assert report.status_code == 200 and "fewer than 5" in report.get_data(as_text=True)
    assert "<script>alert(" not in report.get_data(as_text=True)
    nonsense = client.get("/staff/reports/now?period=nonsense&format=csv")
    assert nonsense.mimetype == "text/html" and "There is a problem" in nonsense.get_data(True)

    assert client.get(f"/staff/reports/now?period={figures}&format=exe").status_code == 400
    with transaction(database.sessions) as session:
        exports = audit_entries(session, "report.export")
    assert {(e.actor, e.detail["format"]) for e in exports} == {
        (EMAILS["participation"], "csv"),
        (EMAILS["participation"], "html"),
    }


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("2026", "reports financial years rather than calendar years: try 2025-26 or 2026-27"),
        ("2026-07-01..2026-08-15", "not date ranges"),
        ("<b>soon</b>", "is not a period; use a month (2026-10)"),
        ("", None),
    ],
)
def test_a_period_heard_does_not_publish_gets_words_and_keeps_what_was_typed(
    clients: dict[str, FlaskClient], typed: str, words: str | None
) -> None:
    client = clients["participation"]
    response = client.get("/staff/reports/now", query_string={"period": typed, "format": "csv"})
    if words is None:  # nothing typed: the default period
        assert response.status_code == 200 and response.mimetype == "text/csv"
        return
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "There is a problem" in page and html.escape(words, quote=False) in page
    assert f'value="{html.escape(typed)}"' in page and "<b>soon</b>" not in page


def test_stored_reports_list_and_download(
    clients: dict[str, FlaskClient], database: Database, seeded: Seeded
) -> None:
    client = clients["participation"]
    listing = client.get("/staff/reports").get_data(as_text=True)
    assert "2025-01" in listing and "81%" in listing
    response = client.get(f"/staff/reports/{seeded.report_id}/download")
    assert REPORT_CANARY in response.get_data(as_text=True)
    assert (
        response.headers["Content-Disposition"]
        == 'attachment; filename="heard-monthly-2025-01.csv"'
    )
    assert client.get("/staff/reports/999/download").status_code == 404
    with transaction(database.sessions) as session:
        assert audit_entries(session, "report.download")[0].target == f"report:{seeded.report_id}"


def test_invite_batches_hide_small_numbers(clients: dict[str, FlaskClient], figures: str) -> None:
    html = clients["participation"].get("/staff/invites").get_data(as_text=True)
    homes = rows_named(html, "spring-homes")
    assert homes[0]["Used"] == "fewer than 5" and homes[0]["Response rate"] == "not shown"
    assert homes[0]["Survey"] == "How are things going? (checkin-11-17)"
    assert homes[0]["Who"] == "Children in care, aged 11-17"
    leavers = rows_named(html, "leavers-forum")
    assert leavers[0]["Used"] == "6" and leavers[0]["Response rate"] == "75%"
    dashboard = clients["participation"].get(f"/staff/dashboard?period={figures}")
    assert rows_named(dashboard.get_data(as_text=True), "leavers-forum")


def test_an_unreadable_period_falls_back_kindly(
    clients: dict[str, FlaskClient], seeded: Seeded
) -> None:
    page = clients["participation"].get("/staff/dashboard?period=last+tuesday")
    assert page.status_code == 200
    assert "is not a period" in page.get_data(as_text=True)


def test_posting_you_said_we_did(
    clients: dict[str, FlaskClient], database: Database, seeded: Seeded
) -> None:
    client = clients["participation"]
    token = csrf_token(client)
    bad = client.post(
        "/staff/you-said",
        data={"theme": "not_a_theme", "you_said": "x", "we_did": "y", "csrf_token": token},
    )
    assert bad.status_code == 400
    empty = client.post("/staff/you-said", data={"theme": "money", "csrf_token": token})
    assert empty.status_code == 400 and "Write what young people told you" in empty.get_data(
        as_text=True
    )
    done = client.post(
        "/staff/you-said",
        data={
            "theme": "money",
            "you_said": "Money runs out <script>alert(1)</script>",
            "we_did": "Budgeting help every month",
            "published": "y",
            "csrf_token": token,
        },
    )
    assert done.status_code == 302
    page = client.get("/staff/you-said").get_data(as_text=True)
    assert "Update saved and published." in page  # ticked: it says it is public now
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    with transaction(database.sessions) as session:
        public = latest_posts(session, limit=10)
        assert [p.theme for p in public] == ["money"]  # the seeded draft stays hidden
        assert public[0].author == EMAILS["participation"]
        new_id = public[0].id
    client.post(f"/staff/you-said/{new_id}/unpublish", data={"csrf_token": token})
    client.post(f"/staff/you-said/{seeded.post_id}/publish", data={"csrf_token": token})
    edited = client.post(
        f"/staff/you-said/{seeded.post_id}",
        data={
            "theme": "education_and_work",
            "you_said": "School moves",
            "we_did": "Kept school",
            "published": "y",
            "csrf_token": token,
        },
    )
    assert edited.status_code == 302
    with transaction(database.sessions) as session:
        public = latest_posts(session, limit=10)
        assert [(p.id, p.theme) for p in public] == [(seeded.post_id, "education_and_work")]
        assert session.get(YouSaidPost, new_id).published is False  # type: ignore[union-attr]
        actions = {e.action for e in audit_entries(session)}
    assert {"you_said.add", "you_said.publish", "you_said.unpublish", "you_said.edit"} <= actions
    assert client.get("/staff/you-said/9999").status_code == 404


def test_admin_sees_the_offer_and_the_surveys(clients: dict[str, FlaskClient]) -> None:
    offer = clients["admin"].get("/staff/offer").get_data(as_text=True)
    assert "Local offer entries" in offer and "Last reviewed" in offer
    assert "due for review" in offer
    surveys = clients["admin"].get("/staff/surveys").get_data(as_text=True)
    assert "checkin-8-11" in surveys and "Count towards 80%" in surveys


def test_offer_entries_past_their_review_date_are_flagged(
    database: Database, settings: Settings, fast_hashing: None, seeded: Seeded
) -> None:
    shipped = load_offer()
    stale = dataclasses.replace(shipped.entries[0], last_reviewed=date(2020, 1, 1))
    offer = Offer((stale, *shipped.entries[1:]))
    config = WebConfig(secret_key=settings.secret_key)
    app = create_app(database.sessions, config, {"offer": offer})
    html = signed_in(app, "admin").get("/staff/offer").get_data(as_text=True)
    assert "1 entry is due for review" in html
    row = rows_named(html, f"{stale.title} {stale.id}")
    assert row and row[0]["Review"] == "Due since 01 Jan 2021"


# --------------------------------------------------------------------------- the filter


def test_the_headline_states_the_group_and_hidden_figures_are_explained(
    clients: dict[str, FlaskClient], figures: str
) -> None:
    """3 care leavers are too few, so the other young people's group (children in care)
    is "hidden": the table that shows it says why, and points to the note. The headline
    says whom it counts: young people, not foster carers."""
    html = clients["participation"].get(f"/staff/dashboard?period={figures}").get_data(as_text=True)
    assert "<strong>Children in care and care leavers:</strong>" in html
    assert "of answers from children in care and care leavers were satisfied or better" in html
    assert 'A figure shown as "hidden" is not small itself' in html
    children = rows_named(html, "Children in care")
    assert children and children[0]["Actual"] == "hidden"
    assert not rows_named(html, "Foster carers")  # not a row of the young people's table
    assert 'aria-describedby="table-cohort-hidden"' in html
    assert 'id="table-cohort-hidden"><strong>“hidden”:</strong> this figure is not small' in html
    assert 'role="region" tabindex="0" aria-labelledby="table-cohort-caption"' in html


def test_filtering_by_cohort_and_age_band_keeps_the_period_and_the_suppression(
    clients: dict[str, FlaskClient], figures: str
) -> None:
    client = clients["participation"]
    page = client.get(f"/staff/dashboard?period={figures}&cohort=child_in_care&age_band=11-17")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<strong>Children in care, 11 to 17:</strong>" in html
    # hidden beside the 3 care leavers, as in the table for everyone
    assert "The figure for children in care aged 11-17 this quarter is hidden" in html
    assert f'<input type="hidden" name="period" value="{figures}">' in html
    assert '<option value="child_in_care" selected>' in html
    assert '<option value="11-17" selected>' in html
    assert f"/staff/dashboard?period={figures}&amp;cohort=child_in_care&amp;age_band=11-17" in html
    assert "Showing only: Children in care, 11 to 17." in html
    # themes, quotes and invite links are not split by group, so they are not shown
    assert '<h2 id="themes">' not in html and "leavers-forum" not in html
    # the same group's cell as in the table for everyone, not a new figure
    everyone = client.get(f"/staff/dashboard?period={figures}").get_data(as_text=True)
    row = rows_named(everyone, "Children in care aged 11-17")[0]  # answers, then people
    assert row["n"] == "hidden" and row["Actual"] == "hidden"

    leavers = client.get(f"/staff/dashboard?period={figures}&cohort=care_leaver")
    text = leavers.get_data(as_text=True)
    assert "<strong>Care leavers:</strong>" in text
    assert "Fewer than 5 answers came from care leavers this quarter" in text
    assert not rows_named(text, "Aged 16-25")[0]["Actual"].endswith("%")

    # adults are foster carers: their own figures, planned apart from young people's
    carers = client.get(f"/staff/dashboard?period={figures}&age_band=adult").get_data(as_text=True)
    assert "<strong>Adults:</strong>" in carers and "(n=18," in carers


def test_an_unknown_group_shows_everyone_and_says_so(
    clients: dict[str, FlaskClient], figures: str
) -> None:
    page = clients["participation"].get(
        f"/staff/dashboard?period={figures}&cohort=aliens&age_band=99"
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "That age band is not one Heard knows. Showing everyone instead." in html
    assert "<strong>Children in care and care leavers:</strong>" in html


def test_a_new_you_said_post_is_a_draft_until_it_is_ticked(
    clients: dict[str, FlaskClient], database: Database, seeded: Seeded
) -> None:
    """A post goes straight to children: one saved without ticking "Publish now" (or
    saved by mistake half written) stays a draft that nobody outside the team sees."""
    client = clients["participation"]
    form = client.get("/staff/you-said").get_data(as_text=True)
    box = re.search(r'<input[^>]*id="published"[^>]*>', form)
    assert box is not None and "checked" not in box.group(0)
    token = csrf_token(client)
    saved = client.post(
        "/staff/you-said",
        data={
            "theme": "money",
            "you_said": "Half written",
            "we_did": "Not yet",
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    page = saved.get_data(as_text=True)
    assert "Draft saved: young people will not see it until you publish it." in page
    assert "Half written" in page and "Draft: not shown" in page
    assert "Half written" not in client.get("/you-said").get_data(as_text=True)
    with transaction(database.sessions) as session:
        assert [p.you_said for p in latest_posts(session, limit=10)] == []
