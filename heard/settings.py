"""Heard's settings, from HEARD_* environment variables and an optional .env file.

Nothing is required for the demo. A bad value stops start-up with one line that
names the variable and the fix, because a council officer should never have to
read a traceback to find a typo.
"""

from __future__ import annotations

import os
import re
import secrets
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PREFIX = "HEARD_"
KNOWN_VARIABLES = (
    "HEARD_DATA_DIR",
    "HEARD_DATABASE_URL",
    "HEARD_REPORT_DATABASE_URL",
    "HEARD_TELEGRAM_TOKEN",
    "HEARD_TELEGRAM_API_URL",
    "HEARD_TELEGRAM_WEBHOOK_SECRET",
    "HEARD_STAFF_CHAT_ID",
    "HEARD_ALERT_ESCALATION_MINUTES",
    "HEARD_ESCALATION_CHAT_ID",
    "HEARD_ALERT_ROUTES_FILE",
    "HEARD_SAFEGUARDING_EMAIL",
    "HEARD_ESCALATION_EMAIL",
    "HEARD_SMTP_URL",
    "HEARD_SMTP_FROM",
    "HEARD_SECRET_KEY",
    "HEARD_PSEUDONYM_KEY",
    "HEARD_TIMEZONE",
    "HEARD_KPI_TARGET",
    "HEARD_KPI_TOLERANCE",
    "HEARD_SUPPRESSION_THRESHOLD",
    "HEARD_SESSION_IDLE_DAYS",
    "HEARD_RETENTION_MONTHS",
    "HEARD_BASE_URL",
    "HEARD_LOG_LEVEL",
    "HEARD_LOG_FORMAT",
    "HEARD_METRICS_TOKEN",
    "HEARD_RATE_LIMIT_STORAGE",
    "HEARD_TRUSTED_CHANNELS",
    "HEARD_STAFF_IDLE_MINUTES",
    "HEARD_TRUSTED_PROXIES",
    "HEARD_NOTIFY_API_KEY",
    "HEARD_NOTIFY_SMS_TEMPLATE_ID",
    "HEARD_NOTIFY_EMAIL_TEMPLATE_ID",
    "HEARD_NOTIFY_BASE_URL",
    "HEARD_THEME_ENCODER",
)


class SettingsError(Exception):
    """A setting is wrong; str(error) is the one line to show."""


