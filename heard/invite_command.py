"""`heard invite`: single-use survey links (and QR codes) for a social worker or carer to hand out.

A link is tied to a survey, a cohort and an age band, never to a name. Tokens
are shown once, here, and only their hashes are kept, so print or save them now.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path

from heard.errors import CommandError
from heard.settings import Settings
from heard.wiring import open_database
from storage.db import transaction
from storage.invites import close_open_links, issue_invite
from surveys.definition import load_catalogue
from surveys.people import ProfileError, check_profile

MAX_COUNT = 1000
_BATCH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
CSV_COLUMNS = ("link", "batch", "survey", "cohort", "age_band", "open_link", "qr_file")


def _checked(args: argparse.Namespace) -> tuple[str, str, str, int, bool, str]:
    given = {"--survey": args.survey, "--cohort": args.cohort, "--age-band": args.age_band}
    missing = [flag for flag, value in given.items() if not value]
    if missing:
        raise CommandError(
            f"say which links to make: {', '.join(missing)} "
            "(or --close BATCH to switch off an event link)"
        )
    catalogue = load_catalogue()
    survey = catalogue.get(args.survey)
    if survey is None:
        raise CommandError(
            f"there is no survey {args.survey!r}; choose one of {', '.join(sorted(catalogue))}"
        )
    try:
        check_profile(args.cohort, args.age_band)
    except ProfileError as error:
        raise CommandError(str(error)) from None
    if args.cohort not in survey.audience.cohorts or args.age_band not in survey.audience.age_bands:
        raise CommandError(
            f"{survey.id} is for {', '.join(survey.audience.cohorts)} aged "
            f"{', '.join(survey.audience.age_bands)}; pick a matching --cohort and --age-band"
        )
    open_link = bool(getattr(args, "open", False))
    count = 1 if args.count is None else args.count
    if open_link and count != 1:
        raise CommandError("an open event link is one link that many people use; leave out --count")
    if not 1 <= count <= MAX_COUNT:
        raise CommandError(f"--count must be from 1 to {MAX_COUNT}")
    batch = getattr(args, "batch", None) or (
        f"{survey.id}-{datetime.now(UTC):%Y%m%d-%H%M}-{secrets.token_hex(2)}"
    )
    if not _BATCH.match(batch):
        raise CommandError("--batch may use letters, digits, - and _ (at most 64 characters)")
    return survey.id, args.cohort, args.age_band, count, open_link, batch


def close_event_link(batch: str, settings: Settings) -> int:
    database = open_database(settings)
    try:
        with transaction(database.sessions) as session:
            closed = close_open_links(session, batch)
    finally:
        database.close()
    if not closed:
        raise CommandError(
            f"batch {batch!r} has no open event link to close; check the name with the "
            "dashboard's Invite links page"
        )
    print(f"Closed the open event link of batch {batch}. Answers already given are kept.")
    return 0


def run_invite(args: argparse.Namespace, settings: Settings) -> int:
    if getattr(args, "close", None):
        return close_event_link(args.close, settings)
    survey_id, cohort, age_band, count, open_link, batch = _checked(args)
    database = open_database(settings)
    try:
        with transaction(database.sessions) as session:
            tokens = [
                issue_invite(
                    session,
                    survey_id=survey_id,
                    cohort=cohort,
                    age_band=age_band,
                    batch=batch,
                    open_link=open_link,
                )[1]
                for _ in range(count)
            ]
    finally:
        database.close()
    links = [f"{settings.base_url}/s/{token}" for token in tokens]
    qr_files = _write_qr_codes(Path(args.qr), batch, links) if args.qr else [""] * len(links)
    rows = [
        {
            "link": link,
            "batch": batch,
            "survey": survey_id,
            "cohort": cohort,
            "age_band": age_band,
            "open_link": "yes" if open_link else "no",
            "qr_file": qr_file,
        }
        for link, qr_file in zip(links, qr_files, strict=True)
    ]
    if args.csv:
        _write_private(Path(args.csv), _csv_text(rows))
        where = f"written to {args.csv}"
    else:
        sys.stdout.write(_csv_text(rows))
        where = "printed above"
    kind = "open event link" if open_link else f"single-use link{'s' if count != 1 else ''}"
    print(
        f"{count} {kind} for {survey_id} ({cohort}, {age_band}) in batch {batch}, {where}"
        + (f"; QR codes in {args.qr}" if args.qr else "")
        + ". Keep them safe: Heard cannot show them again.",
        file=sys.stderr,
    )
    return 0


def _csv_text(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _write_private(path: Path, text: str) -> None:
    """Links are keys to a child's answers: only the owner of the file may read it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def _write_qr_codes(folder: Path, batch: str, links: list[str]) -> list[str]:
    import qrcode

    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for number, link in enumerate(links, start=1):
        name = f"{batch}-{number:03d}.png"
        image = qrcode.make(link, error_correction=qrcode.constants.ERROR_CORRECT_M)
        image.save(str(folder / name))
        names.append(str(folder / name))
    return names
