"""The report on a small, hand-built database (SQLite and PostgreSQL): figures, suppression
in every format, and a self-contained, escaped, accessible HTML page."""

from __future__ import annotations

import argparse
import base64
import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import select

from analysis.periods import parse_period
from analysis.report import Report, ReportOptions, build_report, render, to_csv, to_html
from analysis.scrub import scrub_quote
from heard.catalogue_sync import sync_catalogue
from heard.report_command import run_report, write_report
from heard.settings import Settings
from heard.wiring import Database
from storage.comments import add_comment, annotate_comment
from storage.db import transaction
from storage.models import GeneratedReport, YouSaidPost
from storage.respondents import get_or_create_respondent, set_profile
from storage.surveys import save_answer, start_session, survey_versions
from surveys.definition import load_catalogue

CATALOGUE = load_catalogue()
Q3 = parse_period("2026-Q3")
AUG = datetime(2026, 8, 10, 12, 0, tzinfo=UTC)
MAY = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Given:
    """One answer to put in the database."""

    person: str
    cohort: str
    age_band: str
    survey: str
    question: str
    value: str
    when: datetime
    placement: str | None = None


def seed(database: Database, answers: list[Given]) -> dict[str, int]:
    """Write answers through the ordinary repositories; returns respondent ids by person."""
    sync_catalogue(database, CATALOGUE)
    people: dict[str, int] = {}
    with transaction(database.sessions) as session:
        versions = {v.survey_id: v for v in survey_versions(session)}
        sessions: dict[tuple[str, str, str], object] = {}
        for given in answers:
            respondent = get_or_create_respondent(session, f"p-{given.person}", "web")
            set_profile(session, respondent, cohort=given.cohort, age_band=given.age_band)
            if given.placement:
                respondent.placement_type = given.placement
            people[given.person] = respondent.id
            key = (given.person, given.survey, given.when.date().isoformat())
            if key not in sessions:
                sessions[key] = start_session(
                    session,
                    respondent_id=respondent.id,
                    version=versions[given.survey],
                    channel="web",
                    first_question_id=None,
                    when=given.when,
                )
            question = CATALOGUE[given.survey].question(given.question)
            save_answer(
                session,
                sessions[key],  # type: ignore[arg-type]
                question_id=given.question,
                value=given.value,
                is_kpi=question.kpi,
                satisfied_or_better=question.is_satisfied_or_better(given.value)
                if question.kpi
                else None,
                when=given.when,
            )
    return people


def scenario() -> list[Given]:
    """Q3 2026: 10 children in care (8 satisfied, plus one "rather not say"), 3 care
    leavers (2 satisfied) and 6 foster carers (3 satisfied). Q2: 10 children, 6 satisfied."""
    rows: list[Given] = []
    for i in range(10):
        value = "5" if i < 4 else "4" if i < 8 else "2"
        # one answer just after midnight on 1 July, London time (23:30 UTC on 30 June)
        when = datetime(2026, 6, 30, 23, 30, tzinfo=UTC) if i == 0 else AUG
        rows.append(
            Given(
                f"c{i}",
                "child_in_care",
                "11-17",
                "checkin-11-17",
                "home_happy",
                value,
                when,
                "foster_council",
            )
        )
        rows.append(
            Given(
                f"c{i}",
                "child_in_care",
                "11-17",
                "checkin-11-17",
                "home_happy",
                "4" if i < 6 else "1",
                MAY,
                "foster_council",
            )
        )
    rows.append(
        Given(
            "c9", "child_in_care", "11-17", "checkin-11-17", "feel_safe", "prefer_not_to_say", AUG
        )
    )
    for i, value in enumerate(["yes", "yes", "no"]):
        rows.append(
            Given(
                f"l{i}", "care_leaver", "16-25", "checkin-care-leaver", "feel_safe_home", value, AUG
            )
        )
    for i, value in enumerate(["5", "4", "4", "3", "2", "1"]):
        rows.append(
            Given(f"f{i}", "carer", "adult", "carer-feedback", "support_overall", value, AUG)
        )
    # just before midnight at the end of September, London time: still Q3
    rows.append(
        Given(
            "c1",
            "child_in_care",
            "11-17",
            "checkin-11-17",
            "own_space",
            "5",
            datetime(2026, 9, 30, 22, 59, tzinfo=UTC),
        )
    )
    # just after: October, not Q3
    rows.append(
        Given(
            "c2",
            "child_in_care",
            "11-17",
            "checkin-11-17",
            "own_space",
            "1",
            datetime(2026, 9, 30, 23, 1, tzinfo=UTC),
        )
    )
    return rows  # fmt: skip


