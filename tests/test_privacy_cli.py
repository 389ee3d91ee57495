"""Subject access and erasure from the command line, audited, leaving nothing behind."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from heard.settings import Settings, load_settings
from heard.wiring import Database, open_database
from storage import models
from storage.audit import audit_entries
from storage.db import transaction
from surveys.definition import load_catalogue
from surveys.engine import ConversationEngine
from surveys.people import People


def _heard(args: list[str], data: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARD_")}
    env["HEARD_DATA_DIR"] = str(data)
    return subprocess.run(
        [sys.executable, "-m", "heard.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_export_then_erase_by_channel_reference(tmp_path: Path) -> None:
    settings = load_settings(environ={"HEARD_DATA_DIR": str(tmp_path)}, env_file=None)
    database = open_database(settings)
    people = People(database.sessions, settings.pseudonym_key)
    pseudonym = people.pseudonym("telegram", 123456789)
    people.set_profile(pseudonym, "telegram", cohort="care_leaver", age_band="16-25")
    engine = ConversationEngine(database.sessions, load_catalogue())
    engine.begin(pseudonym, channel="telegram", survey_id="pulse")
    engine.handle(pseudonym, text="yes")
    engine.handle(pseudonym, text="no")
    engine.handle(pseudonym, text="very happy")

    exported = _heard(["export", "--respondent", "telegram:123456789"], tmp_path)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert data["about_you"]["who"] == "care_leaver"
    assert [a["answer"] for a in data["answers"]] == ["5"]

    erased = _heard(["erase", "--respondent", pseudonym, "--yes"], tmp_path)
    assert erased.returncode == 0, erased.stderr
    assert "Safeguarding records" in erased.stdout
    again = _heard(["export", "--respondent", "telegram:123456789"], tmp_path)
    assert again.returncode == 2 and "nothing" in again.stderr
    bad = _heard(["export", "--respondent", "someone"], tmp_path)
    assert bad.returncode == 2 and "channel:id" in bad.stderr

    with transaction(database.sessions) as session:
        for model in (models.Respondent, models.SurveySession, models.Answer, models.Comment):
            assert session.scalar(select(func.count()).select_from(model)) == 0
        assert len(audit_entries(session, "export")) == 1
        assert len(audit_entries(session, "erase")) == 1
    database.close()


def test_the_alert_pages_reference_finds_the_person_and_their_kept_alert(tmp_path: Path) -> None:
    """The data protection officer copies the 16 characters the alert page shows; after
    erasure, export still lists the safeguarding record, why it is kept, and their words."""
    from storage.alerts import raise_alert

    settings = load_settings(environ={"HEARD_DATA_DIR": str(tmp_path)}, env_file=None)
    database = open_database(settings)
    people = People(database.sessions, settings.pseudonym_key)
    pseudonym = people.pseudonym("web", "device-7")
    other = people.pseudonym("web", "device-8")
    for who in (pseudonym, other):
        people.set_profile(who, "web", cohort="child_in_care", age_band="11-17")
    with transaction(database.sessions) as session:
        raise_alert(
            session,
            pseudonym=pseudonym,
            text="my carer locks me in my room",
            category="allegation_about_carer",
            level="urgent",
            channel="web",
            cohort="child_in_care",
            age_band="11-17",
        )
    shown = pseudonym[:16]  # as webforms/templates/staff/alert.html shows it

    exported = _heard(["export", "--respondent", shown.upper()], tmp_path)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert data["reference"] == pseudonym and data["about_you"]["who"] == "child_in_care"
    [record] = data["safeguarding_records"]
    assert record["about"] == "allegation about carer" and record["status"] == "new"
    assert record["your_words"] == "my carer locks me in my room"
    assert "closed and they are 24 months old" in data["why_kept"]

    assert _heard(["erase", "--respondent", shown, "--yes"], tmp_path).returncode == 0
    after = _heard(["export", "--respondent", shown], tmp_path)
    assert after.returncode == 0, after.stderr
    kept = json.loads(after.stdout)
    assert "erased" in kept and "answers" not in kept and "about_you" not in kept
    assert [r["alert"] for r in kept["safeguarding_records"]] == [record["alert"]]
    again = _heard(["erase", "--respondent", shown, "--yes"], tmp_path)
    assert again.returncode == 2
    assert "nothing left to erase" in again.stderr and "1 safeguarding record" in again.stderr
    # The other person is untouched, and a reference that matches nobody says so.
    assert json.loads(_heard(["export", "--respondent", other[:16]], tmp_path).stdout)
    missing = _heard(["export", "--respondent", "0" * 16], tmp_path)
    assert missing.returncode == 2 and "no person or safeguarding alert" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    short = _heard(["export", "--respondent", pseudonym[:8]], tmp_path)
    assert short.returncode == 2 and "channel:id" in short.stderr


def test_export_says_when_a_kept_alert_was_reopened(
    database: Database, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """A late "yes, please" made a closed alert new again: subject access says when, beside
    when it was raised and closed, so "status: new" with a "closed" time reads right.
    (When its route was next owed a notice is the staff's own clock, not about them.)"""
    from heard.privacy_command import run_export
    from storage.alerts import raise_alert, record_contact, set_alert_status

    people = People(database.sessions, settings.pseudonym_key)
    pseudonym = people.pseudonym("telegram", 4242)
    people.set_profile(pseudonym, "telegram", cohort="child_in_care", age_band="11-17")
    raised = datetime(2026, 7, 2, 9, 0, tzinfo=UTC)
    closed, reopened = raised + timedelta(hours=1), raised + timedelta(hours=5)
    with transaction(database.sessions) as session:
        alerts = [
            raise_alert(
                session,
                pseudonym=pseudonym,
                text=words,
                category="unsafe_home",
                level="concern",
                channel="telegram",
                cohort="child_in_care",
                age_band="11-17",
                when=raised + timedelta(minutes=minutes),  # export lists them oldest first
            )
            for minutes, words in enumerate(("i dont feel safe at home", "still not safe"))
        ]
        for alert in alerts:
            set_alert_status(session, alert, "closed", by="lead@council", when=closed)
        record_contact(
            session,
            alerts[0],
            wanted=True,
            sealed="sealed",
            when=reopened,
            timezone=settings.timezone,
        )

    run_export(argparse.Namespace(respondent=pseudonym), settings)
    first, second = json.loads(capsys.readouterr().out)["safeguarding_records"]
    assert first["status"] == "new" and first["closed"] == closed.isoformat()
    assert first["reopened"] == reopened.isoformat()
    assert "notice_due_since" not in first and "reopened_at" not in first
    assert first["history"] == [
        "02 Jul 2026, 15:00 BST · Heard · new: reopened because they asked for someone "
        "to get in touch after it was closed"
    ]
    assert second["status"] == "closed" and second["reopened"] is None


def test_export_says_when_an_alert_was_acknowledged_and_what_they_said_about_contact(
    database: Database, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """Subject access lists when staff acknowledged each kept alert and, in plain words,
    whether the person asked for someone to get in touch and when they answered; how to
    reach them stays sealed (only whether it is still held, and when retention took it)."""
    from heard.privacy_command import run_export
    from storage.alerts import raise_alert, record_contact, set_alert_status
    from storage.retention import apply_retention

    people = People(database.sessions, settings.pseudonym_key)
    pseudonym = people.pseudonym("telegram", 5151)
    people.set_profile(pseudonym, "telegram", cohort="child_in_care", age_band="11-17")
    raised = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    acknowledged = raised + timedelta(minutes=40)
    answered = raised + timedelta(minutes=5)
    with transaction(database.sessions) as session:
        yes, no, unanswered, removed = [
            raise_alert(
                session,
                pseudonym=pseudonym,
                text=f"not safe at home {n}",
                category="unsafe_home",
                level="concern",
                channel="telegram",
                cohort="child_in_care",
                age_band="11-17",
                when=raised + timedelta(minutes=n),  # export lists them oldest first
            )
            for n in range(4)
        ]
        set_alert_status(session, yes, "acknowledged", by="lead@council", when=acknowledged)
        record_contact(session, yes, wanted=True, sealed="SEALED-YES-DETAILS", when=answered)
        record_contact(session, no, wanted=False, sealed=None, when=answered)
        record_contact(session, removed, wanted=True, sealed="SEALED-OLD-DETAILS", when=answered)
        set_alert_status(session, removed, "closed", by="lead@council", when=acknowledged)
        # Only `removed` is closed, so retention takes its sealed details and no others.
        assert apply_retention(session, raised + timedelta(days=400))["alert_contacts"] == 1

    run_export(argparse.Namespace(respondent=pseudonym), settings)
    out = capsys.readouterr().out
    assert "SEALED-" not in out
    records = json.loads(out)["safeguarding_records"]
    assert [r["alert"] for r in records] == [yes.id, no.id, unanswered.id, removed.id]
    first, second, third, fourth = records
    assert first["acknowledged"] == acknowledged.isoformat() and first["closed"] is None
    assert first["asked_to_be_contacted"] is True
    assert first["contact_answered"] == answered.isoformat()
    assert first["contact_details_held"] is True and first["contact_details_removed"] is None
    assert second["acknowledged"] is None
    assert second["asked_to_be_contacted"] is False
    assert second["contact_answered"] == answered.isoformat()
    assert second["contact_details_held"] is False
    assert third["asked_to_be_contacted"] == "not answered"
    assert third["contact_answered"] is None and third["contact_details_held"] is False
    # That they asked, and when, stays after retention; the details are gone, and when.
    assert fourth["acknowledged"] == acknowledged.isoformat()
    assert fourth["asked_to_be_contacted"] is True
    assert fourth["contact_answered"] == answered.isoformat()
    assert fourth["contact_details_held"] is False and fourth["contact_details_removed"]
    assert "contact_sealed" not in fourth and "acknowledged_by" not in fourth
