"""`heard doctor`: is this Heard ready to run, and what to do if not.

One line per check, each "ok", "problem" or "not set up", with what to do:

- settings load;
- the database answers and its schema is at head (alembic);
- the data folder is 0700 and the SQLite files and keys 0600;
- the keys are there, and when `heard backup` last copied them;
- Telegram answers getMe (when HEARD_TELEGRAM_TOKEN is set);
- the mail relay answers (when HEARD_SMTP_URL is set);
- GOV.UK Notify takes the API key (when HEARD_NOTIFY_API_KEY is set);
- where alerts go (a routes file, or HEARD_SAFEGUARDING_EMAIL) with the council's own
  addresses, the out-of-hours and housing numbers children are given, and the address
  staff open alert links at.

"problem" means Heard will not work as it should: the exit status is 1. "not set up"
is a piece a council has not filled in or switched on yet; every line should say "ok"
before going live (docs/operations.md).
"""

from __future__ import annotations

import argparse
import os
import shutil
import smtplib
import socket
import ssl
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from heard.settings import Settings, SettingsError, load_settings

OK, PROBLEM, NOT_SET_UP = "ok", "problem", "not set up"
EXAMPLE_DOMAIN = "council.example"
EXAMPLE_CHAT = "-1001234567890"
BACKUP_DAYS = 2
KEY_FILES = {"pseudonym_key": "HEARD_PSEUDONYM_KEY", "secret_key": "HEARD_SECRET_KEY"}


@dataclass(frozen=True)
class Finding:
    status: str
    check: str
    detail: str

    def line(self) -> str:
        return f"{self.status:<10}  {self.check}: {self.detail}"


# ------------------------------------------------------------------ before settings


def _key_files_before(args: argparse.Namespace) -> dict[str, bool]:
    """Which key files exist before settings are loaded (loading makes missing ones, and a
    new key silently cuts Heard off from everything sealed with the old one)."""
    from heard.settings import _read_environment

    try:
        values = _read_environment(os.environ, Path(".env"))
    except OSError:
        values = {}
    given = getattr(args, "data_dir", None)
    folder = Path(given or values.get("HEARD_DATA_DIR", "heard-data")).expanduser()
    return {
        name: (folder / name).is_file() or variable in values
        for name, variable in KEY_FILES.items()
    }


# ------------------------------------------------------------------ the checks


def check_database(settings: Settings) -> Iterator[Finding]:
    from heard.settings import describe_database
    from storage.db import DatabaseUnavailable, check_connection, make_engine
    from storage.migrate import current_revision, head_revision

    where = describe_database(settings.database_url)
    try:
        engine = make_engine(settings.database_url)
        check_connection(engine)
    except DatabaseUnavailable as exc:
        yield Finding(PROBLEM, "database", str(exc))
        return
    try:
        revision, head = current_revision(engine), head_revision()
    finally:
        engine.dispose()
    if revision is None:
        yield Finding(
            PROBLEM, "database", f"{where} answers but holds no Heard schema; run `heard init`"
        )
    elif revision != head:
        yield Finding(
            PROBLEM,
            "database",
            f"{where} is at schema {revision}, this Heard needs {head}; run `heard init` "
            "(after `heard backup`), then restart Heard",
        )
    else:
        yield Finding(OK, "database", f"{where} answers, schema {revision} (head)")


def _loose(path: Path, allowed: int) -> str | None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & ~allowed & 0o777:
        return f"{path} is {mode:04o}"
    return None


