"""`heard export` and `heard erase`: subject access and erasure requests, audited.

REF is either the 64-character pseudonym shown to staff (e.g. on an alert), or
`channel:id` (e.g. `telegram:123456789` or `import:CL-0042`), which is hashed with
the council's pseudonym key exactly as Heard did when it stored the person.
"""

from __future__ import annotations

import argparse
import getpass
import json
import re

from heard.errors import CommandError
from heard.settings import Settings
from heard.wiring import open_database
from storage.audit import audit, person_reference
from storage.db import transaction
from surveys.people import People

_PSEUDONYM = re.compile(r"^[0-9a-f]{64}$")


def resolve_pseudonym(people: People, ref: str) -> str:
    ref = ref.strip()
    if _PSEUDONYM.match(ref):
        return ref
    channel, sep, external = ref.partition(":")
    if not sep or not channel or not external:
        raise CommandError(
            "--respondent must be a 64-character pseudonym or channel:id, e.g. telegram:123456789"
        )
    return people.pseudonym(channel, external)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    people = People(database.sessions, settings.pseudonym_key)
    pseudonym = resolve_pseudonym(people, args.respondent)
    data = people.export(pseudonym)
    if data is None:
        raise CommandError("Heard holds nothing for that person (check the reference)")
    with transaction(database.sessions) as session:
        audit(session, _actor(), "export", target=person_reference(pseudonym))
    print(json.dumps(data, indent=2, ensure_ascii=False))
    return 0


def run_erase(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    people = People(database.sessions, settings.pseudonym_key)
    pseudonym = resolve_pseudonym(people, args.respondent)
    if not args.yes:
        answer = input("This removes every answer and comment from this person. Type ERASE: ")
        if answer.strip() != "ERASE":
            print("Nothing erased.")
            return 1
    if not people.erase(pseudonym, actor=_actor()):
        raise CommandError("Heard holds nothing for that person (check the reference)")
    print(
        "Erased. Safeguarding records about this person are kept for their retention time, "
        "as child-protection law requires; published reports are not changed."
    )
    return 0
