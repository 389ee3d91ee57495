"""Easy wording on every question of the 4-7 and 8-11 check-ins, enforced by the catalogue."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from browser_support import hidden_fields, issue_link, make_app
from flask import Flask
from flask.testing import FlaskClient

from heard.cli import main
from heard.wiring import Database
from surveys.definition import check_catalogue, check_survey, load_catalogue

# At most this many words of easy wording, for a child of each age.
WORD_LIMITS = {"checkin-4-7": 12, "checkin-8-11": 16}
BANNED = ("placement", "contact", "lac", "looked after", "respite", "sibling")


@pytest.mark.parametrize("survey_id", sorted(WORD_LIMITS))
def test_every_question_has_short_easy_wording(survey_id: str) -> None:
    survey = load_catalogue()[survey_id]
    assert survey.easy_wording_required
    for question in survey.questions:
        easy = question.easy_text
        assert easy, f"{survey_id}: {question.id} has no easy wording"
        assert easy != question.text, question.id
        assert len(easy.split()) <= WORD_LIMITS[survey_id], (question.id, easy)
        words = {w.strip("?.,!'").casefold() for w in easy.split()}
        assert not any(b in easy.casefold() if " " in b else b in words for b in BANNED), easy


SURVEY = """id: little
title: Little
audience: {cohorts: [child_in_care], age_bands: ["4-7"]}
estimated_minutes: 2
intro: Hi.
consent: OK.
easy_wording_required: true
questions:
  - id: home_feel
    type: faces5
    text: How do you feel about your home?
    easy_text: Your home. Which face?
    domain: home_and_care
    themes: [home_and_belonging]
  - id: school_feel
    type: faces5
    text: How do you feel about school?
    domain: resilience
    themes: [education_and_work]
"""


def test_a_question_without_easy_wording_names_file_question_and_fix(tmp_path: Path) -> None:
    path = tmp_path / "little.yaml"
    path.write_text(SURVEY, encoding="utf-8")
    errors = check_survey(path)
    assert len(errors) == 1
    message = str(errors[0])
    assert str(path) in message
    assert f"{path}:15:" in message  # the line where the question starts
    assert "question 'school_feel'" in message and "no easy wording" in message
    assert "Fix: add an 'easy_text:' line" in message
    assert [str(e) for e in check_catalogue(tmp_path)] == [message]
    # Without the flag the same file is fine: easy wording stays optional elsewhere.
    path.write_text(SURVEY.replace("easy_wording_required: true\n", ""), encoding="utf-8")
    assert check_survey(path) == []


def test_heard_surveys_check_reports_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "little.yaml").write_text(SURVEY, encoding="utf-8")
    assert main(["surveys", "check", "--dir", str(tmp_path)]) == 1
    stderr = capsys.readouterr().err
    assert "question 'school_feel'" in stderr and "easy_text" in stderr
    assert main(["surveys", "check"]) == 0  # the shipped catalogue has all its easy wording


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def _post(client: FlaskClient, token: str, page: str, **data: str) -> str:
    response = client.post(f"/s/{token}", data={**hidden_fields(page), **data})
    return response.get_data(as_text=True)


def test_the_web_form_shows_easy_wording_for_a_4_7_question(app: Flask, database: Database) -> None:
    token = issue_link(database, "checkin-4-7")
    client = app.test_client()
    page = client.get(f"/s/{token}").get_data(as_text=True)
    page = _post(client, token, page, choice="yes")  # consent
    page = _post(client, token, page, choice="no")  # no quote
    page = _post(client, token, page, action="answer", choice="5")  # home_feel
    assert hidden_fields(page)["step"] == "safe_at_home"
    easy = load_catalogue()["checkin-4-7"].question("safe_at_home").easy_text
    assert easy is not None
    assert f'<p class="hint" id="easy-text" data-read>{html.escape(easy)}</p>' in page
    assert 'aria-describedby="easy-text"' in page
