"""`heard backup` while Heard writes, `heard restore` into a fresh data folder: every row
comes back, and sealed contact details still open with the restored key.

Real processes (the `heard` command), real SQLite and PostgreSQL (a database of its own
per test, made and dropped here), real pg_dump/pg_restore (required under CI=true).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from conftest import _in_ci, make_settings, require_postgres
from sqlalchemy import Engine, create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from heard.settings import Settings
from heard.wiring import open_database
from storage.alerts import raise_alert, record_contact
from storage.db import make_engine, transaction
from storage.migrate import current_revision, head_revision, upgrade
from storage.models import SafeguardingAlert, WebContact
from storage.pseudonym import pseudonymise
from storage.respondents import get_or_create_respondent
from storage.sealing import ContactDetails, ContactSeal
from storage.web_contacts import Contact, ContactSealer, add_contact

HEARD = [sys.executable, "-m", "heard.cli"]


def heard(
    args: list[str], data_dir: Path, database_url: str, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("HEARD_") or k.startswith("HEARD_TEST")
    }
    environment.update({"HEARD_DATA_DIR": str(data_dir), "HEARD_DATABASE_URL": database_url, **env})
    return subprocess.run(
        HEARD + args,
        capture_output=True,
        text=True,
        env=environment,
        cwd=data_dir.parent,
        timeout=300,
    )


# ------------------------------------------------------------------ databases


@dataclass
class Pair:
    """A source and an empty target database of one kind."""

    kind: str
    source: str
    target: str


def _pg_database(admin: Engine, base: str) -> str:
    name = f"heard_backup_{secrets.token_hex(5)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(base).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pair]:
    if request.param == "sqlite":
        (tmp_path / "source").mkdir()
        (tmp_path / "target").mkdir()
        yield Pair(
            "sqlite",
            f"sqlite:///{tmp_path / 'source' / 'heard.sqlite3'}",
            f"sqlite:///{tmp_path / 'target' / 'heard.sqlite3'}",
        )
        return
    base = require_postgres()
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            if _in_ci():
                pytest.fail(f"CI=true but {tool} is not on the PATH")
            pytest.skip(f"{tool} is not on the PATH")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    made = [_pg_database(admin, base), _pg_database(admin, base)]
    try:
        yield Pair("postgresql", made[0], made[1])
    finally:
        with admin.connect() as connection:
            for url in made:
                name = make_url(url).database
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# ------------------------------------------------------------------ a writing Heard


@dataclass
class Writer:
    """Heard's storage writing people, alerts with sealed contact details and web contacts,
    as the bot and the web app do, until told to stop."""

    settings: Settings
    phones: dict[int, str] = field(default_factory=dict)
    emails: dict[int, str] = field(default_factory=dict)
    written: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None

    def write_one(self, sessions: sessionmaker[Session], number: int) -> None:
        seal = ContactSeal(self.settings.pseudonym_key)
        sealer = ContactSealer(self.settings.pseudonym_key)
        phone = f"07700 9{number:05d}"
        email = f"young.person{number}@example.org"
        with transaction(sessions) as session:
            pseudonym = pseudonymise(self.settings.pseudonym_key, "telegram", 5_000_000 + number)
            respondent = get_or_create_respondent(session, pseudonym, "telegram")
            alert = raise_alert(
                session,
                pseudonym=pseudonym,
                text=f"I don't feel safe at home tonight ({number})",
                category="harm_to_self",
                level="high",
                channel="telegram",
                cohort="cic",
                age_band="13-15",
            )
            record_contact(
                session,
                alert,
                wanted=True,
                sealed=seal.seal(ContactDetails(first_name=f"Sam{number}", phone=phone)),
            )
            contact = add_contact(
                session,
                sealer,
                Contact(kind="email", to=email),
                survey_id="cic-wellbeing",
                cohort="cic",
                age_band="13-15",
                consent_how="end_of_checkin",
                consent_wording="v1",
                respondent=respondent,
            )
            alert_id, contact_id = alert.id, contact.id
        self.phones[alert_id] = phone
        self.emails[contact_id] = email
        self.written += 1

    def run(self) -> None:
        database = open_database(self.settings)
        try:
            number = self.written
            while not self.stop.is_set():
                self.write_one(database.sessions, number)
                number += 1
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
        finally:
            database.close()


def all_rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            found = {}
            for table in sorted(inspect(connection).get_table_names()):
                rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
                found[table] = sorted((tuple(row) for row in rows), key=repr)
            return found
    finally:
        engine.dispose()


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ------------------------------------------------------------------ the round trip


def start_web(data_dir: Path, database_url: str) -> tuple[subprocess.Popen[str], str]:
    """A real `heard web` on a free port, answering /healthz."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("HEARD_") or k.startswith("HEARD_TEST")
    }
    environment.update({"HEARD_DATA_DIR": str(data_dir), "HEARD_DATABASE_URL": database_url})
    process = subprocess.Popen(
        [*HEARD, "web", "--port", str(port)],
        env=environment,
        cwd=data_dir.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.kill()
    raise AssertionError("heard web did not start")


def test_backup_of_a_running_instance_restores_every_row(pair: Pair, tmp_path: Path) -> None:
    source_dir, target_dir = tmp_path / "source", tmp_path / "target"
    source = make_settings(source_dir, pair.source)
    database = open_database(source)
    writer = Writer(source)
    for number in range(40):  # some history before the backup
        writer.write_one(database.sessions, number)
    database.close()
    before = writer.written

    # Heard running: `heard web` serving from the database, and the storage writing
    # (people, alerts with sealed contacts, web contacts) as the bot and the web app do.
    web, base = start_web(source_dir, pair.source)
    answers: list[int] = []
    polling = threading.Event()

    def poll() -> None:
        while not polling.is_set():
            answers.append(httpx.get(f"{base}/healthz", timeout=30).status_code)

    thread = threading.Thread(target=writer.run, daemon=True)
    poller = threading.Thread(target=poll, daemon=True)
    thread.start()
    poller.start()
    try:
        done = heard(["backup", str(tmp_path / "backup")], source_dir, pair.source)
        after_backup = writer.written
    finally:
        writer.stop.set()
        polling.set()
        thread.join(timeout=60)
        poller.join(timeout=60)
        web.terminate()
        web.wait(timeout=30)
    assert writer.error is None, writer.error
    assert answers and set(answers) == {200}, "the web app kept answering during the backup"
    assert done.returncode == 0, done.stderr
    assert "contains Heard's keys" in done.stdout
    assert after_backup > before, "the writer must have been writing during the backup"

    backup = tmp_path / "backup"
    manifest = json.loads((backup / "manifest.json").read_text())
    counts = manifest["row_counts"]
    # A moment while Heard wrote: more than before it began, never more than was written.
    assert before < counts["safeguarding_alerts"] <= writer.written
    assert counts["safeguarding_alerts"] == counts["web_contacts"] == counts["respondents"]
    assert manifest["schema_revision"] == head_revision()
    assert manifest["database"] == pair.kind
    assert set(manifest["files"]) >= {
        manifest["database_file"],
        "keys/pseudonym_key",
        "keys/secret_key",
        "THIS-BACKUP-CONTAINS-KEYS.txt",
    }
    assert "CONTAINS HEARD'S KEYS" in (backup / "THIS-BACKUP-CONTAINS-KEYS.txt").read_text()
    assert mode_of(backup) == 0o700 and mode_of(backup / "keys") == 0o700
    for path in backup.rglob("*"):
        if path.is_file():
            assert mode_of(path) == 0o600, path
    assert (backup / "keys" / "pseudonym_key").read_bytes().strip() == source.pseudonym_key
    last = json.loads((source_dir / "last_backup.json").read_text())
    assert last["folder"] == str(backup) and last["at"] == manifest["created_at"]

    # Restore into a fresh data folder and an empty database.
    restored = heard(["restore", str(backup)], target_dir, pair.target)
    assert restored.returncode == 0, restored.stderr
    for table, count in counts.items():
        if table != "alembic_version":
            assert re.search(rf"^\s+{table}\s+{count}$", restored.stdout, re.M), table

    source_rows, target_rows = all_rows(pair.source), all_rows(pair.target)
    assert {t: len(rows) for t, rows in target_rows.items()} == counts
    for table, rows in target_rows.items():
        # Every restored row is a row Heard wrote, unchanged (the writer only adds rows).
        missing = set(rows) - set(source_rows[table])
        assert not missing, (table, sorted(missing, key=repr)[:2])

    # The keys came back: pseudonyms match and sealed contact details open.
    target = make_settings(target_dir, pair.target)
    assert target.pseudonym_key == source.pseudonym_key
    assert target.secret_key == source.secret_key
    assert mode_of(target_dir / "pseudonym_key") == 0o600
    engine = make_engine(pair.target)
    try:
        with engine.connect() as connection:
            assert current_revision(engine) == head_revision()
            alerts = connection.execute(
                select(SafeguardingAlert.id, SafeguardingAlert.contact_sealed)
            ).all()
            contacts = connection.execute(select(WebContact.id, WebContact.contact_sealed)).all()
            pseudonyms = set(
                connection.execute(text("SELECT pseudonym FROM respondents")).scalars()
            )
    finally:
        engine.dispose()
    assert len(alerts) == counts["safeguarding_alerts"]
    seal, sealer = ContactSeal(target.pseudonym_key), ContactSealer(target.pseudonym_key)
    for alert_id, sealed in alerts:
        assert sealed is not None
        assert seal.open(sealed).phone == writer.phones[alert_id]
    for contact_id, sealed in contacts:
        assert sealer.open(sealed).to == writer.emails[contact_id]
    assert pseudonymise(target.pseudonym_key, "telegram", 5_000_000) in pseudonyms

    # The restored database now holds rows: a second restore needs --force.
    again = heard(["restore", str(backup)], target_dir, pair.target)
    assert again.returncode == 2
    assert again.stderr.strip().count("\n") == 0
    assert "--force" in again.stderr and "already holds" in again.stderr
    forced = heard(["restore", "--force", str(backup)], target_dir, pair.target)
    assert forced.returncode == 0, forced.stderr
    assert {t: len(r) for t, r in all_rows(pair.target).items()} == counts


def test_an_older_backup_is_brought_forward(pair: Pair, tmp_path: Path) -> None:
    older = "0013"
    engine = make_engine(pair.source)
    upgrade(engine, older)
    engine.dispose()
    done = heard(["backup", str(tmp_path / "b")], tmp_path / "source", pair.source)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "b" / "manifest.json").read_text())["schema_revision"] == older
    restored = heard(["restore", str(tmp_path / "b")], tmp_path / "target", pair.target)
    assert restored.returncode == 0, restored.stderr
    assert f"schema now {head_revision()}" in restored.stdout
    engine = make_engine(pair.target)
    assert current_revision(engine) == head_revision()
    engine.dispose()