QUOTE = "<b>I miss my mates</b> & my old school, call me on 07700 900123"


def add_comments(database: Database, people: dict[str, int]) -> None:
    with transaction(database.sessions) as session:
        texts = [
            ("c0", True, QUOTE),
            ("c1", True, "my friends are great"),
            ("c2", True, "sleepovers with my friend are the best"),
            ("c3", True, "no one to hang out with"),
            ("c4", False, "PRIVATE WORDS my friend Jo lives next door"),
            ("c5", False, "I have no friends here"),
        ]
        for person, consent, text in texts:
            comment = add_comment(
                session,
                respondent_id=people[person],
                text=text,
                channel="web",
                cohort="child_in_care",
                age_band="11-17",
                quote_consent=consent,
                survey_id="checkin-11-17",
                question_id="anything_else",
                when=AUG,
            )
            polarity = 0.5 if "great" in text or "best" in text else -0.4
            annotate_comment(
                session, comment, themes=["friendship"], polarity=polarity, subjectivity=0.5
            )
        session.add(
            YouSaidPost(
                theme="friendship",
                you_said="You said it is hard to see friends after a move.",
                we_did="We now pay for travel to see old friends.",
                author="participation@example.org",
                created_at=AUG,
            )
        )


@pytest.fixture
def report(database: Database) -> Report:
    people = seed(database, scenario())
    add_comments(database, people)
    with database.engine.connect() as connection:
        return build_report(connection, Q3, ReportOptions(), now=datetime(2026, 10, 2, tzinfo=UTC))


def cells(data: dict, name: str) -> dict[str, dict]:
    [table] = [b for b in data["breakdowns"] if b["name"] == name]
    return {c[table["dimensions"][0]]: c for c in table["cells"]}


# --------------------------------------------------------------------------- figures


def test_json_figures_match_the_hand_count(report: Report):
    data = json.loads(render(report, "json"))
    assert data["period"]["label"] == "2026-Q3"
    assert data["target"] == 0.8
    overall = data["overall"]
    # Q3, young people only: children 8/10 + own_space 1/1, leavers 2/3 → 11 of 14
    # (the carers' 3 of 6 are their own figure, not in the headline)
    assert (overall["n"], overall["rate"]) == (14, 0.7857)
    # one "rather not say": a count under 5, so it is hidden too
    assert overall["not_counted"] is None and overall["not_counted_display"] == "fewer than 5"
    assert overall["rag"] == "amber"
    assert (overall["ci_low"], overall["ci_high"]) == (0.5241, 0.9243)
    assert data["headline_counts"].startswith("children in care and care leavers")
    carers = data["carers"]["overall"]
    assert (carers["n"], carers["rate"], carers["rag"]) == (6, 0.5, "red")
    # Q2: 6 of 10 children
    assert overall["previous_rate"] == 0.6
    assert overall["direction"] == "up" and overall["significant"] is False
    for key in ("breakdowns", "themes", "coverage"):
        assert key in data


def test_cohorts_are_suppressed_primary_and_secondary(report: Report):
    data = json.loads(to_json_text(report))
    by_cohort = cells(data, "cohort")
    assert set(by_cohort) == {"child_in_care", "care_leaver"}  # carers are apart
    leavers = by_cohort["care_leaver"]
    assert leavers["suppressed"] == "primary"
    assert (leavers["n"], leavers["rate"], leavers["ci_low"]) == (None, None, None)
    assert leavers["n_display"] == "fewer than 5"
    # the headline (young people) minus the children would give the leavers away
    children = by_cohort["child_in_care"]
    assert children["suppressed"] == "secondary" and children["rate"] is None
    assert "adult" not in cells(data, "age_band")
    # carers' own tables, planned on their answers alone: one group, shown
    [carers] = [b for b in data["carers"]["breakdowns"] if b["name"] == "cohort"]
    assert [(c["cohort"], c["n"], c["rate"]) for c in carers["cells"]] == [("carer", 6, 0.5)]


