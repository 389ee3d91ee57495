"""`heard doctor`: on the demo, with everything set up, and with each failure provoked.

Real pieces only: a real SQLite database made by `heard init` / `heard demo`, the fake
Bot API (tests/fakes/telegram_api.py), a real SMTP server (aiosmtpd), the fake GOV.UK
Notify (tests/fakes/notify_api.py), real files and permissions.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alert_support import smtp_server
from fakes.notify_api import API_KEY, SERVICE_ID, SMS_TEMPLATE, FakeNotify
from fakes.telegram_api import BOT_USER, TOKEN, FakeTelegram

import analysis.safeguarding.replies as replies_module
from heard.cli import main
from storage.db import make_engine
from storage.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
CHECKS = (
    "settings",
    "database",
    "file permissions",
    "keys",
    "backup",
    "telegram",
    "mail relay",
    "GOV.UK Notify",
    "alert routes",
    "contact numbers",
    "theme encoder",
    "base URL",
)
STATUSES = ("ok", "problem", "not set up")

OWN_ROUTES = """\
version: 1
routes:
  safeguarding_lead:
    name: "Safeguarding lead"
    email: [lead@northshire.gov.uk]
    escalate_after_minutes: 60
    escalate_to:
      email: head.of.service@northshire.gov.uk
  lado:
    name: "LADO"
    email: lado@northshire.gov.uk
rules:
  - category: allegation_about_carer
    route: lado
default_route: safeguarding_lead
"""


def parse(out: str) -> dict[str, tuple[str, str]]:
    """{check: (status, detail)}; every line before the summary is one check."""
    found: dict[str, tuple[str, str]] = {}
    lines = out.strip().splitlines()
    for line in lines[:-1]:
        status, rest = line[:10].strip(), line[12:]
        assert status in STATUSES, line
        check, _, detail = rest.partition(": ")
        assert detail, line
        # A check may say more on a second line of the same name: the worst one is kept.
        if check not in found or status == "problem":
            found[check] = (status, detail)
    return found


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh Heard made by `heard init`, with no HEARD_ setting and no .env around."""
    for key in list(os.environ):
        if key.startswith("HEARD_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "init"]) == 0
    yield data


def doctor(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, tuple[str, str]]]:
    capsys.readouterr()
    code = main(["--data-dir", str(data), "doctor"])
    out = capsys.readouterr().out
    return code, parse(out)


