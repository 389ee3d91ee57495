"""`heard import-responses FILE.csv`: load historic results, all or nothing (or --skip-invalid)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.importer import (
    FORMAT_HELP,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    UnreadableCsv,
    import_rows,
    read_rows,
)
from heard.errors import CommandError
from heard.settings import Settings
from heard.wiring import open_database
from storage.db import transaction
from surveys.definition import load_catalogue

SHOW_AT_MOST = 100
EXIT_INVALID = 1


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"{path} not found; give the path of a CSV file ({FORMAT_HELP})")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header, rows = read_rows(handle)
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text; save it as 'CSV UTF-8'") from None
    except UnreadableCsv as exc:
        raise CommandError(f"{path}, {exc}") from None
    _check_shape(path, header, rows)
    catalogue = load_catalogue()
    database = open_database(settings)
    try:
        with transaction(database.sessions) as session:
            result = import_rows(
                session,
                header,
                rows,
                catalogue,
                pseudonym_key=settings.pseudonym_key,
                timezone=settings.timezone,
                skip_invalid=args.skip_invalid,
            )
    finally:
        database.close()
    errors = result.validation.errors
    for error in errors[:SHOW_AT_MOST]:
        print(f"{path.name}: {error}", file=sys.stderr)
    if len(errors) > SHOW_AT_MOST:
        print(f"... and {len(errors) - SHOW_AT_MOST} more problems.", file=sys.stderr)
    bad = len(result.validation.bad_rows)
    total = result.validation.total
    if result.written is None:
        print(
            f"Nothing was imported: {bad} of {total} rows have problems (listed above). "
            f"Fix them, or add --skip-invalid to import the {total - bad} valid rows.",
            file=sys.stderr,
        )
        return EXIT_INVALID
    written = result.written
    if written.answers == 0:
        raise CommandError(
            f"nothing was imported from {path.name}: none of its {total} rows could be "
            "read (listed above); fix them and import the file again"
        )
    print(
        f"Imported {written.answers} answers in {written.sessions} check-ins "
        f"({written.respondents_created} new people, {written.comments} comments) from {path.name}."
    )
    if bad:
        print(f"Skipped {bad} rows with problems (listed above).")
    return 0


def _check_shape(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    """A file that is empty, has the wrong first row or no rows is refused in one line,
    before anything is read against the catalogue: no row of it could be imported."""
    if not any(header):
        raise CommandError(
            f"{path.name} is empty; its first row must name the columns ({FORMAT_HELP})"
        )
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    unknown = [c for c in header if c and c not in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)]
    if missing or unknown:
        problems = [f"missing: {', '.join(missing)}"] if missing else []
        problems += [f"not Heard's: {', '.join(unknown)}"] if unknown else []
        raise CommandError(
            f"{path.name}'s first row is not the results header ({'; '.join(problems)}). "
            f"Expected {FORMAT_HELP}"
        )
    if not rows:
        raise CommandError(f"{path.name} has its header but no rows below it: nothing to import")