@dataclass(frozen=True)
class Settings:
    """Everything Heard reads from its environment, already checked."""

    data_dir: Path
    database_url: str
    secret_key: str = field(repr=False)
    pseudonym_key: bytes = field(repr=False)
    # A read replica for building reports (scheduled, `heard report`, dashboard); None:
    # the primary. Reports are still stored on the primary.
    report_database_url: str | None = field(default=None, repr=False)
    telegram_token: str | None = field(default=None, repr=False)
    telegram_api_url: str | None = None
    telegram_webhook_secret: str | None = field(default=None, repr=False)
    staff_chat_id: str | None = None
    alert_escalation_minutes: int = 60
    escalation_chat_id: str | None = None
    # Where alert notices go: a council's routes file, or else these addresses (and the
    # staff chat); sent through the SMTP relay, from HEARD_SMTP_FROM.
    alert_routes_file: Path | None = None
    safeguarding_emails: tuple[str, ...] = ()
    escalation_emails: tuple[str, ...] = ()
    smtp_url: str | None = field(default=None, repr=False)
    smtp_from: str | None = None
    timezone: str = "Europe/London"
    kpi_target: float = 0.80
    kpi_tolerance: float = 0.10
    suppression_threshold: int = 5
    session_idle_days: int = 14
    retention_months: int = 24
    base_url: str = "http://127.0.0.1:5000"
    rate_limit_storage: str = "memory://"
    # Staff are signed out after this long without a page (12 hours at most whatever).
    staff_idle_minutes: int = 30
    # Reverse proxies in front of the web app (0: none), for werkzeug's ProxyFix: the
    # sign-in limits then see each person's own address, not the proxy's.
    trusted_proxies: int = 0
    # The ways in whose answers count towards the headline; the rest are shown beside it.
    trusted_channels: tuple[str, ...] = ("telegram", "invite")
    log_level: str = "INFO"
    # "text" (lines) or "json" (one object a line, for a log collector).
    log_format: str = "text"
    # A bearer token for /metrics from another machine (the machine itself needs none).
    metrics_token: str | None = None
    # Texts and emails for people who use the web, through GOV.UK Notify (heard.notify_wiring).
    notify_api_key: str | None = field(default=None, repr=False)
    notify_sms_template_id: str | None = None
    notify_email_template_id: str | None = None
    # A template per language besides English (HEARD_NOTIFY_*_TEMPLATE_ID_<CODE>):
    # (code, template id) pairs, sorted; a language without one gets the default template.
    notify_sms_templates_by_language: tuple[tuple[str, str], ...] = ()
    notify_email_templates_by_language: tuple[tuple[str, str], ...] = ()
    notify_base_url: str = "https://api.notifications.service.gov.uk"
    # Whether comments are tagged with the fine-tuned theme encoder too (analysis/themes/
    # encoder.py): better themes said in other words, a few ms a comment, some short
    # comments in text-speak read wrongly (docs/operations.md, "The theme encoder").
    theme_encoder: bool = False

    @property
    def notify_enabled(self) -> bool:
        return self.notify_api_key is not None

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _read_environment(environ: Mapping[str, str], env_file: Path | None) -> dict[str, str]:
    """Environment variables win over the .env file, as twelve-factor apps expect."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        for key, value in dotenv_values(env_file).items():
            if key.startswith(PREFIX) and value is not None:
                values[key] = value
    for key, value in environ.items():
        if key.startswith(PREFIX):
            values[key] = value
    return {k: v.strip() for k, v in values.items() if v.strip() != ""}


def _number(values: dict[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = values.get(name)
    if raw is None:
        return default
    try:
        number = float(raw.rstrip("%")) / (100 if raw.endswith("%") else 1)
    except ValueError:
        raise SettingsError(
            f"{name}={raw!r} is not a number; set it to a value between {low} and {high}, "
            f"e.g. {name}={default}"
        ) from None
    if not low <= number <= high:
        raise SettingsError(
            f"{name}={raw!r} is out of range; set it to a value between {low} and {high}, "
            f"e.g. {name}={default}"
        )
    return number


def _whole(values: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = values.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise SettingsError(
            f"{name}={raw!r} must be a whole number from {low} to {high}, e.g. {name}={default}"
        )
    return int(raw)


def _secret(values: dict[str, str], name: str, data_dir: Path, filename: str) -> str:
    """Use the variable if set; otherwise generate once into the data directory."""
    if name in values:
        if len(values[name]) < 16:
            raise SettingsError(
                f"{name} is too short to be safe; use at least 16 random characters "
                f"(or unset it and Heard will generate one in {data_dir})"
            )
        return values[name]
    path = data_dir / filename
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    token = secrets.token_urlsafe(48)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(token + "\n")
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SettingsError(
            f"cannot write {path} ({exc.strerror}); set HEARD_DATA_DIR to a folder Heard may "
            f"write to, or set {name}"
        ) from None
    return token


def _database_url(values: dict[str, str], data_dir: Path) -> str:
    raw = values.get("HEARD_DATABASE_URL")
    if raw is None:
        return f"sqlite:///{(data_dir / 'heard.sqlite3').resolve()}"
    return _checked_url("HEARD_DATABASE_URL", raw)


def _report_database_url(values: dict[str, str], primary: str) -> str | None:
    raw = values.get("HEARD_REPORT_DATABASE_URL")
    if raw is None:
        return None
    url = _checked_url("HEARD_REPORT_DATABASE_URL", raw)
    if make_url(url).get_backend_name() != make_url(primary).get_backend_name():
        raise SettingsError(
            "HEARD_REPORT_DATABASE_URL must be a replica of HEARD_DATABASE_URL, on the same "
            "kind of database; unset it to build reports on the primary"
        )
    return url


def _checked_url(name: str, raw: str) -> str:
    try:
        url = make_url(raw)
    except ArgumentError:
        raise SettingsError(
            f"{name} is not a database URL; use e.g. "
            "postgresql+psycopg://USER@HOST:5432/DBNAME or sqlite:///path/heard.sqlite3"
        ) from None
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise SettingsError(
            f"{name} uses {backend!r}; Heard supports postgresql+psycopg:// and sqlite://"
        )
    if backend == "postgresql" and url.get_driver_name() not in ("psycopg", "psycopg2"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


def _emails(values: dict[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list of addresses, each checked."""
    raw = values.get(name)
    if raw is None:
        return ()
    found = [part.strip().lower() for part in raw.split(",") if part.strip()]
    for address in found:
        if not EMAIL.match(address):
            raise SettingsError(
                f"{name} has {address!r}, which is not an email address; use addresses "
                f"separated by commas, e.g. {name}=lead@council.example,deputy@council.example"
            )
    return tuple(dict.fromkeys(found))


