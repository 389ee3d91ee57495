"""`heard export` and `heard erase`: subject access and erasure requests, audited.

REF is the person's pseudonym, whole (64 characters) or its start as staff see it (the
16 characters on an alert page, the 12 in the audit log), or `channel:id` (e.g.
`telegram:123456789` or `import:CL-0042`), which is hashed with the council's pseudonym
key exactly as Heard did when it stored the person.

Safeguarding alerts are kept after erasure, for child-protection records: export lists
them, with why and for how long, whether or not the person's other data is still held.
"""

from __future__ import annotations

import argparse
import getpass
import json
import re

from sqlalchemy.orm import Session, sessionmaker

from heard.errors import CommandError
from heard.settings import Settings
from heard.wiring import open_database
from storage.alert_history import entries
from storage.alerts import alerts_about, pseudonyms_starting
from storage.audit import audit, person_reference
from storage.db import transaction
from surveys.people import People

_PSEUDONYM = re.compile(r"^[0-9a-f]{64}$")
_PSEUDONYM_START = re.compile(r"^[0-9a-f]{12,63}$")
KEPT_BECAUSE = (
    "Safeguarding records are kept after the rest of a person's data is erased, because "
    "child-protection law requires councils to keep them. The words (yours, your "
    "replies, and the messages and notes staff wrote in its history) are removed once "
    "the alert is closed and they are {months} months old; the record that an alert "
    "was raised, and what was done, when and by whom, stays."
)


def resolve_pseudonym(people: People, ref: str, sessions: sessionmaker[Session]) -> str:
    ref = ref.strip().lower() if _looks_hex(ref) else ref.strip()
    if _PSEUDONYM.match(ref):
        return ref
    if _PSEUDONYM_START.match(ref):
        with transaction(sessions) as session:
            found = pseudonyms_starting(session, ref)
        if not found:
            raise CommandError(
                f"no person or safeguarding alert has the reference {ref}; copy it again "
                f"from the alert page (16 characters) or give channel:id"
            )
        if len(found) > 1:
            raise CommandError(
                f"{ref} is the start of more than one person's reference; give more of it "
                f"(the whole 64 characters are in the alert's export)"
            )
        return found[0]
    channel, sep, external = ref.partition(":")
    if not sep or not channel or not external:
        raise CommandError(
            "--respondent must be the reference from an alert page (16 characters or all "
            "64) or channel:id, e.g. telegram:123456789"
        )
    return people.pseudonym(channel, external)


def _looks_hex(ref: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F]+", ref.strip()))


def _kept_records(sessions: sessionmaker[Session], pseudonym: str) -> list[dict[str, object]]:
    """The person's safeguarding alerts: what is held, their own words while kept, and
    each alert's history (their replies, the lead's messages, staff notes) as held."""
    with transaction(sessions) as session:
        return [
            {
                "alert": alert.id,
                "raised": alert.created_at.isoformat(),
                "about": alert.category.replace("_", " "),
                "level": alert.level,
                "status": alert.status,
                "acknowledged": (
                    alert.acknowledged_at.isoformat() if alert.acknowledged_at else None
                ),
                "closed": alert.closed_at.isoformat() if alert.closed_at else None,
                # When a late "yes, please" or a reply made it new again after it was
                # actioned or closed: "status" is where it is now; "closed" may be earlier.
                "reopened": alert.reopened_at.isoformat() if alert.reopened_at else None,
                "your_words": alert.text if alert.text_removed_at is None else None,
                "words_removed": (
                    alert.text_removed_at.isoformat() if alert.text_removed_at else None
                ),
                # Their answer to "would you like someone to get in touch?": true (yes,
                # please), false (no, thank you), or "not answered" (also if never asked).
                "asked_to_be_contacted": (
                    "not answered" if alert.contact_wanted is None else alert.contact_wanted
                ),
                "contact_answered": (
                    alert.contact_answered_at.isoformat() if alert.contact_answered_at else None
                ),
                # How to reach them stays sealed, shown only to the safeguarding role: only
                # whether Heard still holds it, and when retention removed it.
                "contact_details_held": alert.contact_sealed is not None,
                "contact_details_removed": (
                    alert.contact_removed_at.isoformat() if alert.contact_removed_at else None
                ),
                # What was done, when and by whom; its words until retention trims them.
                "history": [entry.shown for entry in entries(alert.note)],
            }
            for alert in alerts_about(session, pseudonym)
        ]


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    people = People(database.sessions, settings.pseudonym_key)
    pseudonym = resolve_pseudonym(people, args.respondent, database.sessions)
    data = people.export(pseudonym)
    kept = _kept_records(database.sessions, pseudonym)
    if data is None and not kept:
        raise CommandError("Heard holds nothing for that person (check the reference)")
    with transaction(database.sessions) as session:
        audit(session, _actor(), "export", target=person_reference(pseudonym))
    export: dict[str, object] = {"reference": pseudonym}
    if data is None:
        export["erased"] = (
            "This person's answers, comments and profile were erased; only the "
            "safeguarding records below are kept."
        )
    else:
        export.update(data)
    if kept:
        export["safeguarding_records"] = kept
        export["why_kept"] = KEPT_BECAUSE.format(months=settings.retention_months)
    print(json.dumps(export, indent=2, ensure_ascii=False))
    return 0


def run_erase(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    people = People(database.sessions, settings.pseudonym_key)
    pseudonym = resolve_pseudonym(people, args.respondent, database.sessions)
    if not args.yes:
        answer = input("This removes every answer and comment from this person. Type ERASE: ")
        if answer.strip() != "ERASE":
            print("Nothing erased.")
            return 1
    if not people.erase(pseudonym, actor=_actor()):
        kept = _kept_records(database.sessions, pseudonym)
        if kept:
            raise CommandError(
                f"nothing left to erase: this person's data was erased before; only their "
                f"{len(kept)} safeguarding record(s) are kept, by law (heard export lists them)"
            )
        raise CommandError("Heard holds nothing for that person (check the reference)")
    print(
        "Erased. Safeguarding records about this person are kept for their retention time, "
        "as child-protection law requires; published reports are not changed."
    )
    return 0
