"""A person's own answers in words they can read: question texts and answer labels, not
ids and codes. Shared by the web's "my answers" page and the bot's /mydata, so both
say the same thing.

Pure functions over an export (People.export) and the survey catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from surveys.definition import Question, Survey


@dataclass(frozen=True)
class ReadableCheckIn:
    """One check-in: its survey's title, when it started, its state and its answers."""

    title: str
    started: str | None
    finished: str | None
    state: str
    rows: list[tuple[str, str]]


def _question(catalogue: Mapping[str, Survey], survey_id: str, question_id: str) -> Question | None:
    survey = catalogue.get(survey_id)
    if survey is None:
        return None
    try:
        return survey.question(question_id)
    except KeyError:  # a question since removed from the survey
        return None


def answer_words(question: Question, stored: str) -> str:
    """The words of a stored answer: 'Happy', 'A job, University', or the text itself."""
    if question.type == "text":
        return stored
    words = []
    for value in str(stored).split(","):
        option = question.option(value)
        words.append(option.label if option else value)
    return ", ".join(words)


def readable_answers(
    answers: Iterable[Mapping[str, Any]], catalogue: Mapping[str, Survey]
) -> list[tuple[str, str]]:
    """(question words, answer words) for each exported answer, in order. A question the
    catalogue no longer has keeps its id and stored answer rather than disappearing."""
    rows = []
    for item in answers:
        question = _question(catalogue, item["survey"], item["question"])
        if question is None:
            rows.append((str(item["question"]), str(item["answer"])))
        else:
            rows.append((question.text, answer_words(question, str(item["answer"]))))
    return rows


def readable_check_ins(
    export: Mapping[str, Any], catalogue: Mapping[str, Survey]
) -> list[ReadableCheckIn]:
    """Each check-in in the export with its own answers (by the answers' "check_in" number)."""
    check_ins = list(export.get("check_ins") or [])
    answers = list(export.get("answers") or [])
    result = []
    for number, check_in in enumerate(check_ins, start=1):
        survey = catalogue.get(check_in["survey"])
        mine = [a for a in answers if a.get("check_in") == number]
        result.append(
            ReadableCheckIn(
                title=survey.title if survey else str(check_in["survey"]),
                started=check_in.get("started"),
                finished=check_in.get("finished"),
                state=str(check_in.get("state")),
                rows=readable_answers(mine, catalogue),
            )
        )
    return result