def _mail(values: dict[str, str], wanted: bool) -> tuple[str | None, str | None]:
    """HEARD_SMTP_URL and HEARD_SMTP_FROM, checked; both needed as soon as email is."""
    from notices.email import SmtpRelay

    url, sender = values.get("HEARD_SMTP_URL"), values.get("HEARD_SMTP_FROM")
    if url is not None:
        try:
            SmtpRelay.parse(url)
        except ValueError as exc:
            raise SettingsError(
                f"HEARD_SMTP_URL is not a mail server address ({exc}); use e.g. "
                "smtp://USER:PASSWORD@relay.council.example:587 or smtps://...:465"
            ) from None
        if sender is None:
            raise SettingsError(
                "HEARD_SMTP_URL is set but HEARD_SMTP_FROM is not; set the address alert "
                "emails come from, e.g. HEARD_SMTP_FROM=heard@council.example"
            )
    elif wanted:
        raise SettingsError(
            "HEARD_SAFEGUARDING_EMAIL is set but HEARD_SMTP_URL is not, so no email could be "
            "sent; set the council's mail relay, e.g. HEARD_SMTP_URL=smtp://relay.council.example:587"
        )
    if sender is not None and not EMAIL.match(sender):
        raise SettingsError(
            f"HEARD_SMTP_FROM={sender!r} is not an email address; e.g. "
            "HEARD_SMTP_FROM=heard@council.example"
        )
    return url, sender


def _routes_file(values: dict[str, str]) -> Path | None:
    raw = values.get("HEARD_ALERT_ROUTES_FILE")
    if raw is None:
        return None
    path = Path(raw).expanduser()
    if not path.is_file():
        raise SettingsError(
            f"HEARD_ALERT_ROUTES_FILE={raw!r} is not a file; copy notices/routes.example.yaml, "
            "fill it in and point the setting at it, or unset it to send every alert to "
            "HEARD_SAFEGUARDING_EMAIL"
        )
    return path.resolve()


