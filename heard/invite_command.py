"""`heard invite`: single-use survey links (and QR codes) for a social worker or carer to hand out.

A link is tied to a survey, a cohort and an age band, never to a name. Tokens
are shown once, here, and only their hashes are kept, so print or save them now.

With --mobile or --email (and --child-agreed: the child said yes to it), the one link
is not printed: it is sent to the child by text or email through GOV.UK Notify, now
or, in quiet hours, by the scheduler's next round; the number or address is kept
sealed, with when and how the child agreed, and later check-in links go the same way.
With --language (e.g. ar) the messages use the council's Notify template for that
language when it has one (else the English one); only the code is kept with the contact.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path

from heard.errors import CommandError
from heard.settings import Settings
from heard.wiring import open_database
from notices.notify import ContactProblem, check_contact, masked
from storage.db import transaction
from storage.invites import close_open_links, issue_invite
from storage.private_files import private_folder, write_private_bytes, write_private_text
from storage.web_contacts import Contact
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


def add_contact_arguments(invite: argparse.ArgumentParser) -> None:
    invite.add_argument(
        "--mobile",
        help="send the link to the child's UK mobile by text (needs --child-agreed)",
    )
    invite.add_argument(
        "--email", help="send the link to the child's email address (needs --child-agreed)"
    )
    invite.add_argument(
        "--child-agreed",
        action="store_true",
        help="the child said yes to Heard keeping their number or email to send check-in links",
    )
    invite.add_argument(
        "--language",
        metavar="CODE",
        help="the language for the child's texts or emails, e.g. ar (default: English)",
    )


def _language(args: argparse.Namespace, contact: Contact | None) -> str | None:
    """The checked --language code; None for English (the default template)."""
    from surveys.languages import DEFAULT, english_name, shipped_codes

    raw = getattr(args, "language", None)
    if raw is None:
        return None
    code = str(raw).strip().lower()
    codes = shipped_codes()
    if code not in codes:
        choices = ", ".join(f"{c} ({english_name(c)})" for c in codes)
        raise CommandError(
            f"--language {raw!r} is not a language Heard speaks; use one of {choices}"
        )
    if contact is None:
        raise CommandError(
            "--language is for a link sent by text or email (with --mobile or --email); "
            "on a printed link the child chooses their language on the page"
        )
    return None if code == DEFAULT else code


def _contact(args: argparse.Namespace) -> Contact | None:
    """The child's mobile or email, checked; None when the link is to be printed."""
    mobile, email = getattr(args, "mobile", None), getattr(args, "email", None)
    if mobile is None and email is None:
        return None
    if mobile is not None and email is not None:
        raise CommandError("give the child's --mobile or their --email, not both")
    if not getattr(args, "child_agreed", False):
        raise CommandError(
            "ask the child first: Heard keeps their number or email only if they agree. "
            "If they said yes, add --child-agreed"
        )
    if getattr(args, "open", False) or (args.count or 1) != 1 or args.csv or args.qr:
        raise CommandError(
            "a link sent by text or email is one single-use link for one child; leave out "
            "--open, --count, --csv and --qr"
        )
    try:
        if mobile is not None:
            return check_contact("sms", mobile)
        return check_contact("email", str(email))
    except ContactProblem as problem:
        raise CommandError(str(problem)) from None


def send_first_link(
    args: argparse.Namespace,
    settings: Settings,
    contact: Contact,
    survey_id: str,
    language: str | None = None,
) -> int:
    """Keep the child's contact and send their first link through GOV.UK Notify."""
    from heard.notify_wiring import web_contact_desk

    database = open_database(settings)
    try:
        desk = web_contact_desk(settings, database)
        if desk is None:
            raise CommandError(
                "sending links by text or email needs GOV.UK Notify: set HEARD_NOTIFY_API_KEY "
                "and HEARD_NOTIFY_SMS_TEMPLATE_ID or HEARD_NOTIFY_EMAIL_TEMPLATE_ID (README)"
            )
        if contact.kind not in desk.reminders.sender.kinds:
            kind = (
                "HEARD_NOTIFY_SMS_TEMPLATE_ID"
                if contact.kind == "sms"
                else ("HEARD_NOTIFY_EMAIL_TEMPLATE_ID")
            )
            raise CommandError(f"there is no Notify template for this yet; set {kind}")
        outcome = desk.first_link(
            contact,
            survey_id=survey_id,
            cohort=args.cohort,
            age_band=args.age_band,
            language=language,
        )
    finally:
        database.close()
    how = "text" if contact.kind == "sms" else "email"
    if outcome.sent:
        print(f"Sent a single-use {survey_id} link to {masked(contact)} by {how}.")
    elif outcome.waiting:
        print(
            f"The {how} to {masked(contact)} will be sent by the scheduler soon "
            "(it is quiet hours, or GOV.UK Notify asked us to wait)."
        )
    else:
        raise CommandError(
            f"GOV.UK Notify would not send a {how} to {masked(contact)}; check the number "
            "or address with the child, and give them a printed link instead"
        )
    return 0


def run_invite(args: argparse.Namespace, settings: Settings) -> int:
    if getattr(args, "close", None):
        return close_event_link(args.close, settings)
    contact = _contact(args)
    language = _language(args, contact)
    survey_id, cohort, age_band, count, open_link, batch = _checked(args)
    if contact is not None:
        return send_first_link(args, settings, contact, survey_id, language)
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
    write_private_text(path, text)


def _write_qr_codes(folder: Path, batch: str, links: list[str]) -> list[str]:
    import qrcode

    private_folder(folder)
    names = []
    for number, link in enumerate(links, start=1):
        name = f"{batch}-{number:03d}.png"
        image = qrcode.make(link, error_correction=qrcode.constants.ERROR_CORRECT_M)
        png = io.BytesIO()
        image.save(png)
        # A QR code is a link to a child's answers: owner-only, like the link list.
        write_private_bytes(folder / name, png.getvalue())
        names.append(str(folder / name))
    return names