def check_permissions(settings: Settings) -> Iterator[Finding]:
    from sqlalchemy.engine import make_url

    loose: list[str] = []
    fixes: list[str] = []
    folder = settings.data_dir
    found = _loose(folder, 0o700)
    if found:
        loose.append(found)
        fixes.append(f"chmod 700 {folder}")
    files = [folder / name for name in (*KEY_FILES, "last_backup.json")]
    if settings.is_sqlite:
        database = make_url(settings.database_url).database
        if database:
            files += [Path(f"{database}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
    for path in files:
        if path.is_file():
            found = _loose(path, 0o600)
            if found:
                loose.append(found)
                fixes.append(f"chmod 600 {path}")
    if loose:
        yield Finding(
            PROBLEM,
            "file permissions",
            f"{'; '.join(loose)}: others on this server could read children's words or keys; "
            f"run {' && '.join(fixes)}",
        )
    else:
        yield Finding(
            OK, "file permissions", f"{folder} is 0700; the database files and keys are 0600"
        )


def check_keys(settings: Settings, existed: dict[str, bool]) -> Iterator[Finding]:
    from heard.backup_command import last_backup

    made = [name for name, there in existed.items() if not there]
    if made:
        yield Finding(
            PROBLEM,
            "keys",
            f"{', '.join(made)} was missing from {settings.data_dir}, so Heard made a new one: "
            "anything stored before cannot be linked or opened with it. If this Heard held "
            "data, put back the key from your last backup (heard restore, or copy "
            "BACKUP/keys/ into the data folder); on a new install this is expected",
        )
    else:
        yield Finding(
            OK,
            "keys",
            "the pseudonym key (which also seals contact details) and the secret key are there",
        )
    if not settings.is_sqlite and shutil.which("pg_dump") is None:
        yield Finding(
            PROBLEM,
            "backup",
            "pg_dump is not on the PATH, so `heard backup` cannot copy PostgreSQL; install "
            "the PostgreSQL client tools of the server's version (apt install postgresql-client)",
        )
        return
    record = last_backup(settings)
    if record is None:
        yield Finding(
            NOT_SET_UP,
            "backup",
            "no `heard backup` of this data folder yet; schedule one daily (docs/operations.md) "
            "and keep the copies away from this server: without the keys nothing can be read",
        )
        return
    try:
        when = datetime.fromisoformat(record["at"])
    except ValueError:
        yield Finding(
            PROBLEM,
            "backup",
            f"{settings.data_dir / 'last_backup.json'} is damaged; run `heard backup DIR`",
        )
        return
    age = datetime.now(UTC) - when
    detail = f"last `heard backup` {when:%Y-%m-%d %H:%M} UTC to {record.get('folder', '?')}"
    if age.days >= BACKUP_DAYS:
        yield Finding(
            PROBLEM,
            "backup",
            f"{detail}, {age.days} days ago; check the daily backup job runs (docs/operations.md)",
        )
    else:
        yield Finding(OK, "backup", detail)


def check_telegram(settings: Settings) -> Iterator[Finding]:
    if settings.telegram_token is None:
        yield Finding(
            NOT_SET_UP,
            "telegram",
            "HEARD_TELEGRAM_TOKEN is not set, so there is no bot (the web forms still work); "
            "make a bot with @BotFather and set the token it gives",
        )
        return
    from heard.bot_command import _unreachable
    from notices.senders import SendFailed
    from notices.telegram import TelegramSender

    sender = TelegramSender(settings.telegram_token, settings.telegram_api_url, timeout=10)
    try:
        name = sender.who_am_i()
    except SendFailed as exc:
        yield Finding(PROBLEM, "telegram", _unreachable(settings, str(exc)))
        return
    yield Finding(OK, "telegram", f"Telegram answers; the bot is @{name}")
    if settings.staff_chat_id is None:
        yield Finding(
            NOT_SET_UP,
            "staff chat",
            "HEARD_STAFF_CHAT_ID is not set, so alerts are not posted to a staff group on "
            "Telegram; see docs/operations.md for how to find it",
        )


def check_smtp(settings: Settings) -> Iterator[Finding]:
    if settings.smtp_url is None:
        yield Finding(
            NOT_SET_UP,
            "mail relay",
            "HEARD_SMTP_URL is not set, so no alert is emailed; set the council's relay, "
            "e.g. HEARD_SMTP_URL=smtp://relay.council.example:587",
        )
        return
    from notices.email import EmailSender, SmtpRelay
    from notices.senders import SendFailed

    relay = SmtpRelay.parse(settings.smtp_url)
    sender = EmailSender(relay, settings.smtp_from or "", timeout=10)
    try:
        with sender._connect() as smtp:
            if relay.username is not None and relay.password is not None:
                smtp.login(relay.username, relay.password)
            code, _ = smtp.noop()
    except SendFailed as exc:
        yield Finding(PROBLEM, "mail relay", str(exc))
        return
    except smtplib.SMTPAuthenticationError as exc:
        yield Finding(
            PROBLEM,
            "mail relay",
            f"the relay at {relay.where} refused the login ({exc.smtp_code}); check the user "
            "and password in HEARD_SMTP_URL",
        )
        return
    except ssl.SSLError as exc:
        yield Finding(PROBLEM, "mail relay", f"TLS with {relay.where} failed ({exc.reason})")
        return
    except (smtplib.SMTPException, OSError) as exc:
        reason = (
            "timed out"
            if isinstance(exc, socket.timeout)
            else (getattr(exc, "strerror", None) or type(exc).__name__)
        )
        yield Finding(
            PROBLEM,
            "mail relay",
            f"cannot reach the mail relay at {relay.where} ({reason}); check HEARD_SMTP_URL "
            "and that the firewall lets this server reach it",
        )
        return
    yield Finding(
        OK, "mail relay", f"{relay.where} answers ({code}); alerts come from {settings.smtp_from}"
    )


def check_notify(settings: Settings) -> Iterator[Finding]:
    if settings.notify_api_key is None:
        yield Finding(
            NOT_SET_UP,
            "GOV.UK Notify",
            "HEARD_NOTIFY_API_KEY is not set, so web users get no texts or emails; optional",
        )
        return
    from heard.notify_wiring import notify_templates
    from notices.notify import NotifySender

    templates = notify_templates(settings)
    sender = NotifySender(settings.notify_api_key, templates, base_url=settings.notify_base_url)
    try:
        sender.find_by_reference("heard-doctor")
    except Exception as exc:  # noqa: BLE001 - classified by NotifySender, one line shown
        yield Finding(
            PROBLEM,
            "GOV.UK Notify",
            f"{settings.notify_base_url} did not accept the check ({exc or type(exc).__name__}); "
            "check HEARD_NOTIFY_API_KEY (a live or team key from Notify's API integration "
            "page) and that this server can reach Notify",
        )
        return
    yield Finding(OK, "GOV.UK Notify", f"{settings.notify_base_url} takes the API key")
    yield Finding(OK, "Notify languages", notify_languages(templates))


def notify_languages(templates: Any) -> str:
    """Which languages have their own Notify template, by kind; the others get English."""
    from surveys.languages import DEFAULT, english_name, shipped_codes

    others = [code for code in shipped_codes() if code != DEFAULT]
    parts = []
    for kind, label in (("sms", "texts"), ("email", "emails")):
        if kind not in templates.kinds:
            continue
        own = [code for code in others if code in templates.languages(kind)]
        rest = [code for code in others if code not in own]
        named = ", ".join(f"{english_name(code)} ({code})" for code in own) or "no language"
        line = f"{label}: {named} {'have' if len(own) > 1 else 'has'} its own template"
        if rest:
            names = ", ".join(f"{english_name(code)} ({code})" for code in rest)
            verb = "get" if len(rest) > 1 else "gets"
            line += (
                f"; {names} {verb} the English one "
                f"(HEARD_NOTIFY_{kind.upper()}_TEMPLATE_ID_<CODE> adds one)"
            )
        parts.append(line)
    return "; ".join(parts)


def _example_addresses(book: Any) -> list[str]:
    found: list[str] = []
    for route in book.routes.values():
        for recipients in (route.to, route.escalate_to):
            found += [e for e in recipients.emails if e.endswith(EXAMPLE_DOMAIN)]
            if recipients.telegram_chat == EXAMPLE_CHAT:
                found.append(EXAMPLE_CHAT)
    return sorted(set(found))


def check_routes(settings: Settings) -> Iterator[Finding]:
    from storage.datafiles import DataFileError

    if settings.alert_routes_file is not None:
        from notices.routes import compile_routes

        try:
            book = compile_routes(settings.alert_routes_file)
        except DataFileError as exc:
            yield Finding(PROBLEM, "alert routes", str(exc))
            return
        copied = _example_addresses(book)
        if copied:
            yield Finding(
                PROBLEM,
                "alert routes",
                f"{settings.alert_routes_file} still has the example's addresses "
                f"({', '.join(copied[:3])}); put in the council's own",
            )
        else:
            yield Finding(
                OK,
                "alert routes",
                f"{len(book.routes)} routes from {settings.alert_routes_file}: "
                + ", ".join(route.name for route in book.routes.values()),
            )
        emails_wanted = any(
            route.to.emails or route.escalate_to.emails for route in book.routes.values()
        )
        if emails_wanted and settings.smtp_url is None:
            yield Finding(
                PROBLEM,
                "alert routes",
                "the routes file names email addresses but HEARD_SMTP_URL is not set, so no "
                "alert email could be sent; set the council's mail relay",
            )
    elif settings.safeguarding_emails:
        yield Finding(
            OK,
            "alert routes",
            f"every alert goes to {', '.join(settings.safeguarding_emails)}; a routes file "
            "(HEARD_ALERT_ROUTES_FILE) can send allegations to the LADO, homelessness to "
            "housing, and so on",
        )
    elif settings.staff_chat_id and settings.telegram_token:
        yield Finding(
            OK,
            "alert routes",
            "every alert goes to the staff chat on Telegram only; add HEARD_SAFEGUARDING_EMAIL "
            "or a routes file so alerts also reach an inbox",
        )
    else:
        yield Finding(
            NOT_SET_UP,
            "alert routes",
            "no one would hear of an alert: copy notices/routes.example.yaml, fill in the "
            "council's addresses and set HEARD_ALERT_ROUTES_FILE (or HEARD_SAFEGUARDING_EMAIL)",
        )


def check_contact_numbers() -> Iterator[Finding]:
    from analysis.safeguarding.replies import REPLIES_PATH
    from storage.datafiles import DataFileError, load_yaml

    try:
        raw = load_yaml(REPLIES_PATH)
    except DataFileError as exc:
        yield Finding(PROBLEM, "contact numbers", str(exc))
        return
    missing = [
        key
        for key in ("out_of_hours", "housing")
        if not str(((raw or {}).get(key) or {}).get("phone") or "").strip()
    ]
    if missing:
        yield Finding(
            NOT_SET_UP,
            "contact numbers",
            f"{' and '.join(k.replace('_', '-') for k in missing)} phone number not filled in "
            f"in {REPLIES_PATH}: a child who says they are not safe is told to call the team "
            "without a number; add the council's numbers",
        )
    else:
        yield Finding(
            OK,
            "contact numbers",
            f"out-of-hours {raw['out_of_hours']['phone']}, housing {raw['housing']['phone']}",
        )


def check_theme_tagging(settings: Settings) -> Iterator[Finding]:
    """The theme encoder is read lazily, on the first comment tagged; a file that cannot
    be read would only show as an error in the scheduler's log and duller themes."""
    from analysis.themes.encoder import EncoderUnavailable, ThemeEncoder, shipped_encoder_path

    path = shipped_encoder_path()
    if not settings.theme_encoder:
        yield Finding(
            OK,
            "theme encoder",
            "off (HEARD_THEME_ENCODER=on tags comments with it too; docs/operations.md, "
            '"The theme encoder")',
        )
        return
    if path is None:
        yield Finding(
            PROBLEM,
            "theme encoder",
            "no analysis/themes/model/themes-encoder-*.json: comments are tagged without "
            "it, and miss themes said in other words; reinstall Heard",
        )
        return
    try:
        found = ThemeEncoder.load(path)
    except EncoderUnavailable as exc:
        yield Finding(
            PROBLEM,
            "theme encoder",
            f"{exc}: comments are tagged without it, and miss themes said in other words; "
            "reinstall Heard",
        )
        return
    yield Finding(
        OK,
        "theme encoder",
        f"version {found.version} reads comments ({path.name}, with {found.network_file})",
    )


def check_base_url(settings: Settings) -> Iterator[Finding]:
    if settings.base_url in ("http://127.0.0.1:5000", "http://localhost:5000"):
        yield Finding(
            NOT_SET_UP,
            "base URL",
            "HEARD_BASE_URL is the default (http://127.0.0.1:5000), so links in alert "
            "notices and texts only open on this server; set the public https:// address",
        )
    elif not settings.base_url.startswith("https://"):
        yield Finding(
            PROBLEM,
            "base URL",
            f"HEARD_BASE_URL={settings.base_url} is not https://; staff sign in and children "
            "answer there, so put Heard behind TLS (docs/operations.md)",
        )
    else:
        yield Finding(OK, "base URL", settings.base_url)


# ------------------------------------------------------------------ the command


def diagnose(args: argparse.Namespace) -> list[Finding]:
    existed = _key_files_before(args)
    given = getattr(args, "data_dir", None)
    try:
        settings = load_settings(data_dir=Path(given) if given else None)
    except SettingsError as exc:
        return [Finding(PROBLEM, "settings", f"{exc}")]
    findings = [Finding(OK, "settings", f"loaded (data folder {settings.data_dir.resolve()})")]
    checks: list[Callable[[], Iterator[Finding]]] = [
        # Before the database is opened: opening tightens a loose SQLite file.
        lambda: check_permissions(settings),
        lambda: check_database(settings),
        lambda: check_keys(settings, existed),
        lambda: check_telegram(settings),
        lambda: check_smtp(settings),
        lambda: check_notify(settings),
        lambda: check_routes(settings),
        check_contact_numbers,
        lambda: check_theme_tagging(settings),
        lambda: check_base_url(settings),
    ]
    for check in checks:
        findings.extend(check())
    return findings


def run_doctor(args: argparse.Namespace) -> int:
    findings = diagnose(args)
    for finding in findings:
        print(finding.line(), flush=True)
    problems = sum(f.status == PROBLEM for f in findings)
    unset = sum(f.status == NOT_SET_UP for f in findings)
    if problems:
        print(f"{problems} problem{'s' * (problems != 1)}: fix the lines marked problem.")
        return 1
    if unset:
        print(f"No problems; {unset} not set up: fill these in before going live.")
    else:
        print("Everything checked is ok.")
    return 0


def configure_parser(commands: Any) -> None:
    doctor = commands.add_parser(
        "doctor", help="check settings, database, permissions, keys, backups and connections"
    )
    doctor.set_defaults(handler=run_doctor)