def load_settings(
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = Path(".env"),
    data_dir: Path | None = None,
) -> Settings:
    """Read and check every HEARD_ setting; raise SettingsError with one clear line."""
    values = _read_environment(os.environ if environ is None else environ, env_file)
    # HEARD_TEST_* belong to the test suite, not to a running Heard.
    unknown = sorted(
        k
        for k in set(values) - set(KNOWN_VARIABLES)
        if not k.startswith("HEARD_TEST_") and not NOTIFY_LANGUAGE_TEMPLATE.match(k)
    )
    if unknown:
        raise SettingsError(
            f"{unknown[0]} is not a Heard setting; check the spelling "
            f"(the README lists every HEARD_ variable)"
        )
    directory = Path(data_dir or values.get("HEARD_DATA_DIR", "heard-data")).expanduser()
    try:
        # Keys and the database live here: only the owner may look inside a new folder.
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(
            f"HEARD_DATA_DIR={str(directory)!r} cannot be created ({exc.strerror}); "
            f"choose a folder Heard may write to"
        ) from None
    timezone = values.get("HEARD_TIMEZONE", "Europe/London")
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"HEARD_TIMEZONE={timezone!r} is not a known time zone; use a name like Europe/London"
        ) from None
    api_url = values.get("HEARD_TELEGRAM_API_URL")
    if api_url is not None and not api_url.startswith(("http://", "https://")):
        raise SettingsError(
            "HEARD_TELEGRAM_API_URL must start with http:// or https://, "
            "e.g. http://127.0.0.1:8081/bot"
        )
    base_url = values.get("HEARD_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    if not base_url.startswith(("http://", "https://")):
        raise SettingsError("HEARD_BASE_URL must start with http:// or https://")
    log_level = values.get("HEARD_LOG_LEVEL", "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise SettingsError("HEARD_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR")
    log_format = values.get("HEARD_LOG_FORMAT", "text").lower()
    if log_format not in ("text", "json"):
        raise SettingsError("HEARD_LOG_FORMAT must be text or json")
    metrics_token = values.get("HEARD_METRICS_TOKEN") or None
    if metrics_token is not None and len(metrics_token) < 16:
        raise SettingsError(
            "HEARD_METRICS_TOKEN is too short to be safe; use at least 16 random characters"
        )
    database_url = _database_url(values, directory)
    safeguarding_emails = _emails(values, "HEARD_SAFEGUARDING_EMAIL")
    escalation_emails = _emails(values, "HEARD_ESCALATION_EMAIL")
    smtp_url, smtp_from = _mail(values, wanted=bool(safeguarding_emails or escalation_emails))
    return Settings(
        data_dir=directory,
        database_url=database_url,
        report_database_url=_report_database_url(values, database_url),
        secret_key=_secret(values, "HEARD_SECRET_KEY", directory, "secret_key"),
        pseudonym_key=_secret(values, "HEARD_PSEUDONYM_KEY", directory, "pseudonym_key").encode(),
        telegram_token=values.get("HEARD_TELEGRAM_TOKEN"),
        telegram_api_url=api_url,
        telegram_webhook_secret=values.get("HEARD_TELEGRAM_WEBHOOK_SECRET"),
        staff_chat_id=values.get("HEARD_STAFF_CHAT_ID"),
        alert_escalation_minutes=_whole(values, "HEARD_ALERT_ESCALATION_MINUTES", 60, 1, 10080),
        escalation_chat_id=values.get("HEARD_ESCALATION_CHAT_ID"),
        alert_routes_file=_routes_file(values),
        safeguarding_emails=safeguarding_emails,
        escalation_emails=escalation_emails,
        smtp_url=smtp_url,
        smtp_from=smtp_from,
        timezone=timezone,
        kpi_target=_number(values, "HEARD_KPI_TARGET", 0.80, 0.0, 1.0),
        kpi_tolerance=_number(values, "HEARD_KPI_TOLERANCE", 0.10, 0.0, 1.0),
        suppression_threshold=_whole(values, "HEARD_SUPPRESSION_THRESHOLD", 5, 1, 100),
        session_idle_days=_whole(values, "HEARD_SESSION_IDLE_DAYS", 14, 1, 365),
        retention_months=_whole(values, "HEARD_RETENTION_MONTHS", 24, 1, 240),
        base_url=base_url,
        log_level=log_level,
        log_format=log_format,
        metrics_token=metrics_token,
        rate_limit_storage=_rate_limit_storage(values),
        staff_idle_minutes=_whole(values, "HEARD_STAFF_IDLE_MINUTES", 30, 1, 720),
        trusted_proxies=_whole(values, "HEARD_TRUSTED_PROXIES", 0, 0, 5),
        trusted_channels=_trusted_channels(values),
        theme_encoder=_switch(values, "HEARD_THEME_ENCODER", False),
        **_notify(values),  # type: ignore[arg-type]  # keys and types checked in _notify
    )


def theme_encoder_chosen(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> bool:
    """HEARD_THEME_ENCODER alone, for `heard analyse-text`, which needs no data folder
    (load_settings would create one, and its keys)."""
    values = _read_environment(os.environ if environ is None else environ, env_file)
    return _switch(values, "HEARD_THEME_ENCODER", False)


_ON = ("on", "true", "yes", "1")
_OFF = ("off", "false", "no", "0")


def _switch(values: Mapping[str, str], name: str, default: bool) -> bool:
    raw = values.get(name)  # already stripped, and absent when empty
    if raw is None:
        return default
    word = raw.lower()
    if word not in _ON + _OFF:
        shown = raw if len(raw) <= 40 else raw[:40] + "..."
        raise SettingsError(f"{name}={shown!r} must be on or off (or yes/no, true/false, 1/0)")
    return word in _ON


_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
NOTIFY_KEY = re.compile(rf"^[A-Za-z0-9_.\- ]*-?{_UUID}-{_UUID}$")
NOTIFY_LANGUAGE_TEMPLATE = re.compile(r"^HEARD_NOTIFY_(SMS|EMAIL)_TEMPLATE_ID_([A-Za-z]+)$")


def _notify_by_language(
    values: Mapping[str, str], templates: Mapping[str, str | None]
) -> dict[str, tuple[tuple[str, str], ...]]:
    """HEARD_NOTIFY_SMS_TEMPLATE_ID_AR and the like: the council's Notify template for
    people in that language, one for each shipped language besides English at most."""
    from surveys.languages import DEFAULT, shipped_codes

    others = [code for code in shipped_codes() if code != DEFAULT]
    choices = ", ".join(f"_{code.upper()}" for code in others) or "none yet"
    found: dict[str, dict[str, str]] = {"sms": {}, "email": {}}
    for variable in sorted(values):
        match = NOTIFY_LANGUAGE_TEMPLATE.match(variable)
        if match is None:
            continue
        kind, code = match.group(1).lower(), match.group(2).lower()
        default = f"HEARD_NOTIFY_{kind.upper()}_TEMPLATE_ID"
        value = values[variable]
        if code == DEFAULT:
            raise SettingsError(
                f"{variable}: English is the default template; set {default} instead"
            )
        if code not in others or match.group(2) != code.upper():
            raise SettingsError(
                f"{variable} is not for a language Heard ships; end it with the language "
                f"code in capitals, one of {choices} (surveys/languages.yaml), or remove it"
            )
        if not re.fullmatch(_UUID, value):
            raise SettingsError(
                f"{variable} is not a Notify template ID; copy the ID from the template's "
                "page in GOV.UK Notify, e.g. f33517ff-2a88-4f6e-b855-c550268ce08a"
            )
        if not templates.get(f"notify_{kind}_template_id"):
            raise SettingsError(
                f"{variable} is set but {default} is not; set {default} to the default "
                "(English) template, which everyone else gets, or remove this one"
            )
        found[kind][code] = value
    return {
        f"notify_{kind}_templates_by_language": tuple(sorted(pairs.items()))
        for kind, pairs in found.items()
    }


def _notify(values: Mapping[str, str]) -> dict[str, object]:
    """HEARD_NOTIFY_*: the API key Notify gave (name, service id, secret), the template for
    texts and/or emails (and per language), and (for tests) another address for Notify's API."""
    key = values.get("HEARD_NOTIFY_API_KEY")
    templates = {
        "notify_sms_template_id": values.get("HEARD_NOTIFY_SMS_TEMPLATE_ID"),
        "notify_email_template_id": values.get("HEARD_NOTIFY_EMAIL_TEMPLATE_ID"),
    }
    for name, value in templates.items():
        variable = "HEARD_" + name.upper()
        if value is not None and not re.fullmatch(_UUID, value):
            raise SettingsError(
                f"{variable} is not a Notify template ID; copy the ID from the template's "
                "page in GOV.UK Notify, e.g. f33517ff-2a88-4f6e-b855-c550268ce08a"
            )
        if value is not None and key is None:
            raise SettingsError(
                f"{variable} is set but HEARD_NOTIFY_API_KEY is not; set the API key from "
                "GOV.UK Notify's API integration page, or unset the template ID"
            )
    if key is not None:
        if not NOTIFY_KEY.match(key):
            raise SettingsError(
                "HEARD_NOTIFY_API_KEY is not a GOV.UK Notify API key; copy the whole key "
                "from Notify's API integration page (its name, then two long IDs)"
            )
        if not any(templates.values()):
            raise SettingsError(
                "HEARD_NOTIFY_API_KEY is set but no template is; set "
                "HEARD_NOTIFY_SMS_TEMPLATE_ID and/or HEARD_NOTIFY_EMAIL_TEMPLATE_ID to the "
                "ID of a Notify template with ((link)) and ((stop_link)) in it"
            )
    base = values.get("HEARD_NOTIFY_BASE_URL") or "https://api.notifications.service.gov.uk"
    if not base.startswith(("http://", "https://")):
        raise SettingsError(
            "HEARD_NOTIFY_BASE_URL must start with https://; leave it unset to use GOV.UK Notify"
        )
    return {
        "notify_api_key": key,
        "notify_base_url": base.rstrip("/"),
        **templates,
        **_notify_by_language(values, templates),
    }


CHANNEL_CHOICES = ("telegram", "invite", "open_link", "webchat")


def _trusted_channels(values: Mapping[str, str]) -> tuple[str, ...]:
    raw = values.get("HEARD_TRUSTED_CHANNELS")
    if raw is None or not raw.strip():
        return ("telegram", "invite")
    chosen = tuple(dict.fromkeys(part.strip().lower() for part in raw.split(",") if part.strip()))
    unknown = [part for part in chosen if part not in CHANNEL_CHOICES]
    if unknown:
        raise SettingsError(
            f"HEARD_TRUSTED_CHANNELS has {unknown[0]!r}; choose from {', '.join(CHANNEL_CHOICES)}, "
            "e.g. HEARD_TRUSTED_CHANNELS=telegram,invite"
        )
    return chosen


def _rate_limit_storage(values: Mapping[str, str]) -> str:
    """Where the public pages count requests: memory:// (one process) or Redis."""
    raw = (values.get("HEARD_RATE_LIMIT_STORAGE") or "memory://").strip()
    if not raw.startswith(("memory://", "redis://", "rediss://", "redis+unix://")):
        raise SettingsError(
            f"HEARD_RATE_LIMIT_STORAGE must be memory:// or a Redis URL such as "
            f"redis://127.0.0.1:6379/0, not {raw.split('://')[0]!r}"
        )
    return raw


def describe_database(url: str) -> str:
    """The database URL with any password hidden, safe for logs and messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparseable URL)"