# ------------------------------------------------------------------ refusals (SQLite)


@pytest.fixture
def sqlite_backup(tmp_path: Path) -> tuple[Path, str]:
    url = f"sqlite:///{tmp_path / 'source' / 'heard.sqlite3'}"
    assert heard(["init"], tmp_path / "source", url).returncode == 0
    done = heard(["backup", str(tmp_path / "b")], tmp_path / "source", url)
    assert done.returncode == 0, done.stderr
    return tmp_path / "b", url


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_backup_never_writes_into_a_folder_with_files(
    sqlite_backup: tuple[Path, str], tmp_path: Path
) -> None:
    backup, url = sqlite_backup
    line = one_line(heard(["backup", str(backup)], tmp_path / "source", url))
    assert "not an empty folder" in line
    assert not list(tmp_path.glob(".b.partial-*"))


def test_a_changed_backup_is_refused(sqlite_backup: tuple[Path, str], tmp_path: Path) -> None:
    backup, _ = sqlite_backup
    target = f"sqlite:///{tmp_path / 'target' / 'heard.sqlite3'}"
    original = (backup / "database.sqlite3").read_bytes()
    (backup / "database.sqlite3").write_bytes(original + b"x")
    line = one_line(heard(["restore", str(backup)], tmp_path / "target", target))
    assert "has changed since the backup was made" in line
    (backup / "database.sqlite3").write_bytes(original)
    (backup / "keys" / "pseudonym_key").unlink()
    assert "missing" in one_line(heard(["restore", str(backup)], tmp_path / "target", target))
    assert "not a Heard backup" in one_line(
        heard(["restore", str(tmp_path)], tmp_path / "target", target)
    )


