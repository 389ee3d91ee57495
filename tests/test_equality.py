"""Equality questions and breakdowns: sex, disability, ethnicity, came to the UK alone.

Asked of young people aged 11 to 17 and care leavers, never of 4 to 11 year olds or
carers; always optional, always with "I'd rather not say", and a line saying why.
The report breaks the measure down by each person's latest answer (as it stood at
the end of the period), with "Rather not say" and "Not answered" as categories of
their own so the categories add up, and small groups hidden like every other figure.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import test_web_staff_support as support
from browser_support import LiveServer, choice_values, hidden_fields, issue_link, make_app
from flask import Flask
from flask.testing import FlaskClient
from journey_support import (
    assert_not_seen,
    assert_sees,
    javascript,
    journey_page,
    live_server,
    no_script_errors,
    post_and_wait,
    scroll_to,
    snap,
    survey_step,
    tap_answer,
    tap_button,
)
from sqlalchemy import select
from test_report import Given, seed
from test_web_staff_support import Seeded

from analysis import loading
from analysis.equality import NOT_ANSWERED, value_label, who_words
from analysis.kpi import NOT_RECORDED, kpi_figures
from analysis.periods import parse_period
from analysis.report import ReportOptions, build_report, to_csv, to_dict, to_html
from heard.wiring import Database
from storage import models
from storage.api_tokens import add_token
from storage.db import transaction
from storage.models import utcnow
from surveys.definition import EQUALITY_QUESTIONS, check_survey, load_catalogue
from surveys.scales import PREFER_NOT_TO_SAY

__all__ = ["javascript", "journey_page", "live_server"]  # fixtures, used by name
clients = support.clients
fast_hashing = support.fast_hashing
seeded = support.seeded
staff_app = support.staff_app

CATALOGUE = load_catalogue()
ASKED = ("checkin-11-17", "checkin-care-leaver")
NOT_ASKED = ("checkin-4-7", "checkin-8-11", "carer-feedback", "pulse")
WHY = "We ask so we can check everyone is being heard fairly. You can skip it."
Q3 = parse_period("2026-Q3")
MAY = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
AUG = datetime(2026, 8, 10, 12, 0, tzinfo=UTC)
OCT = datetime(2026, 10, 10, 12, 0, tzinfo=UTC)


# --------------------------------------------------------------------------- the catalogue


@pytest.mark.parametrize("survey_id", ASKED)
def test_asked_of_11_to_17s_and_care_leavers_optional_with_rather_not_say(
    survey_id: str,
) -> None:
    survey = CATALOGUE[survey_id]
    ids = [q.id for q in survey.questions]
    for name in EQUALITY_QUESTIONS:
        question = survey.question(name)
        assert question.type == "choice" and question.optional, name
        assert not question.kpi and question.safety_signal is None, name
        assert question.values[-1] == PREFER_NOT_TO_SAY, name
        assert (
            question.options[-1].label == "I'd rather not say" and not question.options[-1].counts
        )
        assert question.text.endswith(WHY), name
        assert question.show_if is None, name  # asked of everyone taking the check-in
        # at the end, after every question that counts, before "anything else?"
        assert ids.index(name) > max(ids.index(q.id) for q in survey.kpi_questions)
    assert ids[-1] == "anything_else"


def test_the_answers_are_the_same_in_every_survey_that_asks() -> None:
    young, leavers = (CATALOGUE[s] for s in ASKED)
    for name in EQUALITY_QUESTIONS:
        assert young.question(name).values == leavers.question(name).values, name
    sex = young.question("sex")
    assert [o.label for o in sex.options] == [
        "A girl",
        "A boy",
        "In another way",
        "I'd rather not say",
    ]
    assert [o.label for o in leavers.question("sex").options][:3] == [
        "A woman",
        "A man",
        "In another way",
    ]
    disability = young.question("disability")
    assert disability.text.startswith("Do you have a disability or a long-term health condition?")
    assert disability.values == ("yes", "no", "not_sure", PREFER_NOT_TO_SAY)
    alone = young.question("came_to_uk_alone")
    assert alone.text.startswith("Did you come to the UK on your own, without a parent or carer?")
    assert alone.values == ("yes", "no", PREFER_NOT_TO_SAY)


def test_ethnicity_is_the_five_ons_top_level_groups() -> None:
    ethnicity = CATALOGUE["checkin-11-17"].question("ethnicity")
    assert [o.label for o in ethnicity.options] == [
        "Asian or Asian British",
        "Black, Black British, Caribbean or African",
        "Mixed or multiple ethnic groups",
        "White",
        "Other ethnic group",
        "I'd rather not say",
    ]


@pytest.mark.parametrize("survey_id", NOT_ASKED)
def test_not_asked_of_younger_children_or_carers(survey_id: str) -> None:
    ids = {q.id for q in CATALOGUE[survey_id].questions}
    assert not ids & set(EQUALITY_QUESTIONS)


SURVEY = """\
id: about-you
title: About you
audience: {{cohorts: [care_leaver], age_bands: ["16-25"]}}
estimated_minutes: 2
intro: Hello.
consent: Your answers go to the council.
questions:
  - id: home_happy
    type: satisfaction5
    text: How happy are you with where you live?
    domain: home_and_care
    themes: [housing]
    kpi: satisfied_or_better
  - id: ethnicity
    type: choice
    text: Which of these best describes your ethnic group?
    domain: rights
    themes: [being_heard]
{extra}    options:
      - {{value: white, label: White}}
      - {{value: other, label: Other ethnic group}}