def to_json_text(report: Report) -> str:
    return render(report, "json")


def test_person_level_rate(report: Report):
    people = report.people
    # children c0-c7 mostly satisfied (c2's unhappy answer fell in October), c8 and c9
    # not; leavers 2 of 3 → 10 of 13 young people (carers, 3 of 6, are apart)
    assert people.n == 13
    assert people.rate == pytest.approx(10 / 13)
    assert "who answered were mostly satisfied or better" in people.sentence
    assert report.carers is not None and report.carers.people.n == 6


def test_csv_has_one_row_per_kpi_cell_and_hides_small_ones(report: Report):
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert rows[0]["table"] == "overall" and rows[0]["rate"] == "0.7857"
    [carers] = [r for r in rows if r["table"] == "carers_overall"]
    assert (carers["n"], carers["rate"]) == ("6", "0.5")
    leavers = [r for r in rows if r["table"] == "cohort" and r["cohort"] == "care_leaver"]
    assert leavers and leavers[0]["rate"] == "" and leavers[0]["n"] == ""
    assert leavers[0]["n_display"] == "fewer than 5"
    months = [r for r in rows if r["table"] == "monthly"]
    assert len(months) == 18


def test_themes_come_from_annotated_comments(report: Report):
    data = json.loads(render(report, "json"))
    [friendship] = data["themes"]
    assert friendship["theme"] == "friendship" and friendship["n"] == 6
    assert friendship["share"] == 1.0
    texts = " ".join(q["text"] for q in data["quotes"])
    assert data["quotes"], "quotes from people who agreed"
    assert "PRIVATE WORDS" not in texts and "no friends here" not in texts
    assert "07700 900123" not in texts


def test_newer_and_carers_themes_read_as_words_in_the_report_and_you_said_choices(
    database: Database,
):
    """Issue 17's themes (support from the council; carers' payments) are named as people
    would say them wherever a report or a staff page shows a theme, never as ids."""
    from webforms.staff.themes import theme_choices

    people = seed(database, scenario())
    with transaction(database.sessions) as session:
        for index, person in enumerate(sorted(people)):
            comment = add_comment(
                session,
                respondent_id=people[person],
                text=f"my social worker changed again {index}",
                channel="web",
                cohort="child_in_care",
                age_band="11-17",
                quote_consent=False,
                survey_id="checkin-11-17",
                question_id="anything_else",
                when=AUG,
            )
            annotate_comment(
                session,
                comment,
                themes=["support_from_council", "payments_and_allowances"],
                polarity=-0.2,
                subjectivity=0.5,
            )
        session.add(
            YouSaidPost(
                theme="support_from_council",
                you_said="You said your worker keeps changing.",
                we_did="We now keep the same worker for a year where we can.",
                author="participation@example.org",
                created_at=AUG,
            )
        )
    with database.engine.connect() as connection:
        built = build_report(connection, Q3, ReportOptions(), now=datetime(2026, 10, 2, tzinfo=UTC))
    html = to_html(built)
    assert "Support from the council" in html and "Payments and allowances" in html
    assert "support_from_council" not in html and "payments_and_allowances" not in html
    choices = dict(theme_choices())
    assert choices["support_from_council"] == "Support from the council"
    assert choices["payments_and_allowances"] == "Payments and allowances"
    assert choices["friendship"] == "Friends and friendship"


# --------------------------------------------------------------------------- HTML