def test_a_backup_from_a_newer_heard_is_refused(
    sqlite_backup: tuple[Path, str], tmp_path: Path
) -> None:
    backup, _ = sqlite_backup
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["schema_revision"] = "9999"
    (backup / "manifest.json").write_text(json.dumps(manifest))
    target = f"sqlite:///{tmp_path / 'target' / 'heard.sqlite3'}"
    line = one_line(heard(["restore", str(backup)], tmp_path / "target", target))
    assert "newer than this Heard knows" in line


def test_a_different_key_in_the_environment_stops_the_restore(
    sqlite_backup: tuple[Path, str], tmp_path: Path
) -> None:
    backup, _ = sqlite_backup
    target_db = tmp_path / "target" / "heard.sqlite3"
    result = heard(
        ["restore", str(backup)],
        tmp_path / "target",
        f"sqlite:///{target_db}",
        HEARD_PSEUDONYM_KEY="another-key-of-at-least-16-chars",
    )
    line = one_line(result)
    assert "HEARD_PSEUDONYM_KEY" in line and "keys/pseudonym_key" in line
    assert not target_db.exists()


def test_a_backup_of_one_kind_is_not_restored_into_the_other(
    sqlite_backup: tuple[Path, str], tmp_path: Path
) -> None:
    backup, _ = sqlite_backup
    line = one_line(
        heard(
            ["restore", str(backup)],
            tmp_path / "target",
            "postgresql+psycopg://nobody@127.0.0.1:1/none",
        )
    )
    assert "is of a sqlite database" in line


