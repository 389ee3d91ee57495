"""Scoring the search against a set of real-sounding questions (top-1, top-3, off-topic).

Shared by the benchmark and the tests so both measure the same thing, and so
the team can run a held-back question file through exactly the same rules.

Question file format (YAML): `questions:` list of items with
  id      optional stable id (needed when a split file assigns questions to dev/test)
  q       the question as typed
  expect  entry ids a good answer gives, the first being the ideal top answer;
          an item may itself be a list meaning "any one of these";
          [], `none` or [none] means off-topic: the answer must not be confident
  multi   true when several things are asked: every expect item must be in the top 3
  age     optional age of the asker
  status  optional status the top answer should have for that age
  style   optional note of how it is written (typos, slang, off-topic, ...)

A split file (tests/data/offer/split.yaml) maps ids to `dev` or `test`;
`load_split` reads it and `select` keeps one part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from localoffer.search import OfferAnswer, OfferSearch
from storage.datafiles import DataFileError, line_of, load_yaml


@dataclass(frozen=True)
class Question:
    text: str
    expect: tuple[frozenset[str], ...]
    multi: bool = False
    age: int | None = None
    status: str | None = None
    line: int | None = None
    id: str = ""
    style: str = ""

    @property
    def off_topic(self) -> bool:
        return not self.expect


@dataclass
class QualityReport:
    asked: int = 0
    top1: int = 0
    top3: int = 0
    confident: int = 0
    off_topic: int = 0
    rejected: int = 0
    status_checked: int = 0
    status_right: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.asked if self.asked else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.asked if self.asked else 0.0

    @property
    def confident_rate(self) -> float:
        return self.confident / self.asked if self.asked else 0.0

    @property
    def rejection_rate(self) -> float:
        return self.rejected / self.off_topic if self.off_topic else 1.0

    @property
    def status_rate(self) -> float:
        return self.status_right / self.status_checked if self.status_checked else 1.0


def load_questions(path: Path) -> list[Question]:
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise DataFileError(path, "expected a 'questions:' list", fix="see localoffer/quality.py")
    questions = []
    for number, raw in enumerate(data["questions"], 1):
        if not isinstance(raw, dict) or "q" not in raw or "expect" not in raw:
            raise DataFileError(
                path,
                "each question needs 'q' and 'expect'",
                line=line_of(raw),
                item=f"question {number}",
                fix="write '- q: ...' and 'expect: [ids]' (or none for off-topic)",
            )
        raw_expect = raw["expect"]
        if raw_expect is None or raw_expect in ("none", ["none"]):
            raw_expect = []
        if not isinstance(raw_expect, list):
            raise DataFileError(
                path,
                f"'expect' must be a list of entry ids or none, not {raw_expect!r}",
                line=line_of(raw),
                item=str(raw.get("id") or f"question {number}"),
                fix="write 'expect: [entry-id]' or 'expect: none' for off-topic",
            )
        expect = tuple(
            frozenset(item) if isinstance(item, list) else frozenset([item]) for item in raw_expect
        )
        questions.append(
            Question(
                text=str(raw["q"] or ""),
                expect=expect,
                multi=bool(raw.get("multi")),
                age=raw.get("age"),
                status=raw.get("status"),
                line=line_of(raw),
                id=str(raw.get("id") or ""),
                style=str(raw.get("style") or ""),
            )
        )
    return questions


def load_split(path: Path) -> dict[str, str]:
    """The id -> 'dev' | 'test' assignments of a split file."""
    data = load_yaml(path)
    assignments = data.get("assignments") if isinstance(data, dict) else None
    if not isinstance(assignments, dict) or not all(
        value in ("dev", "test") for value in assignments.values()
    ):
        raise DataFileError(
            path,
            "expected an 'assignments:' mapping of question id to dev or test",
            fix="regenerate it with benchmarks/split_offer_questions.py --new-items-only",
        )
    return {str(key): str(value) for key, value in assignments.items()}


def select(questions: list[Question], split: dict[str, str], part: str) -> list[Question]:
    """The questions assigned to one part; a question missing from the split is an error."""
    unassigned = [q.id or q.text for q in questions if q.id not in split]
    if unassigned:
        raise ValueError(
            f"{len(unassigned)} questions are not in the split (first: {unassigned[0]!r}); "
            "run benchmarks/split_offer_questions.py --new-items-only"
        )
    return [q for q in questions if split[q.id] == part]


def judge(question: Question, answer: OfferAnswer) -> dict[str, Any]:
    """Whether one answer meets the question's expectations."""
    ids = answer.answer_ids
    if question.off_topic:
        return {"rejected": not answer.confident}
    top3 = ids[:3]
    first = question.expect[0]
    needed = question.expect if question.multi else (first,)
    return {
        "top1": bool(ids) and ids[0] in first,
        "top3": all(any(i in group for i in top3) for group in needed),
        "confident": answer.confident,
        "status": None
        if question.status is None or not answer.answers
        else answer.answers[0].status == question.status,
    }


def evaluate(search: OfferSearch, questions: list[Question]) -> QualityReport:
    report = QualityReport()
    for question in questions:
        answer = search.ask(question.text, age=question.age)
        verdict = judge(question, answer)
        got = ", ".join(answer.answer_ids) or "nothing"
        if question.off_topic:
            report.off_topic += 1
            report.rejected += verdict["rejected"]
            if not verdict["rejected"]:
                report.misses.append(f"off-topic but confident: {question.text!r} -> {got}")
            continue
        report.asked += 1
        report.top1 += verdict["top1"]
        report.top3 += verdict["top3"]
        report.confident += verdict["confident"]
        if verdict["status"] is not None:
            report.status_checked += 1
            report.status_right += verdict["status"]
        if not (verdict["top1"] and verdict["top3"] and verdict["confident"]):
            want = " / ".join("|".join(sorted(group)) for group in question.expect)
            flags = "" if verdict["confident"] else " [not confident]"
            report.misses.append(f"{question.text!r}: want {want}; got {got}{flags}")
    return report