def test_doctor_on_the_demo_prints_every_check(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HEARD_")}
    environment["HEARD_DATA_DIR"] = str(tmp_path / "demo")
    demo = subprocess.run(
        [sys.executable, "-m", "heard.cli", "demo", "--no-serve"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=600,
    )
    assert demo.returncode == 0, demo.stderr
    result = subprocess.run(
        [sys.executable, "-m", "heard.cli", "doctor"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    found = parse(result.stdout)
    assert set(CHECKS) <= set(found), sorted(found)
    for check in ("settings", "database", "file permissions", "keys"):
        assert found[check][0] == "ok", (check, found[check])
    assert "(head)" in found["database"][1]
    # The demo has no bot, relay, routes or numbers: said, with what to do, not failed.
    assert found["telegram"][0] == "not set up" and "@BotFather" in found["telegram"][1]
    assert found["alert routes"][0] == "not set up"
    assert "HEARD_ALERT_ROUTES_FILE" in found["alert routes"][1]
    assert "not set up: fill these in before going live" in result.stdout


def test_everything_set_up_is_all_ok(
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    telegram = FakeTelegram().start()
    notify = FakeNotify().start()
    routes = tmp_path / "routes.yaml"
    routes.write_text(OWN_ROUTES)
    replies = tmp_path / "replies.yaml"
    numbers = iter(["01632 960001", "01632 960002"])
    replies.write_text(
        re.sub(
            r'phone: "".*$',
            lambda _: f'phone: "{next(numbers)}"',
            replies_module.REPLIES_PATH.read_text(),
            flags=re.M,
        )
    )
    monkeypatch.setattr(replies_module, "REPLIES_PATH", replies)
    try:
        with smtp_server(login=lambda user, password: password == "right") as smtp:
            for key, value in {
                "HEARD_TELEGRAM_TOKEN": TOKEN,
                "HEARD_TELEGRAM_API_URL": telegram.api_url,
                "HEARD_STAFF_CHAT_ID": "-100200300",
                "HEARD_SMTP_URL": smtp.url(login=True, password="right"),
                "HEARD_SMTP_FROM": "heard@northshire.gov.uk",
                "HEARD_ALERT_ROUTES_FILE": str(routes),
                "HEARD_NOTIFY_API_KEY": API_KEY,
                "HEARD_NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE,
                "HEARD_NOTIFY_BASE_URL": notify.base_url,
                "HEARD_BASE_URL": "https://heard.northshire.gov.uk",
            }.items():
                monkeypatch.setenv(key, value)
            assert main(["--data-dir", str(home), "backup", str(tmp_path / "b")]) == 0
            code, found = doctor(home, capsys)
            assert code == 0, {k: v for k, v in found.items() if v[0] != "ok"}
            assert set(CHECKS) <= set(found)
            assert all(status == "ok" for status, _ in found.values()), found
            assert f"@{BOT_USER['username']}" in found["telegram"][1]
            assert "2 routes" in found["alert routes"][1]
            assert "01632 960001" in found["contact numbers"][1]
            assert str(tmp_path / "b") in found["backup"][1]
            assert any(call.method == "getMe" for call in telegram.calls)
            assert ("GET", "/v2/notifications") in notify.requests

            # Each outside service failing in turn is a problem, exit 1, with what to do.
            monkeypatch.setenv("HEARD_SMTP_URL", smtp.url(login=True, password="wrong"))
            code, found = doctor(home, capsys)
            assert code == 1 and found["mail relay"][0] == "problem"
            assert "refused the login" in found["mail relay"][1]
    finally:
        telegram.stop()
    monkeypatch.setenv("HEARD_SMTP_URL", smtp.url())  # the relay has stopped: nobody answers
    code, found = doctor(home, capsys)
    assert code == 1 and found["mail relay"][0] == "problem"
    assert "cannot reach the mail relay" in found["mail relay"][1]
    assert found["telegram"][0] == "problem"
    assert "HTTPS_PROXY" in found["telegram"][1]

    monkeypatch.setenv("HEARD_NOTIFY_API_KEY", f"heard_test-{SERVICE_ID}-{SERVICE_ID}")
    code, found = doctor(home, capsys)
    assert found["GOV.UK Notify"][0] == "problem"
    assert "HEARD_NOTIFY_API_KEY" in found["GOV.UK Notify"][1]
    notify.stop()


def test_telegram_refusing_the_token_is_a_problem(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    telegram = FakeTelegram().start()
    try:
        monkeypatch.setenv("HEARD_TELEGRAM_TOKEN", "999:not-the-token")
        monkeypatch.setenv("HEARD_TELEGRAM_API_URL", telegram.api_url)
        code, found = doctor(home, capsys)
    finally:
        telegram.stop()
    assert code == 1
    assert found["telegram"][0] == "problem"
    assert "HEARD_TELEGRAM_TOKEN" in found["telegram"][1]


def test_bad_settings_are_one_problem_line(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEARD_KPI_TARGET", "lots")
    code, found = doctor(home, capsys)
    assert code == 1
    assert found == {"settings": ("problem", found["settings"][1])}
    assert "HEARD_KPI_TARGET" in found["settings"][1]


def test_an_unreachable_or_old_database_is_a_problem(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEARD_DATABASE_URL", "postgresql+psycopg://heard@127.0.0.1:1/heard")
    code, found = doctor(home, capsys)
    assert code == 1 and found["database"][0] == "problem"
    assert "cannot reach the database" in found["database"][1]

    older = tmp_path / "older.sqlite3"
    engine = make_engine(f"sqlite:///{older}")
    upgrade(engine, "0013")
    engine.dispose()
    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{older}")
    code, found = doctor(home, capsys)
    assert code == 1 and found["database"][0] == "problem"
    assert "schema 0013" in found["database"][1] and "heard init" in found["database"][1]


def test_loose_permissions_are_a_problem_with_the_chmod(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.chmod(home / "pseudonym_key", 0o644)
    os.chmod(home / "heard.sqlite3", 0o664)
    code, found = doctor(home, capsys)
    assert code == 1
    status, detail = found["file permissions"]
    assert status == "problem"
    assert f"chmod 600 {home / 'pseudonym_key'}" in detail
    assert f"chmod 600 {home / 'heard.sqlite3'}" in detail
    os.chmod(home, 0o755)
    assert f"chmod 700 {home}" in doctor(home, capsys)[1]["file permissions"][1]


def test_a_lost_key_is_a_problem(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (home / "pseudonym_key").unlink()
    code, found = doctor(home, capsys)
    assert code == 1
    assert found["keys"][0] == "problem"
    assert "pseudonym_key was missing" in found["keys"][1]
    assert "heard restore" in found["keys"][1]


def test_an_old_backup_is_a_problem(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert doctor(home, capsys)[1]["backup"][0] == "not set up"
    long_ago = (datetime.now(UTC) - timedelta(days=9)).replace(microsecond=0)
    (home / "last_backup.json").write_text(
        json.dumps({"at": long_ago.isoformat(), "folder": "/srv/backups/old"})
    )
    os.chmod(home / "last_backup.json", 0o600)
    code, found = doctor(home, capsys)
    assert code == 1
    assert found["backup"][0] == "problem"
    assert "9 days ago" in found["backup"][1]


def test_routes_copied_from_the_example_or_broken_are_a_problem(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from notices.routes import EXAMPLE_PATH

    copied = tmp_path / "routes.yaml"
    copied.write_text(EXAMPLE_PATH.read_text())
    monkeypatch.setenv("HEARD_ALERT_ROUTES_FILE", str(copied))
    monkeypatch.setenv("HEARD_SMTP_URL", "smtp://127.0.0.1:1")
    monkeypatch.setenv("HEARD_SMTP_FROM", "heard@northshire.gov.uk")
    code, found = doctor(home, capsys)
    assert code == 1
    assert found["alert routes"][0] == "problem"
    assert "example's addresses" in found["alert routes"][1]

    copied.write_text(
        OWN_ROUTES.replace("default_route: safeguarding_lead", "default_route: ladoo")
    )
    code, found = doctor(home, capsys)
    assert found["alert routes"][0] == "problem"
    assert str(copied) in found["alert routes"][1] and "ladoo" in found["alert routes"][1]

    copied.write_text(OWN_ROUTES)
    monkeypatch.delenv("HEARD_SMTP_URL")
    monkeypatch.delenv("HEARD_SMTP_FROM")
    code, found = doctor(home, capsys)
    assert found["alert routes"][0] == "problem"
    assert "HEARD_SMTP_URL is not set" in found["alert routes"][1]


def test_plain_http_base_url_is_a_problem(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEARD_BASE_URL", "http://heard.northshire.gov.uk")
    code, found = doctor(home, capsys)
    assert code == 1
    assert found["base URL"][0] == "problem" and "TLS" in found["base URL"][1]


def test_an_unreadable_theme_encoder_is_a_problem(
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Read lazily, a broken encoder file would only show as a line in the scheduler's
    log and duller themes; the doctor says so at install time."""
    import analysis.themes.encoder as encoder_module

    shipped = encoder_module.shipped_encoder_path()
    assert shipped is not None
    code, found = doctor(home, capsys)
    assert found["theme encoder"][0] == "ok"
    assert found["theme encoder"][1] == (
        "off (HEARD_THEME_ENCODER=on tags comments with it too; docs/operations.md, "
        '"The theme encoder")'
    )
    assert "### The theme encoder\n" in (ROOT / "docs" / "operations.md").read_text()
    monkeypatch.setenv("HEARD_THEME_ENCODER", "on")
    code, found = doctor(home, capsys)
    version = json.loads(shipped.read_text())["version"]
    network = json.loads(shipped.read_text())["onnx"]["file"]
    assert found["theme encoder"] == (
        "ok",
        f"version {version} reads comments ({shipped.name}, with {network})",
    )
    broken = tmp_path / shipped.name
    broken.write_text(
        shipped.read_text().replace('"format": "heard-themes-encoder/1"', '"format": "x"')
    )
    monkeypatch.setattr(encoder_module, "shipped_encoder_path", lambda: broken)
    code, found = doctor(home, capsys)
    assert code == 1 and found["theme encoder"][0] == "problem"
    assert "not a heard-themes-encoder/1 file" in found["theme encoder"][1]
    assert "reinstall Heard" in found["theme encoder"][1]
    monkeypatch.setattr(encoder_module, "shipped_encoder_path", lambda: None)
    code, found = doctor(home, capsys)
    assert (
        found["theme encoder"][0] == "problem"
        and "no analysis/themes/model" in found["theme encoder"][1]
    )


def test_postgresql_without_pg_dump_cannot_be_backed_up(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("HEARD_DATABASE_URL", "postgresql+psycopg://heard@127.0.0.1:1/heard")
    code, found = doctor(home, capsys)
    assert code == 1
    assert found["backup"][0] == "problem"
    assert "pg_dump is not on the PATH" in found["backup"][1]