def test_postgresql_without_pg_dump_says_so_in_one_line(tmp_path: Path) -> None:
    empty_path = tmp_path / "bin"
    empty_path.mkdir()
    result = heard(
        ["backup", str(tmp_path / "b")],
        tmp_path / "data",
        "postgresql+psycopg://nobody@127.0.0.1:1/none",
        PATH=str(empty_path),
    )
    line = one_line(result)
    assert "pg_dump is not on the PATH" in line
    assert not (tmp_path / "b").exists()


def test_keys_kept_in_the_environment_are_checked_not_written(tmp_path: Path) -> None:
    keys = {
        "HEARD_PSEUDONYM_KEY": "pseudonym-key-from-the-vault-0001",
        "HEARD_SECRET_KEY": "secret-key-from-the-vault-000002",
    }
    source = f"sqlite:///{tmp_path / 'source' / 'heard.sqlite3'}"
    assert heard(["init"], tmp_path / "source", source, **keys).returncode == 0
    done = heard(["backup", str(tmp_path / "b")], tmp_path / "source", source, **keys)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "b" / "keys" / "pseudonym_key").read_text().strip() == keys[
        "HEARD_PSEUDONYM_KEY"
    ]
    target = f"sqlite:///{tmp_path / 'target' / 'heard.sqlite3'}"
    restored = heard(["restore", str(tmp_path / "b")], tmp_path / "target", target, **keys)
    assert restored.returncode == 0, restored.stderr
    assert "The keys set in the environment match the backup's." in restored.stdout
    assert not (tmp_path / "target" / "pseudonym_key").exists()
