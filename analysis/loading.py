"""Loading answers for analysis: storage's frames plus what the survey definitions add.

Storage knows rows; the catalogue knows meaning. Here each KPI answer gets its
domain and its local calendar month, and each scale answer its "positive" or
0-10 score, once, in vectorised form, so the KPI and indicator code can group
freely. Reads go through `storage.analysis_queries`, the same on every database.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from analysis.equality import EQUALITY_QUESTIONS, as_described
from analysis.kpi import conditions, shown_answers
from analysis.periods import Period
from storage import analysis_queries as queries
from surveys.definition import KPI_TYPES, Survey

__all__ = [
    "LIFE_SATISFACTION_TYPE",
    "comments",
    "invite_batches",
    "kpi_answers",
    "labels",
    "respondent_profiles",
    "respondents_answered",
    "scale_answers",
    "within",
    "you_said_posts",
]

LIFE_SATISFACTION_TYPE = "scale0_10"
LIFE_SATISFACTION_DOMAIN = "recovery"
"""Bright Spots asks how life is going from 0 to 10 under recovery/wellbeing; other
0-10 questions (the carers' "would you recommend us") are not life satisfaction."""


def _month_number(times: pd.Series, tz: str) -> pd.Series:
    """yyyymm of each instant in local time, as a small integer (fast to group)."""
    local = times.dt.tz_convert(tz)
    return (local.dt.year * 100 + local.dt.month).astype("int32")


def _by_question(
    frame: pd.DataFrame, catalogue: Mapping[str, Survey], attribute: str
) -> pd.Categorical:
    """One attribute of each answer's question (its domain, its type), from the codes of
    the survey and question categoricals: a small lookup table, not a per-row search.
    Question ids repeat across surveys, so the pair decides."""
    surveys = frame["survey_id"].astype("category")
    questions = frame["question_id"].astype("category")
    values = sorted({getattr(q, attribute) for s in catalogue.values() for q in s.questions})
    position = {value: i for i, value in enumerate(values)}
    table = np.full((len(surveys.cat.categories) + 1, len(questions.cat.categories) + 1), -1)
    question_index = {str(q): i for i, q in enumerate(questions.cat.categories)}
    for i, survey_id in enumerate(surveys.cat.categories):
        survey = catalogue.get(str(survey_id))
        for q in survey.questions if survey else ():
            if q.id in question_index:
                table[i, question_index[q.id]] = position[getattr(q, attribute)]
    codes = table[surveys.cat.codes.to_numpy(), questions.cat.codes.to_numpy()]
    return pd.Categorical.from_codes(codes, categories=values)


def respondent_profiles(connection: Connection) -> pd.DataFrame:
    """Who each respondent is, indexed by id: cohort, age band, type of home, locality."""
    return queries.respondent_profiles(connection)


def _month_ends(months: pd.Series, tz: str) -> pd.Series:
    """The instant (UTC) each local month yyyymm ends, for each row."""
    zone = ZoneInfo(tz)
    ends = {
        code: datetime(code // 100 + code % 100 // 12, code % 100 % 12 + 1, 1, tzinfo=zone)
        for code in {int(c) for c in months.unique()}
    }
    stamps = {code: pd.Timestamp(end).tz_convert("UTC") for code, end in ends.items()}
    return months.map(stamps).astype("datetime64[ns, UTC]")


def _with_equality(
    connection: Connection, frame: pd.DataFrame, tz: str, until: datetime
) -> pd.DataFrame:
    """Each answer's person as they described themselves by the end of its month."""
    answers = queries.answers_to(connection, EQUALITY_QUESTIONS, until=until)
    ends = _month_ends(frame["month"], tz)
    for name, column in as_described(frame["respondent_id"], ends, answers).items():
        frame[name] = column
    return frame


def _with_profiles(frame: pd.DataFrame, profiles: pd.DataFrame) -> pd.DataFrame:
    """Add each answer's respondent's profile: cohort, age band, type of home, locality
    and equality answers."""
    found = profiles.index.get_indexer(frame["respondent_id"].to_numpy())
    for name in profiles.columns:
        column = profiles[name].astype("category")
        codes = column.cat.codes.to_numpy()
        picked = np.where(found >= 0, codes[found] if len(codes) else -1, -1)
        frame[name] = pd.Categorical.from_codes(picked, categories=column.cat.categories)
    return frame


def kpi_answers(
    connection: Connection,
    window: Period,
    tz: str,
    catalogue: Mapping[str, Survey],
    profiles: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """KPI answers in `window` with who answered, `domain` and local `month` (yyyymm).

    Answers to follow-up questions the person could no longer see (they changed the
    answer a `show_if` looks at) are left out, however they came to be stored.
    """
    start, end = window.utc_bounds(tz)
    rules = conditions(catalogue)
    earlier = queries.earlier_answers(
        connection,
        start,
        end,
        follow_ups=sorted({question for _, question in rules}),
        looked_at=sorted({source.id for chain in rules.values() for _, source in chain}),
    )
    frame = shown_answers(queries.kpi_answers(connection, start, end), earlier, catalogue)
    sessions = queries.session_arrivals(connection, start, end)
    frame["arrived"] = arrivals_of(frame["session_id"], sessions)
    frame["helped"] = helped_of(frame["session_id"], sessions)
    frame = frame.drop(columns="session_id")
    if profiles is None:
        profiles = respondent_profiles(connection)
    frame = _with_profiles(frame, profiles)
    frame["domain"] = _by_question(frame, catalogue, "domain")
    frame["month"] = _month_number(frame["answered_at"], tz)
    return _with_equality(connection, frame, tz, end)


# How a person came to a check-in: the channel, and for the web form whether the link
# was single-use (an invite a worker handed out) or an open event link.
ARRIVALS = ("telegram", "invite", "open_link", "webchat", "import", "demo", "unknown")


def arrivals_of(session_ids: pd.Series, sessions: pd.DataFrame) -> pd.Categorical:
    """One of ARRIVALS per answer, from its check-in ("unknown" if none was found)."""
    channel = sessions["channel"].astype(str)
    arrived = channel.where(channel != "web", "invite")
    arrived = arrived.mask((channel == "web") & sessions["open_link"], "open_link")
    lookup = pd.Series(arrived.to_numpy(), index=sessions["session_id"].to_numpy())
    lookup = lookup[~lookup.index.duplicated()]
    found = session_ids.map(lookup).fillna("unknown")
    return pd.Categorical(found.where(found.isin(ARRIVALS), "unknown"), categories=ARRIVALS)


# Whether a grown-up said they were helping with the check-in ("yes"), or not or never
# asked ("no"): the bot and check-ins before migration 0016 are "no".
HELPED = ("yes", "no")


def helped_of(session_ids: pd.Series, sessions: pd.DataFrame) -> pd.Categorical:
    """One of HELPED per answer, from its check-in."""
    if "helped" not in sessions.columns:
        return pd.Categorical(["no"] * len(session_ids), categories=HELPED)
    lookup = pd.Series(sessions["helped"].to_numpy(), index=sessions["session_id"].to_numpy())
    lookup = lookup[~lookup.index.duplicated()]
    found = session_ids.map(lookup).eq(True)
    return pd.Categorical(found.map({True: "yes", False: "no"}), categories=HELPED)


def within(
    frame: pd.DataFrame, period: Period, tz: str, column: str = "answered_at"
) -> pd.DataFrame:
    """The rows of `frame` whose `column` falls in `period` (local days)."""
    start, end = period.utc_bounds(tz)
    times = frame[column]
    return frame[(times >= start) & (times < end)]


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack frames, keeping categorical columns categorical (with all their categories)."""
    columns = list(frames[0].columns)
    merged = {}
    for name in columns:
        parts = [f[name] for f in frames]
        if all(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
            merged[name] = queries.union_categories(parts)
        else:
            merged[name] = pd.concat(parts, ignore_index=True)
    return pd.DataFrame(merged)


def scale_answers(
    connection: Connection,
    period: Period,
    tz: str,
    catalogue: Mapping[str, Survey],
    kpi: pd.DataFrame | None = None,
    profiles: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Answers to every scale question (KPI or not) in `period`, ready for indicators.

    Columns: respondent_id, cohort, age_band, survey_id, question_id, domain, type,
    `positive` (1 satisfied or better, 0 not, -1 left out: "I'd rather not say" or an
    unknown value) and `score` (0-10 questions). Pass the period's KPI answers as
    `kpi` and only the other scale answers are read from the database.
    """
    scale_types = (*KPI_TYPES, LIFE_SATISFACTION_TYPE)
    ids = sorted({q.id for s in catalogue.values() for q in s.questions if q.type in scale_types})
    start, end = period.utc_bounds(tz)
    raw = queries.scale_answers(connection, start, end, ids, kpi=False if kpi is not None else None)
    if profiles is None:
        profiles = respondent_profiles(connection)
    raw = _with_profiles(raw, profiles)
    raw["type"] = _by_question(raw, catalogue, "type")
    raw = raw[raw["type"].isin(scale_types)].reset_index(drop=True)
    positive = np.full(len(raw), -1, dtype=np.int8)
    for survey in catalogue.values():
        for q in survey.questions:
            if q.type not in KPI_TYPES:
                continue
            mask = ((raw["survey_id"] == survey.id) & (raw["question_id"] == q.id)).to_numpy()
            if mask.any():
                lookup = {o.value: int(o.satisfied_or_better) for o in q.options if o.counts}
                mapped = raw.loc[mask, "value"].astype("string").map(lookup)
                positive[mask] = mapped.fillna(-1).astype("int8").to_numpy()
    numbers = pd.to_numeric(raw["value"].astype("string"), errors="coerce").astype("float64")
    raw["positive"] = positive
    raw["score"] = numbers.where(raw["type"] == LIFE_SATISFACTION_TYPE)
    keep = ["respondent_id", "cohort", "age_band", "survey_id", "question_id", "type"]
    parts = [raw[[*keep, "positive", "score", "answered_at"]]]
    if kpi is not None and len(kpi):
        extra = kpi[["respondent_id", "cohort", "age_band", "survey_id", "question_id"]].copy()
        extra["type"] = _by_question(extra, catalogue, "type")
        extra["positive"] = kpi["outcome"].to_numpy().astype(np.int8)
        extra["score"] = np.nan
        extra["answered_at"] = kpi["answered_at"].to_numpy()
        parts.append(extra.reset_index(drop=True))
    frame = _concat(parts)
    frame["domain"] = _by_question(frame, catalogue, "domain")
    return frame


def respondents_answered(connection: Connection, period: Period, tz: str) -> pd.DataFrame:
    return queries.respondents_answered(connection, *period.utc_bounds(tz))


def comments(connection: Connection, period: Period, tz: str) -> pd.DataFrame:
    """Comments in `period`; `text` only where the writer agreed to be quoted."""
    return queries.comments(connection, *period.utc_bounds(tz))


def invite_batches(connection: Connection, period: Period, tz: str) -> pd.DataFrame:
    return queries.invite_batches(connection, *period.utc_bounds(tz))


def you_said_posts(connection: Connection, until: datetime, limit: int = 20) -> pd.DataFrame:
    return queries.you_said_posts(connection, until, limit)


def labels(catalogue: Mapping[str, Survey]) -> dict[str, str]:
    """Words for surveys and questions, keyed as `analysis.kpi.subject_words` expects."""
    words: dict[str, str] = {}
    for survey in catalogue.values():
        words[f"survey:{survey.id}"] = survey.title
        for q in survey.questions:
            words[f"question:{survey.id}/{q.id}"] = q.text
    return words
