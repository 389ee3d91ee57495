"""`heard backup DIR` and `heard restore DIR`: a copy of everything needed to read Heard's
data again, and the way back from it.

A backup is a folder (0700, every file 0600) holding:

- the database: SQLite copied through its online backup API, so the web app, the bot and
  the scheduler may keep writing while it runs and the copy is still one consistent
  moment; PostgreSQL through `pg_dump --format=custom`, run inside an exported snapshot
  so the row counts in the manifest are exactly what the dump holds;
- the keys (HEARD_PSEUDONYM_KEY, from which the key that seals contact details is
  derived, and HEARD_SECRET_KEY): without them pseudonyms no longer match and nobody's
  contact details can be opened. The backup therefore says loudly that it holds keys;
- manifest.json: Heard's version, the schema revision, when, rows per table and the
  sha256 of every file, which `heard restore` checks before it touches anything.

Restore refuses to write over a database that holds rows unless --force, restores,
checks the rows against the manifest, brings the schema forward if the backup is from an
older Heard, and prints the rows per table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import make_url

from heard.errors import CommandError
from heard.settings import Settings, describe_database

FORMAT = 1
MANIFEST = "manifest.json"
WARNING_FILE = "THIS-BACKUP-CONTAINS-KEYS.txt"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
KEYS = {"pseudonym_key": "HEARD_PSEUDONYM_KEY", "secret_key": "HEARD_SECRET_KEY"}
LAST_BACKUP = "last_backup.json"
WARNING = """\
THIS BACKUP CONTAINS HEARD'S KEYS.

keys/pseudonym_key (HEARD_PSEUDONYM_KEY) opens every sealed contact detail in this
backup (how to reach a child who asked for someone to get in touch, mobile numbers and
email addresses) and links pseudonyms back to Telegram accounts. keys/secret_key
(HEARD_SECRET_KEY) signs staff sign-ins and links.

Anyone with this folder can read what children told the council and how to reach them.
Keep it where only the people who run Heard can read it (this folder is 0700 and its
files 0600), encrypt it when it leaves the server, and delete old copies on the
council's retention schedule.

Restore with:  heard restore THIS-FOLDER
"""


# ------------------------------------------------------------------ small helpers


def heard_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("heard")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout
        return "unknown"


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read (0600), whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _kind(url: str) -> str:
    return make_url(url).get_backend_name()


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise CommandError("HEARD_DATABASE_URL is an in-memory SQLite database; nothing to copy")
    return Path(database)


def _table_counts(connection: Connection) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in sorted(inspect(connection).get_table_names()):
        count = connection.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()
        counts[table] = int(count)
    return counts


def _revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string for pg_dump/pg_restore and an environment carrying the
    password (never on the command line, where `ps` would show it)."""
    from psycopg.conninfo import make_conninfo

    parsed = make_url(url)
    parts: dict[str, Any] = {"dbname": parsed.database or "postgres"}
    if parsed.host:
        parts["host"] = parsed.host
    if parsed.port:
        parts["port"] = str(parsed.port)
    if parsed.username:
        parts["user"] = parsed.username
    for key, value in parsed.query.items():
        parts[key] = value if isinstance(value, str) else value[-1]
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return make_conninfo(**parts), env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise CommandError(
            f"{name} is not on the PATH, and Heard needs it to back up or restore PostgreSQL; "
            "install the PostgreSQL client tools of your server's version "
            "(e.g. apt install postgresql-client) and try again"
        )
    return found


