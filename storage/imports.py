"""Writing imported historic responses: respondents, check-ins, answers and comments.

An import arrives already validated and grouped into check-ins. It is written in
the caller's transaction, so a failure half-way leaves nothing behind, and with
ordinary autoincrement ids, so the bot and web app can keep writing meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Answer, Comment, Respondent, SurveySession

IMPORT_CHANNEL = "import"
_LOOKUP_BATCH = 500
_FLUSH_EVERY = 500


@dataclass(frozen=True)
class Profile:
    """What an import says about a person (never a name: only a keyed pseudonym)."""

    cohort: str
    age_band: str
    placement_type: str | None = None
    locality: str | None = None


@dataclass(frozen=True)
class ImportedAnswer:
    question_id: str
    value: str
    is_kpi: bool
    satisfied_or_better: bool | None
    answered_at: datetime
    comment: bool = False  # free text: also stored as a comment for theme analysis


@dataclass(frozen=True)
class ImportedCheckIn:
    """One person's answers to one survey on one day: one survey session."""

    pseudonym: str
    profile: Profile
    survey_id: str
    survey_version_id: int
    answers: Sequence[ImportedAnswer] = field(default_factory=tuple)


@dataclass
class ImportCounts:
    respondents_created: int = 0
    sessions: int = 0
    answers: int = 0
    comments: int = 0


def _batches(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _LOOKUP_BATCH):
        yield values[start : start + _LOOKUP_BATCH]


def existing_profiles(session: Session, pseudonyms: Iterable[str]) -> dict[str, Profile]:
    """The stored cohort and age band of any of these people already in Heard."""
    wanted = sorted(set(pseudonyms))
    found: dict[str, Profile] = {}
    for chunk in _batches(wanted):
        rows = session.execute(
            select(
                Respondent.pseudonym,
                Respondent.cohort,
                Respondent.age_band,
                Respondent.placement_type,
                Respondent.locality,
            ).where(Respondent.pseudonym.in_(chunk))
        )
        for pseudonym, cohort, age_band, placement_type, locality in rows:
            found[pseudonym] = Profile(cohort or "", age_band or "", placement_type, locality)
    return found


def imported_check_ins(
    session: Session, pseudonyms: Iterable[str]
) -> list[tuple[str, str, datetime]]:
    """(pseudonym, survey, started_at) of check-ins imported before for these people,
    so running the same file twice is caught rather than counted twice."""
    wanted = sorted(set(pseudonyms))
    found: list[tuple[str, str, datetime]] = []
    for chunk in _batches(wanted):
        rows = session.execute(
            select(Respondent.pseudonym, SurveySession.survey_id, SurveySession.started_at)
            .join(SurveySession, SurveySession.respondent_id == Respondent.id)
            .where(Respondent.pseudonym.in_(chunk))
            .where(SurveySession.channel == IMPORT_CHANNEL)
        )
        found.extend((p, s, t) for p, s, t in rows)
    return found


def _respondent(
    session: Session, cache: dict[str, Respondent], check_in: ImportedCheckIn, when: datetime
) -> tuple[Respondent, bool]:
    known = cache.get(check_in.pseudonym)
    if known is None:
        known = session.scalar(select(Respondent).where(Respondent.pseudonym == check_in.pseudonym))
    created = known is None
    if known is None:
        profile = check_in.profile
        known = Respondent(
            pseudonym=check_in.pseudonym,
            channel=IMPORT_CHANNEL,
            cohort=profile.cohort,
            age_band=profile.age_band,
            placement_type=profile.placement_type,
            locality=profile.locality,
            quote_consent=False,  # nobody agreed to be quoted on an old paper form
            reminders_enabled=False,  # an imported person has no channel to remind on
            created_at=when,
            last_active_at=when,
        )
        session.add(known)
    else:
        if check_in.profile.placement_type:
            known.placement_type = check_in.profile.placement_type
        if check_in.profile.locality:
            known.locality = check_in.profile.locality
        known.last_active_at = max(known.last_active_at, when)
    cache[check_in.pseudonym] = known
    return known, created


def write_import(session: Session, check_ins: Iterable[ImportedCheckIn]) -> ImportCounts:
    """Add every check-in with its answers (and comments for free text); flush, not commit."""
    counts = ImportCounts()
    people: dict[str, Respondent] = {}
    pending: list[tuple[Respondent, Answer, ImportedAnswer]] = []

    def flush() -> None:
        session.flush()
        for respondent, answer, source in pending:
            if source.comment:
                session.add(
                    Comment(
                        answer_id=answer.id,
                        respondent_id=respondent.id,
                        survey_id=answer.survey_id,
                        question_id=answer.question_id,
                        channel=IMPORT_CHANNEL,
                        cohort=respondent.cohort,
                        age_band=respondent.age_band,
                        text=answer.value,
                        quote_consent=False,
                        created_at=source.answered_at,
                    )
                )
                counts.comments += 1
        session.flush()
        pending.clear()

    for index, check_in in enumerate(check_ins, start=1):
        ordered = sorted(check_in.answers, key=lambda a: a.answered_at)
        started, finished = ordered[0].answered_at, ordered[-1].answered_at
        respondent, created = _respondent(session, people, check_in, started)
        counts.respondents_created += int(created)
        if created:
            session.flush()
        survey_session = SurveySession(
            respondent_id=respondent.id,
            survey_version_id=check_in.survey_version_id,
            survey_id=check_in.survey_id,
            channel=IMPORT_CHANNEL,
            state="completed",
            current_question_id=None,
            history=[{"q": a.question_id} for a in ordered],
            started_at=started,
            updated_at=finished,
            completed_at=finished,
        )
        session.add(survey_session)
        for source in ordered:
            answer = Answer(
                respondent_id=respondent.id,
                survey_version_id=check_in.survey_version_id,
                survey_id=check_in.survey_id,
                question_id=source.question_id,
                value=source.value,
                is_kpi=source.is_kpi,
                satisfied_or_better=source.satisfied_or_better,
                answered_at=source.answered_at,
                channel=IMPORT_CHANNEL,
            )
            survey_session.answers.append(answer)
            pending.append((respondent, answer, source))
            counts.answers += 1
        counts.sessions += 1
        if index % _FLUSH_EVERY == 0:
            flush()
    flush()
    return counts
