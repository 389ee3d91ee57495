"""Quotes come only from people who agreed to be quoted, and never quote a disclosure.

The comments that must not be quoted are made the most positive and the most negative
of the top theme, the very ones the report would pick, so removing either filter (the
consent check in storage or in analysis, or the safeguarding check) shows up here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from analysis.periods import parse_period
from analysis.report import Report, _pick_quotes, build_report, render
from heard.catalogue_sync import sync_catalogue
from heard.wiring import Database
from storage.analysis_queries import comments as stored_comments
from storage.comments import add_comment, annotate_comment
from storage.db import transaction
from storage.respondents import get_or_create_respondent, set_profile
from surveys.definition import load_catalogue

Q3 = parse_period("2026-Q3")
AUG = datetime(2026, 8, 10, 12, 0, tzinfo=UTC)

NOT_AGREED_HAPPY = "NOCONSENT-HAPPY my mates are the best thing ever"
NOT_AGREED_SAD = "NOCONSENT-SAD I have no friends at all here"
DISCLOSURE_SAD = "my boyfriend hits me and makes me carry stuff to other towns"
DISCLOSURE_HAPPY = "I love my mates but my stepdad hits me when mum is out"
AGREED = (
    ("AGREED-ONE my friends are kind to me", 0.4),
    ("AGREED-TWO I miss my old friends from school", -0.3),
    ("AGREED-THREE I see my friends most weekends", 0.2),
    ("AGREED-FOUR hard to make friends after moving", -0.2),
)
NEVER = ("NOCONSENT", "boyfriend hits me", "stepdad hits me", "carry stuff")


def add(database: Database, rows: list[tuple[str, bool, float]]) -> None:
    sync_catalogue(database, load_catalogue())
    with transaction(database.sessions) as session:
        for number, (text, agreed, polarity) in enumerate(rows):
            person = get_or_create_respondent(session, f"quoted-{number}", "web")
            set_profile(session, person, cohort="child_in_care", age_band="11-17")
            comment = add_comment(
                session,
                respondent_id=person.id,
                text=text,
                channel="web",
                cohort="child_in_care",
                age_band="11-17",
                quote_consent=agreed,
                survey_id="checkin-11-17",
                question_id="anything_else",
                when=AUG,
            )
            annotate_comment(
                session, comment, themes=["friendship"], polarity=polarity, subjectivity=0.5
            )


@pytest.fixture
def report(database: Database) -> Report:
    add(
        database,
        [
            (NOT_AGREED_HAPPY, False, 1.0),
            (NOT_AGREED_SAD, False, -1.0),
            (DISCLOSURE_HAPPY, True, 0.95),
            (DISCLOSURE_SAD, True, -0.95),
            *((text, True, polarity) for text, polarity in AGREED),
        ],
    )
    with database.engine.connect() as connection:
        return build_report(connection, Q3, now=datetime(2026, 10, 2, tzinfo=UTC))


def test_only_agreed_words_that_are_not_a_disclosure_are_quoted(report: Report) -> None:
    quoted = [quote.text for quote in report.quotes]
    assert quoted, report.quotes_note
    # the most positive and most negative of what may be quoted
    assert sorted(quoted) == sorted(["AGREED-ONE my friends are kind to me", AGREED[1][0]])
    in_json = [quote["text"] for quote in json.loads(render(report, "json"))["quotes"]]
    assert sorted(in_json) == sorted(quoted)
    for words in (render(report, "html"), render(report, "json"), render(report, "csv")):
        for never in NEVER:
            assert never not in words


def test_storage_gives_no_words_without_agreement(database: Database) -> None:
    add(database, [(NOT_AGREED_HAPPY, False, 1.0), (AGREED[0][0], True, 0.4)])
    with database.engine.connect() as connection:
        frame = stored_comments(connection, *Q3.utc_bounds("Europe/London"))
    texts = [None if pd.isna(text) else text for text in frame["text"]]
    assert dict(zip(frame["quotable"], texts, strict=True)) == {False: None, True: AGREED[0][0]}


def test_analysis_checks_agreement_itself() -> None:
    """Should a query ever hand back words without agreement, analysis still refuses them."""
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "text": [NOT_AGREED_HAPPY, NOT_AGREED_SAD, AGREED[0][0]],
            "quotable": [False, False, True],
            "themes": [["friendship"]] * 3,
            "polarity": [1.0, -1.0, 0.4],
            "cohort": ["child_in_care"] * 3,
        }
    )
    quotes, _ = _pick_quotes(frame, ["friendship"], 5)
    assert [q.text for q in quotes] == [AGREED[0][0]]
