"""Building the demo data set: population, then activity streamed into the database."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta

from analysis.annotate import annotate_pending
from heard.catalogue_sync import sync_catalogue
from heard.demo.activity import ActivityGenerator, Batch, Ids, Period
from heard.demo.population import build_population, load_population_config
from heard.wiring import Database
from storage.bulk import insert_batches, max_ids, reset_sequences
from storage.pseudonym import pseudonymise
from storage.surveys import survey_versions
from surveys.definition import Survey, load_catalogue

DEFAULT_PERIOD = Period(first_month=date(2025, 5, 1), months=18)
DEMO_MONTHS = 18


def period_ending_last_month(today: date, months: int = DEMO_MONTHS) -> Period:
    """The `months` months up to the last whole one, so `heard demo` looks current and
    `heard report` with no period (last month) has answers to show. Tests and benchmarks
    pass a fixed period instead, so their figures never depend on the day they run."""
    first = date(today.year, today.month, 1)
    for _ in range(months):
        first = (first - timedelta(days=1)).replace(day=1)
    return Period(first_month=first, months=months)


@dataclass(frozen=True)
class DemoSummary:
    people: int
    counts: dict[str, int]
    seconds: float
    period: Period


def _version_ids(database: Database, catalogue: dict[str, Survey]) -> dict[str, int]:
    with database.sessions() as session:
        rows = survey_versions(session)
    hashes = {survey.content_hash: survey.id for survey in catalogue.values()}
    return {hashes[row.content_hash]: row.id for row in rows if row.content_hash in hashes}


def _generator(
    database: Database | None,
    catalogue: dict[str, Survey],
    pseudonym_key: bytes,
    seed: int,
    period: Period,
    version_ids: dict[str, int],
) -> ActivityGenerator:
    config = load_population_config()
    return ActivityGenerator(
        config,
        catalogue,
        version_ids,
        pseudonym=lambda n: pseudonymise(pseudonym_key, "demo", f"{seed}:{n}"),
        seed=seed,
        period=period,
    )


def estimate_answers_per_scale(seed: int, period: Period = DEFAULT_PERIOD) -> int:
    """How many answers scale 1.0 produces, by a dry run that writes nothing."""
    catalogue = load_catalogue()
    fake_ids = {survey_id: 1 for survey_id in catalogue}
    generator = _generator(None, catalogue, b"dry-run-key", seed, period, fake_ids)
    people = build_population(generator.config, random.Random(seed))
    return sum(len(batch.answers) for batch in generator.batches(people))


def build_demo(
    database: Database,
    pseudonym_key: bytes,
    seed: int = 2025,
    scale: float = 1.0,
    period: Period = DEFAULT_PERIOD,
    *,
    with_encoder: bool = False,
) -> DemoSummary:
    """Deterministic for a seed: the same people, answers and comments every time.
    `with_encoder`: comments tagged with the theme encoder too (HEARD_THEME_ENCODER)."""
    started = time.perf_counter()
    catalogue = load_catalogue()
    sync_catalogue(database, catalogue)
    generator = _generator(
        database, catalogue, pseudonym_key, seed, period, _version_ids(database, catalogue)
    )
    people = build_population(generator.config, random.Random(seed), scale=scale)
    with database.engine.connect() as connection:
        start = max_ids(connection)
        generator.ids = Ids(
            respondent=start["respondents"],
            invite=start["invites"],
            session=start["survey_sessions"],
            answer=start["answers"],
            comment=start["comments"],
        )
        counts = insert_batches(connection, (_as_tables(b) for b in generator.batches(people)))
        reset_sequences(connection)
    annotate_pending(database.sessions, with_encoder=with_encoder)
    return DemoSummary(
        people=len(people), counts=counts, seconds=time.perf_counter() - started, period=period
    )


def _as_tables(batch: Batch) -> dict[str, list[dict[str, object]]]:
    return {
        "respondents": batch.respondents,
        "invites": batch.invites,
        "survey_sessions": batch.sessions,
        "answers": batch.answers,
        "comments": batch.comments,
    }
