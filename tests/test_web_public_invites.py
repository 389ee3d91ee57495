"""`heard invite`: single-use links as CSV and QR codes, stored only as hashes, on both backends."""

from __future__ import annotations

import argparse
import csv
import hashlib
import stat
from pathlib import Path

import pytest
from browser_support import hidden_fields, make_app
from sqlalchemy import func, select

from heard.cli import CommandError
from heard.invite_command import run_invite
from heard.settings import Settings
from heard.wiring import open_database
from storage import models
from storage.db import transaction


def invite_args(**overrides: object) -> argparse.Namespace:
    values: dict[str, object] = {
        "survey": "checkin-8-11",
        "cohort": "child_in_care",
        "age_band": "8-11",
        "count": 3,
        "csv": None,
        "qr": None,
        "close": None,
    }
    values.update(overrides)
    return argparse.Namespace(**values)


def stored_invites(settings: Settings) -> list[models.Invite]:
    database = open_database(settings)
    try:
        with transaction(database.sessions) as session:
            return list(session.scalars(select(models.Invite).order_by(models.Invite.id)))
    finally:
        database.close()


def test_prints_a_csv_of_single_use_links_and_keeps_only_hashes(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_invite(invite_args(), settings) == 0
    out, err = capsys.readouterr()
    rows = list(csv.DictReader(out.splitlines()))
    assert len(rows) == 3 and "single-use" in err
    tokens = [row["link"].rsplit("/s/", 1)[1] for row in rows]
    assert all(row["link"].startswith(f"{settings.base_url}/s/") for row in rows)
    assert all(len(token) >= 32 for token in tokens) and len(set(tokens)) == 3
    invites = stored_invites(settings)
    assert {i.token_hash for i in invites} == {
        hashlib.sha256(t.encode()).hexdigest() for t in tokens
    }
    for invite in invites:
        assert (invite.survey_id, invite.cohort, invite.age_band) == (
            "checkin-8-11",
            "child_in_care",
            "8-11",
        )
        assert not invite.open_link and invite.first_used_at is None
        assert invite.batch == rows[0]["batch"]
    assert not any(token in str(vars(i)) for i in invites for token in tokens)


def test_writes_a_private_csv_and_qr_codes(settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "links.csv"
    qr = tmp_path / "qr"
    args = invite_args(count=2, csv=str(out), qr=str(qr), batch="school-visit-1")
    assert run_invite(args, settings) == 0
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert [row["batch"] for row in rows] == ["school-visit-1"] * 2
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    pngs = sorted(qr.glob("*.png"))
    assert [p.name for p in pngs] == ["school-visit-1-001.png", "school-visit-1-002.png"]
    assert pngs[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert {row["qr_file"] for row in rows} == {str(p) for p in pngs}
    # A QR code is a link to a child's answers: owner-only, in an owner-only folder.
    assert {stat.S_IMODE(p.stat().st_mode) for p in pngs} == {0o600}
    assert stat.S_IMODE(qr.stat().st_mode) == 0o700


def test_open_event_link(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_invite(invite_args(count=1, open=True), settings) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert len(rows) == 1 and rows[0]["open_link"] == "yes"
    assert stored_invites(settings)[0].open_link
    with pytest.raises(CommandError, match="open event link"):
        run_invite(invite_args(count=5, open=True), settings)


def test_an_event_link_closes_for_newcomers_but_lets_a_started_device_finish(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_invite(invite_args(count=1, open=True, batch="summer-fun-day"), settings) == 0
    token = next(csv.DictReader(capsys.readouterr().out.splitlines()))["link"].rsplit("/", 1)[1]
    database = open_database(settings)
    try:
        app = make_app(database)
        started = app.test_client()
        first = started.get(f"/s/{token}")
        assert first.status_code == 200
        consent = started.post(f"/s/{token}", data={**hidden_fields(first.text), "choice": "yes"})
        assert consent.status_code in (200, 303)

        assert run_invite(invite_args(close="summer-fun-day"), settings) == 0
        assert "Closed the open event link" in capsys.readouterr().out

        newcomer = app.test_client().get(f"/s/{token}")
        assert newcomer.status_code == 410
        assert "This event link has closed" in newcomer.text
        assert started.get(f"/s/{token}").status_code == 200
        with transaction(database.sessions) as session:
            assert session.scalar(select(func.count(models.Respondent.id))) == 1
    finally:
        database.close()
    with pytest.raises(CommandError, match="no open event link"):
        run_invite(invite_args(close="summer-fun-day"), settings)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"survey": "no-such-survey"}, "no survey"),
        ({"cohort": "teacher"}, "cohort must be one of"),
        ({"age_band": "16-25"}, "age band"),
        ({"survey": "checkin-care-leaver"}, "checkin-care-leaver is for care_leaver"),
        ({"count": 0}, "--count"),
        ({"batch": "../../etc"}, "--batch"),
        ({"survey": None, "cohort": None}, "--survey, --cohort"),
    ],
)
def test_mistakes_are_one_clear_line(
    settings: Settings, overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run_invite(invite_args(**overrides), settings)