def test_html_is_self_contained_accessible_and_escaped(report: Report):
    html = to_html(report)
    assert '<html lang="en-GB">' in html
    without_images = re.sub(r'src="data:[^"]+"', 'src=""', html)
    assert "http://" not in without_images and "https://" not in without_images
    assert "<b>" not in html
    assert str(escape(scrub_quote(QUOTE))) in html
    assert "PRIVATE WORDS" not in html
    assert "<caption id=" in html and "<h1>" in html
    images = re.findall(r"<img ([^>]+)>", html)
    assert len(images) >= 2
    for attributes in images:
        assert re.search(r'alt="[^"]{20,}"', attributes)
        assert 'src="data:image/svg+xml;base64,' in attributes
    svg = base64.b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html)[1])
    assert b"Target 80%" in svg
    assert "You said it is hard to see friends after a move." in html
    assert "Wilson" in html


def test_html_shows_fewer_than_5_without_a_percentage(report: Report):
    html = to_html(report)
    rows = re.findall(r"<tr>.*?</tr>", html, flags=re.S)
    leavers = [r for r in rows if '<th scope="row">Care leavers</th>' in r]
    assert leavers
    for row in leavers:
        assert "fewer than 5" in row
        assert "%" not in re.sub(r"<[^>]+>", "", row.split("</th>", 1)[1]).replace("80%", "")


def test_html_key_figures_say_whose_they_are(report: Report):
    html = to_html(report)
    kpis = html.split('id="kpis"', 1)[1].split("</table>", 1)[0]
    # the headline row counts young people only (carers have their own section)
    assert '<th scope="row">Children in care and care leavers</th>' in kpis
    assert '<th scope="row">Everyone</th>' not in kpis
    assert "(in development)" not in html


def test_report_rejects_unsuppressed_cells(report: Report):
    from dataclasses import replace

    from analysis.kpi import KpiCounts, KpiFigure

    with pytest.raises(TypeError):
        replace(report, overall=KpiFigure((), KpiCounts(1, 2)))  # type: ignore[arg-type]


def test_empty_database_renders_every_format(database: Database):
    sync_catalogue(database, CATALOGUE)
    with database.engine.connect() as connection:
        empty = build_report(connection, Q3)
    assert empty.overall.n == 0 and empty.overall.rate is None
    for format in ("html", "json", "csv"):
        assert render(empty, format)
    assert json.loads(render(empty, "json"))["themes"] == []


# --------------------------------------------------------------------------- the command


def test_heard_report_writes_a_file_and_stores_it(
    database: Database, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    seed(database, scenario())
    args = argparse.Namespace(period="2026-Q3", format="json", out=str(tmp_path / "out"))
    assert run_report(args, settings) == 0
    path = tmp_path / "out" / "heard-report-2026-Q3.json"
    assert json.loads(path.read_text())["overall"]["n"] == 14
    assert str(path) in capsys.readouterr().out
    with transaction(database.sessions) as session:
        stored = session.scalars(select(GeneratedReport)).all()
    assert [(r.kind, r.period_label, r.format) for r in stored] == [
        ("quarterly", "2026-Q3", "json")
    ]
    assert stored[0].summary["overall"]["n"] == 14
    assert stored[0].summary["carers"]["n"] == 6
    # the same period and format again replaces, not duplicates
    write_report(database, settings, Q3, "json")
    with transaction(database.sessions) as session:
        assert len(session.scalars(select(GeneratedReport)).all()) == 1


def test_heard_report_refuses_calendar_years_ranges_and_bad_periods(
    settings: Settings, tmp_path: Path
):
    from heard.cli import CommandError

    base = {"format": "csv", "out": str(tmp_path)}
    assert run_report(argparse.Namespace(period="2026-07", **base), settings) == 0
    assert (tmp_path / "heard-report-2026-07.csv").is_file()
    refusals = {
        "2026": "try 2025-26 or 2026-27",
        "2026-07-01..2026-07-31": "not date ranges",
        "2026-13": "'2026-13' is not a financial year",
    }
    for text, why in refusals.items():
        with pytest.raises(CommandError, match=why):
            run_report(argparse.Namespace(period=text, **base), settings)
    assert list(tmp_path.glob("heard-report-*")) == [tmp_path / "heard-report-2026-07.csv"]
