"""Migrations: a database made by the previous revision upgrades without losing rows."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from storage.db import make_engine
from storage.migrate import current_revision, head_revision, upgrade
from storage.models import Base


def test_upgrade_from_previous_revision_keeps_rows(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO respondents (id, pseudonym, channel, cohort, age_band, quote_consent,"
                " reminders_enabled, reminder_every_days, quiet_start, quiet_end, opted_out,"
                " blocked, created_at, last_active_at) VALUES (1, 'abc', 'telegram',"
                " 'care_leaver', '16-25', false, true, 30, '21:00', '08:00', false, false,"
                " '2026-01-01 10:00:00', '2026-01-01 10:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO survey_versions (id, survey_id, version, content_hash, title,"
                " definition, created_at) VALUES (1, 'pulse', 'v1', 'h1', 'Pulse', '{}',"
                " '2026-01-01 10:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO survey_sessions (id, respondent_id, survey_version_id, survey_id,"
                " channel, state, history, started_at, updated_at) VALUES (1, 1, 1, 'pulse',"
                " 'telegram', 'completed', '[]', '2026-01-01 10:00:00', '2026-01-01 10:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO answers (id, session_id, respondent_id, survey_version_id, survey_id,"
                " question_id, value, is_kpi, satisfied_or_better, answered_at, channel)"
                " VALUES (1, 1, 1, 1, 'pulse', 'home', '5', true, true, '2026-01-01 10:01:00',"
                " 'telegram')"
            )
        )
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT value FROM answers WHERE id = 1")) == "5"
        assert (
            connection.scalar(text("SELECT cohort FROM respondents WHERE id = 1")) == "care_leaver"
        )
        assert connection.scalar(text("SELECT placement_type FROM respondents")) is None
        assert connection.scalar(text("SELECT invite_id FROM survey_sessions")) is None
    upgrade(engine)  # a second upgrade is a no-op
    engine.dispose()


def test_models_match_migrations(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


def test_alerts_from_before_0007_keep_their_rows_and_get_no_detected_by(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0006")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO safeguarding_alerts (id, pseudonym, text, category, level, channel,"
                " lexicon_version, status, created_at) VALUES (1, 'abc', 'words', 'bullying',"
                " 'concern', 'web', '2026.11-1', 'new', '2026-01-01 10:00:00')"
            )
        )
    upgrade(engine)
    with engine.begin() as connection:
        row = connection.execute(
            text("SELECT category, detected_by FROM safeguarding_alerts WHERE id = 1")
        ).one()
        assert tuple(row) == ("bullying", None)
        connection.execute(
            text("UPDATE safeguarding_alerts SET detected_by = :by WHERE id = 1"),
            {"by": "x" * 200},
        )
        assert connection.scalar(text("SELECT length(detected_by) FROM safeguarding_alerts")) == 200
    engine.dispose()


def test_alerts_from_before_0020_count_lateness_and_escalation_from_when_raised(
    database_url: str,
) -> None:
    """An alert stored before 0020 has no reopening and no notice owed again: both clocks
    are its raising, as they always were."""
    from storage.models import SafeguardingAlert
    from storage.notifications import notice_owed_since, waiting_since

    engine = make_engine(database_url)
    upgrade(engine, "0019")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO safeguarding_alerts (id, pseudonym, text, category, level, channel,"
                " status, created_at) VALUES (1, 'abc', 'words', 'bullying', 'concern', 'web',"
                " 'new', '2026-01-01 10:00:00')"
            )
        )
    upgrade(engine)
    with engine.connect() as connection:
        row = connection.execute(
            select(
                SafeguardingAlert.reopened_at,
                SafeguardingAlert.notice_due_since,
                waiting_since(),
                notice_owed_since(),
            )
        ).one()
    raised = datetime(2026, 1, 1, 10, tzinfo=UTC)
    assert tuple(row) == (None, None, raised, raised)
    engine.dispose()
