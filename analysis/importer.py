"""Importing historic results from CSV: check every row against the catalogue, then write.

The file format (documented for councils in `FORMAT_HELP`):

    respondent_ref, cohort, age_band, survey_id, question_id, answer, answered_at
    [, placement_type, locality]

one row per answer. `answer` is the option's value as `heard surveys show ID
--json` lists it (several values of a pick-all question joined with ";"), or
the words for a free-text question. Rows are numbered as a spreadsheet shows
them (the header is row 1). Nothing is written unless every row is valid;
with `skip_invalid` the valid rows are written and the rest reported.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from storage.imports import (
    ImportCounts,
    ImportedAnswer,
    ImportedCheckIn,
    Profile,
    existing_profiles,
    imported_check_ins,
    write_import,
)
from storage.pseudonym import pseudonymise
from storage.surveys import ensure_survey_version
from storage.text import storable_text
from surveys.definition import AGE_BANDS, COHORTS, Survey, survey_to_json

__all__ = [
    "FORMAT_HELP",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "ImportResult",
    "RowError",
    "UnreadableCsv",
    "ValidRow",
    "Validation",
    "import_rows",
    "read_rows",
    "validate_rows",
]

REQUIRED_COLUMNS = (
    "respondent_ref",
    "cohort",
    "age_band",
    "survey_id",
    "question_id",
    "answer",
    "answered_at",
)
OPTIONAL_COLUMNS = ("placement_type", "locality")
PSEUDONYM_CHANNEL = "import"
REF_MAX = 200
FIELD_MAX = 32
EARLIEST = date(2000, 1, 1)
NOON = time(12, 0)
_MULTI_SPLIT = re.compile(r"\s*[;|]\s*")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")

FORMAT_HELP = (
    "columns: " + ", ".join(REQUIRED_COLUMNS) + " (and optional " + ", ".join(OPTIONAL_COLUMNS)
    + "); one row per answer; answer is the option value from 'heard surveys show ID --json'; "
    "answered_at is YYYY-MM-DD, YYYY-MM-DD HH:MM or DD/MM/YYYY (local time)"
)  # fmt: skip


@dataclass(frozen=True, order=True)
class RowError:
    """One problem: where (row as a spreadsheet numbers it, and column) and what to do."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass(frozen=True)
class ValidRow:
    row: int
    pseudonym: str
    profile: Profile
    survey_id: str
    question_id: str
    value: str
    answered_at: datetime  # aware UTC
    local_day: date


