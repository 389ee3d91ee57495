"""The demo council answers the equality questions as real people would: each person the
same way every time, in plausible shares, and only where the catalogue asks."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from typing import Any

import pytest

from heard.demo.build import DEFAULT_PERIOD, _generator
from heard.demo.equality import EqualityAnswers
from heard.demo.population import build_population
from storage.datafiles import DataFileError
from surveys.definition import EQUALITY_QUESTIONS, load_catalogue
from surveys.scales import PREFER_NOT_TO_SAY


def _answers(seed: int, scale: float = 1.0) -> tuple[list[dict[str, Any]], dict[int, str]]:
    catalogue = load_catalogue()
    generator = _generator(
        None, catalogue, b"k" * 32, seed, DEFAULT_PERIOD, dict.fromkeys(catalogue, 1)
    )
    people = build_population(generator.config, random.Random(seed), scale=scale)
    answers: list[dict[str, Any]] = []
    groups: dict[int, str] = {}
    for batch in generator.batches(people):
        answers.extend(batch.answers)
        groups.update({r["id"]: f"{r['cohort']} {r['age_band']}" for r in batch.respondents})
    return answers, groups


@pytest.fixture(scope="module")
def demo() -> tuple[list[dict[str, Any]], dict[int, str]]:
    return _answers(2025, scale=2.0)


def test_each_person_describes_themselves_the_same_way_every_time(demo: Any) -> None:
    answers, groups = demo
    given: dict[tuple[int, str], set[str]] = defaultdict(set)
    for answer in answers:
        if answer["question_id"] in EQUALITY_QUESTIONS:
            given[answer["respondent_id"], answer["question_id"]].add(answer["value"])
            assert answer["is_kpi"] is False and answer["satisfied_or_better"] is None
    assert given, "the demo answers the equality questions"
    assert all(len(values) == 1 for values in given.values())
    asked = {groups[person] for person, _ in given}
    assert asked == {"child_in_care 11-17", "care_leaver 16-25"}


def test_the_shares_are_roughly_those_of_children_in_care(demo: Any) -> None:
    answers, _ = demo
    people: dict[str, dict[int, str]] = defaultdict(dict)
    for answer in answers:
        if answer["question_id"] in EQUALITY_QUESTIONS:
            people[answer["question_id"]][answer["respondent_id"]] = answer["value"]

    def share(question: str, value: str) -> float:
        values = Counter(people[question].values())
        return values[value] / sum(values.values())

    assert 0.48 < share("sex", "boy_or_man") < 0.62
    assert 0.34 < share("sex", "girl_or_woman") < 0.48
    assert 0.003 < share("sex", "another_way") < 0.04
    assert 0.62 < share("ethnicity", "white") < 0.76
    for group in ("black", "mixed"):
        assert 0.06 < share("ethnicity", group) < 0.14
    assert 0.10 < share("disability", "yes") < 0.20
    assert 0.05 < share("came_to_uk_alone", "yes") < 0.12
    for question in EQUALITY_QUESTIONS:
        assert 0.02 < share(question, PREFER_NOT_TO_SAY) < 0.09


def test_those_who_came_alone_are_mostly_older_boys(demo: Any) -> None:
    answers, groups = demo
    sex: dict[int, str] = {}
    came: dict[int, str] = {}
    for answer in answers:
        if answer["question_id"] == "sex":
            sex[answer["respondent_id"]] = answer["value"]
        elif answer["question_id"] == "came_to_uk_alone":
            came[answer["respondent_id"]] = answer["value"]
    alone = [person for person, value in came.items() if value == "yes"]
    boys = sum(sex.get(person) == "boy_or_man" for person in alone)
    girls = sum(sex.get(person) == "girl_or_woman" for person in alone)
    assert boys > 4 * girls
    leavers = sum(groups[person].startswith("care_leaver") for person in alone)
    assert leavers > len(alone) / 3


def test_some_skip_a_question_sometimes_and_the_rest_is_deterministic(demo: Any) -> None:
    answers, _ = demo
    sessions: dict[int, set[str]] = defaultdict(set)
    for answer in answers:
        if answer["survey_id"] in ("checkin-11-17", "checkin-care-leaver"):
            sessions[answer["session_id"]].add(answer["question_id"])
    finished = [ids for ids in sessions.values() if "getting_better" in ids]
    for question in EQUALITY_QUESTIONS:
        skipped = sum(question not in ids for ids in finished) / len(finished)
        assert 0.04 < skipped < 0.16, (question, skipped)
    again, _ = _answers(2025, scale=2.0)
    assert again == answers


def test_an_answer_the_catalogue_does_not_offer_is_refused() -> None:
    catalogue = load_catalogue()
    with pytest.raises(DataFileError, match="equality.ethnicity"):
        EqualityAnswers(
            {
                "sex": {"boy_or_man": 1},
                "disability": {"no": 1},
                "ethnicity": {"came_alone": {"martian": 1}, "others": {"white": 1}},
            },
            catalogue.values(),
            seed=1,
        )
