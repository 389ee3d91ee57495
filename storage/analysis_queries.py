"""Read-only queries behind the KPI, indicators and reports, as typed DataFrames.

All SQL for analysis lives here so `analysis/` stays free of it. Every query is
SQLAlchemy Core and reads in chunks, turning repeated strings into categoricals
as it goes, so a million answers fit in tens of megabytes on SQLite and
PostgreSQL alike. Times come back as timezone-aware UTC; callers convert.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import pandas as pd
from pandas.api.types import union_categoricals
from sqlalchemy import (
    Connection,
    Select,
    String,
    and_,
    case,
    distinct,
    false,
    func,
    or_,
    select,
    true,
    type_coerce,
)

from storage.models import Answer, Comment, Invite, Respondent, SurveySession, YouSaidPost

CHUNK_ROWS = 100_000
_GROUPS = ("cohort", "age_band", "placement_type", "locality")


def _as_utc(column: Any, label: str) -> Any:
    """Select a timestamp raw (no per-row Python conversion); `_to_utc` parses it in bulk."""
    return type_coerce(column, String).label(label)


def _to_utc(values: pd.Series) -> pd.Series:
    """Stored UTC without a zone (text on SQLite, naive datetimes on PostgreSQL) → aware UTC."""
    return pd.to_datetime(values, format="ISO8601", utc=True)


def _chunks(
    connection: Connection, query: Select[*tuple[Any, ...]], dtypes: dict[str, str], chunksize: int
) -> Iterator[pd.DataFrame]:
    empty = True
    for chunk in pd.read_sql(query, connection, chunksize=chunksize, dtype=dtypes):
        empty = False
        yield chunk
    if empty:  # pandas yields nothing for no rows; keep the columns and types
        yield pd.DataFrame(
            {c.name: pd.Series(dtype=dtypes.get(c.name, "object")) for c in query.selected_columns}
        )


def union_categories(parts: Sequence[pd.Series]) -> pd.Categorical:
    """Join categorical columns into one, whatever their categories (all become text;
    a chunk with only NULLs has no text categories, which union_categoricals refuses)."""
    text = [
        p.cat.set_categories(pd.Index(p.cat.categories.astype(str), dtype="str"))
        if isinstance(p.dtype, pd.CategoricalDtype)
        else p.astype("str").astype("category")
        for p in parts
    ]
    return union_categoricals(text, ignore_order=True)


def read_frame(
    connection: Connection,
    query: Select[*tuple[Any, ...]],
    *,
    dtypes: dict[str, str] | None = None,
    categories: Iterable[str] = (),
    times: Iterable[str] = (),
    chunksize: int = CHUNK_ROWS,
) -> pd.DataFrame:
    """Run `query` in chunks; `categories` become categoricals, `times` aware UTC."""
    categories, times = tuple(categories), tuple(times)
    parts: list[pd.DataFrame] = []
    for chunk in _chunks(connection, query, dtypes or {}, chunksize):
        for name in categories:
            chunk[name] = chunk[name].astype("category")
        for name in times:
            chunk[name] = _to_utc(chunk[name])
        parts.append(chunk)
    if len(parts) == 1:
        return parts[0].reset_index(drop=True)
    merged = {
        name: union_categories([p[name] for p in parts])
        if name in categories
        else pd.concat([p[name] for p in parts], ignore_index=True)
        for name in parts[0].columns
    }
    return pd.DataFrame(merged)


def _between(column: Any, start: datetime, end: datetime) -> Any:
    return and_(column >= start, column < end)


def kpi_answers(
    connection: Connection, start: datetime, end: datetime, *, chunksize: int = CHUNK_ROWS
) -> pd.DataFrame:
    """Every KPI answer given in [start, end): when, by whom, to what, and the outcome.

    `language` is the surveys.languages code the answer was given in.
    `outcome` is 1 for satisfied or better, 0 for a counted answer that is not,
    and -1 for one left out of the measure ("I'd rather not say"); `session_id` lets
    the caller look up the earlier answers a `show_if` depends on. Who the person
    is (cohort, age band ...) comes from `respondent_profiles`, joined in memory:
    repeating those strings on every answer row would double the read time.
    """
    outcome = case(
        (Answer.satisfied_or_better.is_(None), -1),
        (Answer.satisfied_or_better.is_(True), 1),
        else_=0,
    ).label("outcome")
    query = (
        select(
            _as_utc(Answer.answered_at, "answered_at"),
            Answer.respondent_id,
            Answer.session_id,
            Answer.survey_id,
            Answer.question_id,
            outcome,
            Answer.language,
        )
        .where(Answer.is_kpi == true())
        .where(_between(Answer.answered_at, start, end))
    )
    return read_frame(
        connection,
        query,
        dtypes={"respondent_id": "int64", "session_id": "int64", "outcome": "int8"},
        categories=("survey_id", "question_id", "language"),
        times=("answered_at",),
        chunksize=chunksize,
    )


def session_arrivals(connection: Connection, start: datetime, end: datetime) -> pd.DataFrame:
    """How each check-in that could hold an answer in [start, end) began: its channel and,
    for the web form, whether through an open event link (`session_id`, `channel`,
    `open_link`). A check-in with an answer in the window started before it ended and was
    last touched after it began."""
    query = (
        select(
            SurveySession.id.label("session_id"),
            SurveySession.channel,
            Invite.open_link,
            SurveySession.helped,
        )
        .outerjoin(Invite, Invite.id == SurveySession.invite_id)
        .where(SurveySession.started_at < end)
        .where(SurveySession.updated_at >= start)
    )
    frame = read_frame(connection, query, dtypes={"session_id": "int64"}, categories=("channel",))
    frame["open_link"] = frame["open_link"].fillna(False).astype(bool)
    # "a grown-up is helping me answer" (migration 0016): only a tick counts as helped
    frame["helped"] = frame["helped"].eq(True)
    return frame


def earlier_answers(
    connection: Connection,
    start: datetime,
    end: datetime,
    *,
    follow_ups: Sequence[str],
    looked_at: Sequence[str],
    chunksize: int = CHUNK_ROWS,
) -> pd.DataFrame:
    """Answers to the `looked_at` questions in each check-in with a KPI answer to one of
    the `follow_ups` in [start, end), whenever those were given.

    A follow-up counts only if the answer it depends on still shows it; that answer
    may fall just before the period, so it is found by check-in, not by time.
    """
    if not follow_ups or not looked_at:
        query = select(Answer.session_id, Answer.survey_id, Answer.question_id, Answer.value)
        return read_frame(connection, query.where(false()), dtypes={"session_id": "int64"})
    sessions = (
        select(Answer.session_id)
        .where(Answer.is_kpi == true())
        .where(Answer.question_id.in_(list(follow_ups)))
        .where(_between(Answer.answered_at, start, end))
    )
    query = (
        select(Answer.session_id, Answer.survey_id, Answer.question_id, Answer.value)
        .where(Answer.question_id.in_(list(looked_at)))
        .where(Answer.session_id.in_(sessions))
    )
    return read_frame(
        connection,
        query,
        dtypes={"session_id": "int64"},
        categories=("survey_id", "question_id"),
        chunksize=chunksize,
    )


def respondent_profiles(connection: Connection) -> pd.DataFrame:
    """Cohort, age band, type of home and locality of every respondent, indexed by id."""
    query = select(Respondent.id, *(getattr(Respondent, name) for name in _GROUPS))
    frame = read_frame(connection, query, dtypes={"id": "int64"}, categories=_GROUPS)
    return frame.set_index("id")


def answers_to(
    connection: Connection, question_ids: Sequence[str], *, until: datetime
) -> pd.DataFrame:
    """Every answer given before `until` to any of `question_ids`, whichever survey asked
    it: respondent_id, question_id, value and answered_at (aware UTC), oldest first."""
    query = (
        select(
            Answer.respondent_id,
            Answer.question_id,
            Answer.value,
            _as_utc(Answer.answered_at, "answered_at"),
        )
        .where(Answer.question_id.in_(list(question_ids) or [""]))
        .where(Answer.answered_at < until)
        .order_by(Answer.answered_at, Answer.id)
    )
    return read_frame(connection, query, dtypes={"respondent_id": "int64"}, times=("answered_at",))


def scale_answers(
    connection: Connection,
    start: datetime,
    end: datetime,
    question_ids: Sequence[str],
    *,
    kpi: bool | None = None,
    chunksize: int = CHUNK_ROWS,
) -> pd.DataFrame:
    """Answers to the given questions in [start, end): the raw option values, for indicators.

    `kpi=False` leaves out KPI answers (their outcome is already in `kpi_answers`).
    """
    query = (
        select(
            Answer.respondent_id,
            Answer.survey_id,
            Answer.question_id,
            Answer.value,
            _as_utc(Answer.answered_at, "answered_at"),
        )
        .where(Answer.question_id.in_(list(question_ids) or [""]))
        .where(_between(Answer.answered_at, start, end))
    )
    if kpi is not None:
        query = query.where(Answer.is_kpi == (true() if kpi else false()))
    return read_frame(
        connection,
        query,
        dtypes={"respondent_id": "int64"},
        categories=("survey_id", "question_id", "value"),
        times=("answered_at",),
        chunksize=chunksize,
    )


def respondents_answered(connection: Connection, start: datetime, end: datetime) -> pd.DataFrame:
    """How many different people answered anything in [start, end), by cohort and age band."""
    query = (
        select(
            Respondent.cohort,
            Respondent.age_band,
            func.count(distinct(Answer.respondent_id)).label("respondents"),
        )
        .join(Respondent, Respondent.id == Answer.respondent_id)
        .where(_between(Answer.answered_at, start, end))
        .group_by(Respondent.cohort, Respondent.age_band)
    )
    return read_frame(connection, query, dtypes={"respondents": "int64"})


def comments(connection: Connection, start: datetime, end: datetime) -> pd.DataFrame:
    """Comments written in [start, end) with their annotations.

    The words themselves come back only where the writer agreed to be quoted;
    for everyone else `text` is NULL, so unquotable words never reach a report.
    """
    quotable = and_(Comment.quote_consent == true(), Comment.text.is_not(None))
    query = select(
        Comment.id,
        _as_utc(Comment.created_at, "created_at"),
        Comment.survey_id,
        Comment.cohort,
        Comment.age_band,
        Comment.themes,
        Comment.polarity,
        Comment.subjectivity,
        case((quotable, true()), else_=false()).label("quotable"),
        case((quotable, Comment.text), else_=None).label("text"),
    ).where(_between(Comment.created_at, start, end))
    frame = read_frame(
        connection,
        query.order_by(Comment.id),
        dtypes={"id": "int64", "polarity": "float64", "subjectivity": "float64"},
        categories=("survey_id", "cohort", "age_band"),
        times=("created_at",),
    )
    frame["quotable"] = frame["quotable"].astype(bool)
    return frame


def invite_batches(connection: Connection, start: datetime, end: datetime) -> pd.DataFrame:
    """Invite batches sent before `end` and either sent or used in [start, end).

    One row per batch: when it was first sent, how many links, how many were
    used at all, and how many were first used inside the period.
    """
    used_in_period = func.sum(case((_between(Invite.first_used_at, start, end), 1), else_=0))
    first_sent = func.min(Invite.created_at)
    query = (
        select(
            Invite.batch,
            Invite.survey_id,
            Invite.cohort,
            Invite.age_band,
            _as_utc(first_sent, "first_sent"),
            func.count(Invite.id).label("invites"),
            func.count(Invite.first_used_at).label("used"),
            used_in_period.label("used_in_period"),
        )
        .group_by(Invite.batch, Invite.survey_id, Invite.cohort, Invite.age_band)
        .having(first_sent < end)
        .having(or_(first_sent >= start, used_in_period > 0))
        .order_by(Invite.batch, Invite.survey_id, Invite.cohort, Invite.age_band)
    )
    return read_frame(
        connection,
        query,
        dtypes={"invites": "int64", "used": "int64", "used_in_period": "int64"},
        times=("first_sent",),
    )


def you_said_posts(connection: Connection, until: datetime, limit: int = 20) -> pd.DataFrame:
    """Published "you said, we did" posts up to `until`, newest first."""
    query = (
        select(
            YouSaidPost.id,
            YouSaidPost.theme,
            YouSaidPost.you_said,
            YouSaidPost.we_did,
            _as_utc(YouSaidPost.created_at, "created_at"),
        )
        .where(YouSaidPost.published == true())
        .where(YouSaidPost.created_at < until)
        .order_by(YouSaidPost.created_at.desc(), YouSaidPost.id.desc())
        .limit(limit)
    )
    return read_frame(connection, query, dtypes={"id": "int64"}, times=("created_at",))