@dataclass
class Validation:
    """Every row checked: the good ones, and every problem found."""

    rows: list[ValidRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0

    @property
    def bad_rows(self) -> set[int]:
        return {e.row for e in self.errors}

    @property
    def valid(self) -> list[ValidRow]:
        bad = self.bad_rows
        return [r for r in self.rows if r.row not in bad]


@dataclass(frozen=True)
class ImportResult:
    validation: Validation
    written: ImportCounts | None

    @property
    def ok(self) -> bool:
        return not self.validation.errors


# --------------------------------------------------------------------------- reading


class UnreadableCsv(ValueError):
    """The file cannot be read as CSV at all; str(error) says on which line and why."""


def read_rows(stream: TextIO) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the rows of a CSV file (a UTF-8 byte-order mark is ignored)."""
    reader = csv.DictReader(stream)
    try:
        header = [h.strip().lstrip("\ufeff").lower() for h in (reader.fieldnames or [])]
        reader.fieldnames = header
        rows = [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader]
    except csv.Error as exc:  # e.g. a cell over 131,072 characters: not a results file
        raise UnreadableCsv(f"line {reader.line_num}: {exc}; check it is the results CSV") from None
    return header, rows


def _parse_time(text: str, zone: ZoneInfo) -> datetime | None:
    """ISO dates and times, or a UK-style DD/MM/YYYY [HH:MM]; local unless it says its offset.

    A date on its own is taken as midday, so it stays on the same day in any season.
    """
    if match := _UK_DATE.match(text):
        d, m, y, hh, mm, ss = match.groups()
        try:
            moment = datetime(int(y), int(m), int(d), int(hh or 12), int(mm or 0), int(ss or 0))
        except ValueError:
            return None
        return moment.replace(tzinfo=zone)
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), NOON, tzinfo=zone)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


class _RowChecker:
    """Checks one row at a time, remembering what earlier rows said about each person."""

    def __init__(
        self,
        catalogue: Mapping[str, Survey],
        key: bytes,
        zone: ZoneInfo,
        now: datetime,
    ) -> None:
        self.catalogue = catalogue
        self.key = key
        self.zone = zone
        self.now = now
        self.profiles: dict[str, tuple[int, Profile]] = {}
        self.seen: dict[tuple[str, str, date, str], int] = {}
        self.errors: list[RowError] = []

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    def _choice(self, row: int, column: str, value: str, allowed: Iterable[str]) -> bool:
        allowed = tuple(allowed)
        if value in allowed:
            return True
        shown = f"'{value}'" if value else "nothing"
        self.error(row, column, f"found {shown}; use one of {', '.join(allowed)}")
        return False

    def _optional(self, row: int, column: str, value: str) -> str | None:
        if not value:
            return None
        normal = value.lower().replace(" ", "_")
        if len(normal) > FIELD_MAX or not _SLUG.match(normal):
            self.error(
                row,
                column,
                f"'{value}' is not a short code; use lower-case words joined by _, "
                f"at most {FIELD_MAX} characters (e.g. foster_council)",
            )
            return None
        return normal

    def _answer(self, row: int, survey: Survey, question_id: str, raw: str) -> str | None:
        try:
            question = survey.question(question_id)
        except KeyError:
            ids = ", ".join(q.id for q in survey.questions)
            self.error(
                row, "question_id", f"'{question_id}' is not in {survey.id}; use one of {ids}"
            )
            return None
        if question.type == "text":
            raw = storable_text(raw).strip()  # as the engine stores typed words
        if not raw:
            self.error(row, "answer", "is empty; leave out the row of a question not answered")
            return None
        if question.type == "multi":
            values = [v for v in _MULTI_SPLIT.split(raw) if v]
            if not question.is_valid_answer(values):
                self.error(
                    row,
                    "answer",
                    f"'{raw}' is not a set of answers to {question_id}; pick from "
                    f"{', '.join(question.values)}, separated by ';', each once",
                )
                return None
            return ",".join(values)
        if not question.is_valid_answer(raw):
            if question.type == "text":
                limit = question.max_length
                self.error(row, "answer", f"is longer than {limit} characters; shorten it")
            else:
                self.error(
                    row,
                    "answer",
                    f"'{raw}' is not an answer to {question_id}; "
                    f"use one of {', '.join(question.values)}",
                )
            return None
        return raw

    def _when(self, row: int, raw: str) -> datetime | None:
        moment = _parse_time(raw, self.zone)
        if moment is None:
            self.error(
                row,
                "answered_at",
                f"'{raw}' is not a date; write YYYY-MM-DD, YYYY-MM-DD HH:MM or DD/MM/YYYY",
            )
            return None
        if moment > self.now:
            self.error(row, "answered_at", f"{raw} is in the future; check the date")
            return None
        if moment.date() < EARLIEST:
            self.error(row, "answered_at", f"{raw} is before {EARLIEST.year}; check the year")
            return None
        return moment.astimezone(UTC)

    def _same_person(self, row: int, ref: str, pseudonym: str, profile: Profile) -> None:
        earlier = self.profiles.get(pseudonym)
        if earlier is None:
            self.profiles[pseudonym] = (row, profile)
            return
        first, known = earlier
        for column in ("cohort", "age_band"):
            if getattr(known, column) != getattr(profile, column):
                self.error(
                    row,
                    column,
                    f"respondent_ref '{ref}' is {getattr(known, column)} on row {first} but "
                    f"{getattr(profile, column)} here; one person has one {column} in an import",
                )

    def check(self, row: int, data: Mapping[str, str]) -> ValidRow | None:
        before = len(self.errors)
        ref = data.get("respondent_ref", "")
        if not ref:
            self.error(row, "respondent_ref", "is empty; give each person's reference")
        elif len(ref) > REF_MAX:
            self.error(row, "respondent_ref", f"is longer than {REF_MAX} characters")
        cohort, band = data.get("cohort", ""), data.get("age_band", "")
        self._choice(row, "cohort", cohort, COHORTS)
        self._choice(row, "age_band", band, AGE_BANDS)
        survey_id = data.get("survey_id", "")
        survey = self.catalogue.get(survey_id)
        value: str | None = None
        if survey is None:
            self._choice(row, "survey_id", survey_id, sorted(self.catalogue))
        else:
            if cohort in COHORTS and cohort not in survey.audience.cohorts:
                self.error(
                    row, "cohort", f"{survey_id} is for {', '.join(survey.audience.cohorts)}"
                )
            if band in AGE_BANDS and band not in survey.audience.age_bands:
                self.error(
                    row,
                    "age_band",
                    f"{survey_id} is for ages {', '.join(survey.audience.age_bands)}",
                )
            value = self._answer(row, survey, data.get("question_id", ""), data.get("answer", ""))
        moment = self._when(row, data.get("answered_at", ""))
        placement = self._optional(row, "placement_type", data.get("placement_type", ""))
        locality = self._optional(row, "locality", data.get("locality", ""))
        if len(self.errors) > before or value is None or moment is None:
            return None
        pseudonym = pseudonymise(self.key, PSEUDONYM_CHANNEL, ref)
        profile = Profile(cohort, band, placement, locality)
        self._same_person(row, ref, pseudonym, profile)
        day = moment.astimezone(self.zone).date()
        question_id = data["question_id"]
        slot = (pseudonym, survey_id, day, question_id)
        if slot in self.seen:
            self.error(
                row,
                "question_id",
                f"'{ref}' already answered {question_id} in {survey_id} on {day} "
                f"(row {self.seen[slot]}); one answer per question per check-in",
            )
            return None
        self.seen[slot] = row
        if len(self.errors) > before:
            return None
        return ValidRow(row, pseudonym, profile, survey_id, question_id, value, moment, day)


def validate_rows(
    header: Iterable[str],
    rows: Iterable[Mapping[str, str]],
    catalogue: Mapping[str, Survey],
    *,
    pseudonym_key: bytes,
    timezone: str,
    now: datetime | None = None,
    session: Session | None = None,
) -> Validation:
    """Check every row; with a database `session`, also against people and check-ins
    imported before (a person's cohort, and the same check-in twice)."""
    header = list(header)
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c and c not in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)]
    validation = Validation()
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown {', '.join(unknown)}")
        validation.errors.append(
            RowError(1, "header", f"{'; '.join(problems)}. Expected {FORMAT_HELP}")
        )
        return validation
    zone = ZoneInfo(timezone)
    checker = _RowChecker(catalogue, pseudonym_key, zone, now or datetime.now(UTC))
    for number, data in enumerate(rows, start=2):
        validation.total += 1
        checked = checker.check(number, data)
        if checked is not None:
            validation.rows.append(checked)
    if session is not None:
        _check_against_database(session, validation, checker, zone)
    validation.errors = sorted(checker.errors)
    return validation