def _run_tool(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        reason = lines[0] if lines else f"exit {result.returncode}"
        raise CommandError(f"{what} failed: {reason}")


def _open_engine(settings: Settings) -> Engine:
    from storage.db import check_connection, make_engine

    engine = make_engine(settings.database_url)
    check_connection(engine)
    return engine


# ------------------------------------------------------------------ backup


@contextmanager
def _fresh_folder(target: Path) -> Iterator[Path]:
    """Build the backup next to `target` and move it into place only when complete, so a
    failed backup never leaves a folder that looks like a good one."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise CommandError(
            f"{target} is not an empty folder; give each backup a new folder, "
            f"e.g. heard backup {target / _now().strftime('%Y-%m-%dT%H%M%SZ')}"
        )
    parent = target.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=parent))
    except OSError as exc:
        raise CommandError(f"cannot write a backup in {parent} ({exc.strerror})") from None
    os.chmod(work, 0o700)
    try:
        yield work
        if target.exists():
            target.rmdir()
        work.rename(target)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


def _backup_sqlite(settings: Settings, folder: Path) -> tuple[dict[str, int], str | None]:
    source_path = _sqlite_path(settings.database_url)
    if not source_path.is_file():
        raise CommandError(
            f"there is no database at {source_path}; run `heard init` first, or check "
            "HEARD_DATABASE_URL"
        )
    copy = folder / SQLITE_FILE
    write_private(copy, b"")
    with closing(sqlite3.connect(source_path, timeout=30)) as source:
        source.execute("PRAGMA busy_timeout=30000")
        with closing(sqlite3.connect(copy)) as target:
            # One step (pages=-1): the whole database as of one read transaction. In WAL
            # mode writers carry on meanwhile; what they write after it began is not in it.
            source.backup(target, pages=-1)
            # A single self-contained file: no -wal beside it.
            target.execute("PRAGMA journal_mode=DELETE")
            integrity = target.execute("PRAGMA integrity_check").fetchone()
            if not integrity or integrity[0] != "ok":
                raise CommandError(f"the copy of {source_path} failed its integrity check")
    from storage.db import make_engine

    engine = make_engine(f"sqlite:///{copy}")
    try:
        with engine.connect() as connection:
            counts = _table_counts(connection)
            revision = _revision(connection)
    finally:
        engine.dispose()
    os.chmod(copy, 0o600)
    return counts, revision


def _backup_postgres(settings: Settings, folder: Path) -> tuple[dict[str, int], str | None]:
    pg_dump = _pg_tool("pg_dump")
    conninfo, env = libpq_target(settings.database_url)
    dump = folder / PG_FILE
    engine = _open_engine(settings)
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                # pg_dump reads the very snapshot the counts were taken in.
                snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                counts = _table_counts(connection)
                revision = _revision(connection)
                _run_tool(
                    [
                        pg_dump,
                        "--format=custom",
                        "--no-owner",
                        "--no-privileges",
                        f"--snapshot={snapshot}",
                        f"--file={dump}",
                        f"--dbname={conninfo}",
                    ],
                    env,
                    "pg_dump",
                )
    finally:
        engine.dispose()
    os.chmod(dump, 0o600)
    return counts, revision


def _keys_in(settings: Settings) -> dict[str, bytes]:
    return {
        "pseudonym_key": settings.pseudonym_key,
        "secret_key": settings.secret_key.encode(),
    }


def make_backup(settings: Settings, target: Path) -> dict[str, Any]:
    """Write a complete backup into `target` (a new or empty folder); its manifest."""
    kind = _kind(settings.database_url)
    with _fresh_folder(target) as folder:
        if kind == "sqlite":
            counts, revision = _backup_sqlite(settings, folder)
            database_file = SQLITE_FILE
        else:
            counts, revision = _backup_postgres(settings, folder)
            database_file = PG_FILE
        keys = folder / "keys"
        keys.mkdir(mode=0o700)
        os.chmod(keys, 0o700)
        for name, value in _keys_in(settings).items():
            write_private(keys / name, value + b"\n")
        write_private(folder / WARNING_FILE, WARNING.encode())
        files = sorted(
            str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()
        )
        manifest: dict[str, Any] = {
            "kind": "heard-backup",
            "format": FORMAT,
            "warning": "This backup contains Heard's keys; see " + WARNING_FILE,
            "heard_version": heard_version(),
            "schema_revision": revision,
            "created_at": _now().isoformat(),
            "database": kind,
            "database_file": database_file,
            "row_counts": counts,
            "keys": {name: f"keys/{name}" for name in KEYS},
            "files": {name: sha256_of(folder / name) for name in files},
        }
        write_private(folder / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode())
    record = {"at": manifest["created_at"], "folder": str(target.absolute())}
    write_private(settings.data_dir / LAST_BACKUP, (json.dumps(record) + "\n").encode())
    return manifest


def last_backup(settings: Settings) -> dict[str, str] | None:
    """When and where the last `heard backup` of this data folder went, if ever."""
    path = settings.data_dir / LAST_BACKUP
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or "at" not in record:
        return None
    return {str(k): str(v) for k, v in record.items()}


def run_backup(args: argparse.Namespace, settings: Settings) -> int:
    target = Path(args.dir).expanduser()
    manifest = make_backup(settings, target)
    rows = sum(manifest["row_counts"].values())
    print(
        f"Backed up {describe_database(settings.database_url)} to {target} "
        f"({rows} rows in {len(manifest['row_counts'])} tables, "
        f"schema {manifest['schema_revision']})."
    )
    print(
        "WARNING: this backup contains Heard's keys (pseudonym and sealing keys): anyone "
        "with it can read what children said and how to reach them. Keep it private and "
        "encrypted."
    )
    return 0


# ------------------------------------------------------------------ restore


def read_manifest(folder: Path) -> dict[str, Any]:
    """The backup's manifest, with every file present and unchanged; else CommandError."""
    path = folder / MANIFEST
    if not path.is_file():
        raise CommandError(
            f"{folder} is not a Heard backup (no {MANIFEST}); give the folder `heard backup` wrote"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"{path} cannot be read ({exc}); the backup is damaged") from None
    if not isinstance(manifest, dict) or manifest.get("kind") != "heard-backup":
        raise CommandError(f"{path} is not a Heard backup manifest")
    if manifest.get("format") != FORMAT:
        raise CommandError(
            f"{path} is backup format {manifest.get('format')!r}; this Heard reads format "
            f"{FORMAT}; restore with the Heard version that made it "
            f"({manifest.get('heard_version')})"
        )
    files = manifest.get("files")
    if not isinstance(files, dict) or manifest.get("database_file") not in files:
        raise CommandError(f"{path} lists no database file; the backup is damaged")
    for name, expected in files.items():
        member = folder / name
        if not member.is_file():
            raise CommandError(f"{member} is missing; the backup is incomplete")
        if sha256_of(member) != expected:
            raise CommandError(
                f"{member} has changed since the backup was made (sha256 differs); "
                "use another backup"
            )
    for name in KEYS:
        if f"keys/{name}" not in files:
            raise CommandError(f"{folder} has no keys/{name}; the backup is incomplete")
    return manifest


def _check_revision(revision: str | None) -> None:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError as AlembicError

    from storage.migrate import alembic_config

    if revision is None:
        return
    script = ScriptDirectory.from_config(alembic_config(None))  # type: ignore[arg-type]
    try:
        known = script.get_revision(revision)
    except AlembicError:
        known = None
    if known is None:
        raise CommandError(
            f"the backup's schema ({revision}) is newer than this Heard knows; upgrade Heard "
            "to the version that made the backup, then restore"
        )


def _rows_held(engine: Engine) -> int:
    with engine.connect() as connection:
        counts = _table_counts(connection)
    return sum(n for table, n in counts.items() if table != "alembic_version")


def _key_sources(settings: Settings) -> dict[str, str]:
    """Which keys come from the environment (file content differs or no file)."""
    current = _keys_in(settings)
    found: dict[str, str] = {}
    for name, variable in KEYS.items():
        path = settings.data_dir / name
        try:
            on_disk = path.read_bytes().strip()
        except OSError:
            on_disk = b""
        found[name] = "file" if on_disk == current[name] else variable
    return found


def _restore_keys(settings: Settings, folder: Path, stamp: str, *, keep_old: bool) -> list[str]:
    sources = _key_sources(settings)
    current = _keys_in(settings)
    restored: list[str] = []
    for name, variable in KEYS.items():
        wanted = (folder / "keys" / name).read_bytes().strip()
        if sources[name] != "file":
            if wanted != current[name]:
                raise CommandError(
                    f"{variable} is set in the environment and differs from the backup's key; "
                    f"set {variable} to the contents of {folder / 'keys' / name} (or unset it) "
                    "and restore again, or the restored data cannot be read"
                )
            continue
        path = settings.data_dir / name
        if keep_old and path.is_file() and path.read_bytes().strip() != wanted:
            # Kept, never lost: the data being replaced was sealed with it.
            kept = path.with_name(f"{name}.before-restore-{stamp}")
            path.rename(kept)
            os.chmod(kept, 0o600)
        write_private(path, wanted + b"\n")
        restored.append(name)
    return restored


def _restore_sqlite(settings: Settings, source: Path) -> None:
    target = _sqlite_path(settings.database_url)
    if not target.parent.is_dir():
        raise CommandError(
            f"the folder {target.parent} for the SQLite database does not exist; create it, "
            "or check HEARD_DATABASE_URL"
        )
    if not target.exists():
        write_private(target, b"")
    with (
        closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup,
        closing(sqlite3.connect(target, timeout=30)) as live,
    ):
        live.execute("PRAGMA busy_timeout=30000")
        backup.backup(live, pages=-1)
        live.execute("PRAGMA journal_mode=WAL")
    for suffix in ("", "-wal", "-shm"):
        extra = Path(f"{target}{suffix}")
        if extra.exists():
            os.chmod(extra, 0o600)


def _restore_postgres(settings: Settings, source: Path, replace: bool) -> None:
    pg_restore = _pg_tool("pg_restore")
    conninfo, env = libpq_target(settings.database_url)
    command = [
        pg_restore,
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={conninfo}",
    ]
    if replace:
        command[1:1] = ["--clean", "--if-exists"]
    _run_tool([*command, str(source)], env, "pg_restore")


def restore_backup(
    settings: Settings, folder: Path, *, force: bool = False
) -> tuple[dict[str, int], list[str]]:
    """Restore `folder` into the configured database and data folder: rows per table, and
    the key files written (a key set in the environment is checked, not written)."""
    from storage.migrate import head_revision, upgrade

    manifest = read_manifest(folder)
    kind = _kind(settings.database_url)
    if manifest.get("database") != kind:
        raise CommandError(
            f"the backup is of a {manifest.get('database')} database but HEARD_DATABASE_URL "
            f"is {kind}; set HEARD_DATABASE_URL to a {manifest.get('database')} database"
        )
    _check_revision(manifest.get("schema_revision"))
    if kind == "sqlite":
        path = _sqlite_path(settings.database_url)
        engine = None if not path.exists() else _open_engine(settings)
    else:
        engine = _open_engine(settings)
    held = 0 if engine is None else _rows_held(engine)
    if engine is not None:
        engine.dispose()
    if held and not force:
        raise CommandError(
            f"{describe_database(settings.database_url)} already holds {held} rows; restore "
            "into an empty database, or add --force to replace them with the backup"
        )
    stamp = _now().strftime("%Y%m%dT%H%M%SZ")
    # Keys first: a mismatch with a key set in the environment stops before any data moves.
    written = _restore_keys(settings, folder, stamp, keep_old=held > 0)
    source = folder / str(manifest["database_file"])
    if kind == "sqlite":
        _restore_sqlite(settings, source)
    else:
        _restore_postgres(settings, source, replace=held > 0)
    engine = _open_engine(settings)
    try:
        with engine.connect() as connection:
            restored = _table_counts(connection)
        expected: dict[str, int] = manifest.get("row_counts") or {}
        for table, count in expected.items():
            if restored.get(table) != count:
                raise CommandError(
                    f"after restoring, {table} has {restored.get(table)} rows but the backup "
                    f"says {count}; the database may have been written to during the restore"
                )
        if manifest.get("schema_revision") != head_revision():
            upgrade(engine)
        with engine.connect() as connection:
            return _table_counts(connection), written
    finally:
        engine.dispose()


def run_restore(args: argparse.Namespace, settings: Settings) -> int:
    folder = Path(args.dir).expanduser()
    manifest = read_manifest(folder)
    counts, written = restore_backup(settings, folder, force=args.force)
    from storage.migrate import head_revision

    print(
        f"Restored the backup of {manifest['created_at']} (Heard {manifest['heard_version']}, "
        f"schema {manifest['schema_revision']}) into "
        f"{describe_database(settings.database_url)}; schema now {head_revision()}."
    )
    width = max((len(table) for table in counts), default=0)
    for table, count in counts.items():
        if table != "alembic_version":
            print(f"  {table:<{width}}  {count}")
    if written:
        print(f"Keys restored into {settings.data_dir} (0600): {', '.join(written)}.")
    if len(written) < len(KEYS):
        print("The keys set in the environment match the backup's.")
    print("Start Heard again, then run `heard doctor`.")
    return 0


def configure_parsers(commands: Any) -> None:
    """`heard backup DIR` and `heard restore DIR [--force]`."""
    backup = commands.add_parser(
        "backup",
        help="copy the database and keys into a new folder (safe while Heard runs)",
    )
    backup.add_argument("dir", metavar="DIR", help="a new or empty folder")
    restore = commands.add_parser(
        "restore", help="restore a `heard backup` folder (database and keys)"
    )
    restore.add_argument("dir", metavar="DIR", help="the folder `heard backup` wrote")
    restore.add_argument(
        "--force", action="store_true", help="replace a database that already holds rows"
    )
    backup.set_defaults(handler=_cmd_backup)
    restore.set_defaults(handler=_cmd_restore)


def _cmd_backup(args: argparse.Namespace) -> int:
    from heard.cli import settings_for

    return run_backup(args, settings_for(args))


def _cmd_restore(args: argparse.Namespace) -> int:
    from heard.cli import settings_for

    return run_restore(args, settings_for(args))