"""


@pytest.mark.parametrize(
    ("extra", "problem", "fix"),
    [
        ("    prefer_not_to_say: true\n", "must be optional", "optional: true"),
        ("    optional: true\n", "must offer 'I'd rather not say'", "prefer_not_to_say: true"),
        (
            "    optional: true\n    prefer_not_to_say: true\n"
            "    safety_signal: {answers: [other], category: bullying}\n",
            "cannot raise a safeguarding alert",
            "remove 'safety_signal'",
        ),
    ],
)
def test_a_council_cannot_make_an_equality_question_required(
    tmp_path: Path, extra: str, problem: str, fix: str
) -> None:
    path = tmp_path / "about-you.yaml"
    path.write_text(SURVEY.format(extra=extra), encoding="utf-8")
    errors = check_survey(path)
    assert len(errors) == 1, errors
    assert problem in str(errors[0]) and fix in str(errors[0])
    assert "ethnicity" in str(errors[0])
    path.write_text(
        SURVEY.format(extra="    optional: true\n    prefer_not_to_say: true\n"), encoding="utf-8"
    )
    assert check_survey(path) == []


# --------------------------------------------------------------------------- the web form


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def _text(response: Any) -> str:
    return str(response.get_data(as_text=True))


def _post(client: FlaskClient, token: str, page: str, **data: str) -> str:
    return _text(client.post(f"/s/{token}", data={**hidden_fields(page), **data}))


def _step(page: str) -> str | None:
    return hidden_fields(page).get("step")


def _start(client: FlaskClient, token: str) -> str:
    page = _text(client.get(f"/s/{token}"))
    page = _post(client, token, page, choice="yes")  # consent
    return _post(client, token, page, choice="no")  # not quoted


def _answer_until(client: FlaskClient, token: str, page: str, stop: str | None) -> list[str]:
    """Answer each question with its last counted option until `stop` (None: the end)."""
    steps: list[str] = []
    while 'name="step"' in page and _step(page) != stop:
        steps.append(str(_step(page)))
        if 'name="text"' in page and 'name="choice"' not in page:
            page = _post(client, token, page, action="skip")
            continue
        values = [v for v in choice_values(page) if v != PREFER_NOT_TO_SAY]
        pick = "no" if steps[-1] == "moved_home" else values[-1]
        page = _post(client, token, page, action="answer", choice=pick)
        assert len(steps) < 45, "the survey never ended"
    steps.append(page)  # the page it stopped on, last
    return steps


def _stored(database: Database) -> dict[str, tuple[str, bool, bool | None]]:
    with transaction(database.sessions) as session:
        rows = session.execute(
            select(
                models.Answer.question_id,
                models.Answer.value,
                models.Answer.is_kpi,
                models.Answer.satisfied_or_better,
            )
        ).all()
    return {q: (v, kpi, sat) for q, v, kpi, sat in rows}


def test_the_web_form_lets_a_14_year_old_skip_or_rather_not_say(
    app: Flask, database: Database
) -> None:
    token = issue_link(database, "checkin-11-17")
    client = app.test_client()
    *_, page = _answer_until(client, token, _start(client, token), "sex")
    assert _step(page) == "sex"
    assert "Are you a girl, a boy, or do you describe yourself in another way?" in page
    assert "heard fairly" in page and "You can skip it." in page
    assert 'name="action" value="skip"' in page  # a Skip button
    assert choice_values(page) == ["girl_or_woman", "boy_or_man", "another_way", PREFER_NOT_TO_SAY]
    assert "I&#39;d rather not say" in page or "I'd rather not say" in page

    page = _post(client, token, page, action="skip")
    assert _step(page) == "disability" and "Please choose" not in page
    page = _post(client, token, page, action="answer", choice=PREFER_NOT_TO_SAY)
    assert _step(page) == "ethnicity"
    page = _post(client, token, page, action="answer")  # Next with nothing chosen: a skip
    assert _step(page) == "came_to_uk_alone" and "Please choose" not in page
    page = _post(client, token, page, action="answer", choice="no")
    assert _step(page) == "anything_else"
    page = _post(client, token, page, action="skip")
    assert "Thank you" in page

    stored = _stored(database)
    assert "sex" not in stored and "ethnicity" not in stored
    assert stored["disability"] == (PREFER_NOT_TO_SAY, False, None)
    assert stored["came_to_uk_alone"] == ("no", False, None)
    assert all(not kpi for q, (_, kpi, _) in stored.items() if q in EQUALITY_QUESTIONS)
    with transaction(database.sessions) as session:
        assert session.scalar(select(models.Comment)) is None  # nothing here can be quoted


@pytest.mark.parametrize("survey_id", ["checkin-4-7", "checkin-8-11"])
def test_a_younger_childs_check_in_does_not_ask(
    app: Flask, database: Database, survey_id: str
) -> None:
    token = issue_link(database, survey_id)
    client = app.test_client()
    *steps, page = _answer_until(client, token, _start(client, token), None)
    assert "Thank you" in page
    assert not set(steps) & set(EQUALITY_QUESTIONS)
    assert not set(_stored(database)) & set(EQUALITY_QUESTIONS)


# --------------------------------------------------------------------------- the report


def _people() -> list[Given]:
    """Q3 2026, 38 young people aged 11 to 17 answer "how happy are you with where you
    live?"; by sex: 12 girls (9 happy), 10 boys (6), 3 in another way, 6 rather not say
    and 7 who did not answer. Five of the girls say they did not come to the UK alone."""
    rows: list[Given] = []

    def person(name: str, happy: bool, sex: str | None) -> None:
        answer = "4" if happy else "2"
        rows.append(
            Given(name, "child_in_care", "11-17", "checkin-11-17", "home_happy", answer, AUG)
        )
        if sex is not None:
            rows.append(Given(name, "child_in_care", "11-17", "checkin-11-17", "sex", sex, AUG))

    for i in range(12):
        person(f"g{i}", i < 9, "girl_or_woman")
    for i in range(10):
        person(f"b{i}", i < 6, "boy_or_man")
    for i in range(3):
        person(f"a{i}", True, "another_way")
    for i in range(6):
        person(f"p{i}", i < 3, PREFER_NOT_TO_SAY)
    for i in range(7):
        person(f"n{i}", i < 5, None)
    for i in range(5):
        rows.append(
            Given(f"g{i}", "child_in_care", "11-17", "checkin-11-17", "came_to_uk_alone", "no", AUG)
        )
    # The latest answer counts: g0 said "rather not say" in May, then "a girl" in August.
    rows.append(
        Given("g0", "child_in_care", "11-17", "checkin-11-17", "sex", PREFER_NOT_TO_SAY, MAY)
    )
    # An answer after the quarter does not move the quarter's figures.
    rows.append(Given("n0", "child_in_care", "11-17", "checkin-11-17", "sex", "boy_or_man", OCT))
    return rows  # fmt: skip


def test_the_measure_by_sex_adds_up_and_hides_the_small_groups(database: Database) -> None:
    seed(database, _people())
    with database.engine.connect() as connection:
        report = build_report(connection, Q3, ReportOptions(), catalogue=CATALOGUE)
        frame = loading.within(
            loading.kpi_answers(connection, Q3, "Europe/London", CATALOGUE), Q3, "Europe/London"
        )
    assert report.overall.n == 38
    table = report.breakdown("sex")
    assert table is not None and table.title == "By sex, as they describe it"
    cells = {cell.key["sex"]: cell for cell in table.cells}
    order = ["girl_or_woman", "boy_or_man", "another_way", PREFER_NOT_TO_SAY, NOT_ANSWERED]
    assert list(cells) == order
    assert (cells["girl_or_woman"].n, cells["girl_or_woman"].rate) == (12, 0.75)
    assert (cells["boy_or_man"].n, cells["boy_or_man"].rate) == (10, 0.6)
    assert cells[NOT_ANSWERED].n == 7  # n0's October answer is not Q3's
    # 3 "in another way" is hidden, and the next smallest with it, so that neither can be
    # worked out as the total minus the rest.
    assert cells["another_way"].n is None and cells["another_way"].rate is None
    assert "fewer than 5" in cells["another_way"].n_display
    hidden = [name for name, cell in cells.items() if cell.n is None]
    assert len(hidden) >= 2
    assert "3" not in " ".join(cells[name].n_display for name in hidden)
    assert "describe themselves as a girl or woman" in cells["girl_or_woman"].sentence

    # The categories add up to the total: everyone is in exactly one.
    truth = {f.key["sex"]: f.current.n for f in kpi_figures(frame, None, ("sex",))}
    assert truth == {
        "girl_or_woman": 12,
        "boy_or_man": 10,
        "another_way": 3,
        PREFER_NOT_TO_SAY: 6,
        NOT_ANSWERED: 7,
    }
    assert sum(truth.values()) == report.overall.n and NOT_RECORDED not in truth

    alone = report.breakdown("came_to_uk_alone")
    assert alone is not None
    assert {c.key["came_to_uk_alone"]: c.n for c in alone.cells} == {"no": 5, NOT_ANSWERED: 33}
    # Nobody has answered these yet: no table of one "not answered" row.
    assert report.breakdown("ethnicity") is None and report.breakdown("disability") is None
    # Never part of the measure, nor a question of its own in the tables.
    by_question = report.breakdown("question")
    assert by_question is not None
    assert not {c.key["question_id"] for c in by_question.cells} & set(EQUALITY_QUESTIONS)


def test_every_format_shows_the_breakdown_in_words(database: Database) -> None:
    seed(database, _people())
    with database.engine.connect() as connection:
        report = build_report(connection, Q3, ReportOptions(), catalogue=CATALOGUE)
    html = to_html(report)
    for words in (
        "By sex, as they describe it",
        "Girls and women",
        "Boys and men",
        "Describe themselves in another way",
        "Rather not say",
        "Not answered",
        "By whether they came to the UK alone",
        "Did not come to the UK alone",
    ):
        assert words in html, words
    assert not re.search(r"\bprefer_not_to_say\b|\bnot_answered\b", html)

    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert {"sex", "disability", "ethnicity", "came_to_uk_alone"} <= set(rows[0])
    by_sex = {r["sex"]: r for r in rows if r["table"] == "sex"}
    assert by_sex["girl_or_woman"]["n"] == "12" and by_sex["another_way"]["n"] == ""
    assert "fewer than 5" in by_sex["another_way"]["n_display"]

    data = to_dict(report)
    table = next(b for b in data["breakdowns"] if b["name"] == "sex")
    assert table["dimensions"] == ["sex"]
    assert [c["sex"] for c in table["cells"]][-2:] == [PREFER_NOT_TO_SAY, NOT_ANSWERED]


def test_the_words_for_every_answer() -> None:
    for survey_id in ASKED:
        for name in EQUALITY_QUESTIONS:
            for option in CATALOGUE[survey_id].question(name).options:
                label = value_label(name, option.value)
                assert label and "_" not in label, (name, option.value)
                assert "_" not in who_words(name, option.value), (name, option.value)
    assert value_label("sex", PREFER_NOT_TO_SAY) == "Rather not say"
    assert value_label("ethnicity", NOT_ANSWERED) == "Not answered"


def test_the_api_gives_the_same_suppressed_breakdown(database: Database, app: Flask) -> None:
    seed(database, _people())
    with transaction(database.sessions) as session:
        token = add_token(session, "equality-bi")[1]
    response = app.test_client().get(
        "/api/v1/breakdowns?period=2026-Q3", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    table = next(b for b in response.get_json()["breakdowns"] if b["name"] == "sex")
    cells = {c["sex"]: c for c in table["cells"]}
    assert cells["girl_or_woman"]["n"] == 12
    assert cells["another_way"]["n"] is None and cells["another_way"]["rate"] is None


def test_the_dashboard_shows_the_breakdowns(
    clients: dict[str, FlaskClient], database: Database, seeded: Seeded
) -> None:
    now = utcnow().replace(tzinfo=UTC)
    people = [
        Given(f"d{i}", "care_leaver", "16-25", "checkin-care-leaver", question, value, now)
        for i in range(8)
        for question, value in (
            ("feel_safe_home", "yes" if i < 6 else "no"),
            ("ethnicity", "white" if i < 5 else PREFER_NOT_TO_SAY),
        )
    ]
    seed(database, people)
    local = now.astimezone(ZoneInfo("Europe/London")).date()
    period = f"{local.year}-Q{(local.month - 1) // 3 + 1}"
    html = _text(clients["participation"].get(f"/staff/dashboard?period={period}"))
    assert "By ethnic group" in html
    assert "White" in html and "Rather not say" in html
    assert "prefer_not_to_say" not in html


# --------------------------------------------------------------------------- in a browser


@pytest.mark.browser
@pytest.mark.slow
def test_a_14_year_old_skips_one_and_would_rather_not_say_another(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    shot = lambda name: snap(page, f"equality-14-{name}", javascript=javascript)  # noqa: E731
    page.goto(live_server.invite("checkin-11-17"))
    for choice in ("yes", "no"):  # yes to taking part; no to being quoted
        button = page.locator(f'button[name="choice"][value="{choice}"]')
        post_and_wait(page, button.tap, javascript=javascript)
    for _ in range(40):
        if survey_step(page) == "sex":
            break
        tap_answer(page, page.locator("label.choice").first.inner_text().strip())
        tap_button(page, "Next", javascript=javascript)
    assert survey_step(page) == "sex"

    # Why it is asked, and that it can be skipped, in the words they see first.
    assert_sees(page, "Are you a girl, a boy, or do you describe yourself in another way?")
    assert_sees(page, "We ask so we can check everyone is being heard fairly.", "You can skip it.")
    scroll_to(page, ".actions")
    assert_sees(page, "I'd rather not say", "Skip")
    shot("1-sex")
    tap_button(page, "Skip", javascript=javascript)

    assert survey_step(page) == "disability"
    assert_sees(page, "Do you have a disability or a long-term health condition?")
    assert_not_seen(page, "Please choose an answer")
    tap_answer(page, "I'd rather not say")
    shot("2-rather-not-say")
    tap_button(page, "Next", javascript=javascript)

    assert survey_step(page) == "ethnicity"
    assert_sees(page, "Which of these best describes your ethnic group or background?")
    tap_answer(page, "Mixed or multiple ethnic groups")
    tap_button(page, "Next", javascript=javascript)

    assert survey_step(page) == "came_to_uk_alone"
    assert_sees(page, "Did you come to the UK on your own, without a parent or carer?")
    tap_answer(page, "No")
    tap_button(page, "Next", javascript=javascript)

    assert survey_step(page) == "anything_else"
    tap_button(page, "Skip", javascript=javascript)
    assert_sees(page, "Thank you")
    shot("3-thank-you")
    no_script_errors(page)

    stored = _stored(live_server.database)
    assert "sex" not in stored
    assert stored["disability"] == (PREFER_NOT_TO_SAY, False, None)
    assert stored["ethnicity"] == ("mixed", False, None)
    assert stored["came_to_uk_alone"] == ("no", False, None)