def _check_against_database(
    session: Session, validation: Validation, checker: _RowChecker, zone: ZoneInfo
) -> None:
    people = {r.pseudonym for r in validation.rows}
    stored = existing_profiles(session, people)
    done = {(p, s, t.astimezone(zone).date()) for p, s, t in imported_check_ins(session, people)}
    for row in validation.rows:
        known = stored.get(row.pseudonym)
        if known is not None:
            for column in ("cohort", "age_band"):
                if getattr(known, column) != getattr(row.profile, column):
                    checker.error(
                        row.row,
                        column,
                        f"this person is already in Heard as {getattr(known, column)}; "
                        f"an import cannot change a person's {column}",
                    )
        if (row.pseudonym, row.survey_id, row.local_day) in done:
            checker.error(
                row.row,
                "answered_at",
                f"this check-in ({row.survey_id} on {row.local_day}) was imported before; "
                f"remove the row so it is not counted twice",
            )


# --------------------------------------------------------------------------- writing


def _check_ins(
    session: Session, rows: list[ValidRow], catalogue: Mapping[str, Survey]
) -> list[ImportedCheckIn]:
    """Group rows into one check-in per person, survey and local day."""
    versions: dict[str, int] = {}
    for survey_id in sorted({r.survey_id for r in rows}):
        survey = catalogue[survey_id]
        versions[survey_id] = ensure_survey_version(
            session,
            survey_id=survey.id,
            version=survey.version,
            content_hash=survey.content_hash,
            title=survey.title,
            definition=survey_to_json(survey),
        ).id
    grouped: dict[tuple[str, str, date], list[ValidRow]] = {}
    for row in rows:
        grouped.setdefault((row.pseudonym, row.survey_id, row.local_day), []).append(row)
    check_ins = []
    for (pseudonym, survey_id, _), group in grouped.items():
        survey = catalogue[survey_id]
        answers = []
        for row in group:
            question = survey.question(row.question_id)
            answers.append(
                ImportedAnswer(
                    question_id=row.question_id,
                    value=row.value,
                    is_kpi=question.kpi,
                    satisfied_or_better=(
                        question.is_satisfied_or_better(row.value) if question.kpi else None
                    ),
                    answered_at=row.answered_at,
                    comment=question.type == "text",
                )
            )
        check_ins.append(
            ImportedCheckIn(pseudonym, group[0].profile, survey_id, versions[survey_id], answers)
        )
    return check_ins


def import_rows(
    session: Session,
    header: Iterable[str],
    rows: Iterable[Mapping[str, str]],
    catalogue: Mapping[str, Survey],
    *,
    pseudonym_key: bytes,
    timezone: str,
    skip_invalid: bool = False,
    now: datetime | None = None,
) -> ImportResult:
    """Validate, then write in `session` (the caller commits): all rows, or with
    `skip_invalid` the valid ones; nothing at all if any row is bad otherwise."""
    validation = validate_rows(
        header,
        rows,
        catalogue,
        pseudonym_key=pseudonym_key,
        timezone=timezone,
        now=now,
        session=session,
    )
    if validation.errors and not skip_invalid:
        return ImportResult(validation, None)
    good = validation.valid
    if not good:
        return ImportResult(validation, ImportCounts())
    return ImportResult(validation, write_import(session, _check_ins(session, good, catalogue)))
