"""`heard staff add|password|list|unlock|deactivate|reactivate`: staff accounts from the
command line.

`add` and `password` ask for the password twice without echoing it (getpass). When
stdin is not a terminal (scripts, tests, the demo) they read the password from the
first line of stdin instead, and a second line, if given, must match. Passwords never
appear in arguments, so they never reach shell history or `ps`. A new password meets
the same rules as on the web (webforms/staff/passwords.py: length, not one character,
not the email, not a common one) and ends every session the person has open.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from typing import TextIO

from sqlalchemy.orm import Session

from heard.settings import Settings
from heard.wiring import open_database
from storage.audit import audit
from storage.db import transaction
from storage.models import STAFF_ROLES, StaffUser, utcnow
from storage.staff import add_staff, find_staff, staff_users
from storage.staff_accounts import (
    is_locked,
    set_password_hash,
    set_staff_active,
    unlock_staff,
)
from webforms.staff.passwords import MIN_PASSWORD_LENGTH, hash_password, password_problem

EXIT_USAGE = 2
PROMPT_TRIES = 3
CLI_ACTOR = "command line"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class StaffCommandError(Exception):
    """One line for the person at the keyboard; the command exits 2."""


def configure_parser(staff_commands: argparse._SubParsersAction) -> None:
    """The subcommands this module handles, for `heard.cli` to add under `heard staff`."""
    add = staff_commands.add_parser("add", help="add a staff account (asks for a password)")
    add.add_argument("email")
    add.add_argument("--role", choices=STAFF_ROLES, required=True)
    password = staff_commands.add_parser(
        "password", help="give an account a new password (ends its sessions; asks for it)"
    )
    password.add_argument("email")
    staff_commands.add_parser("list", help="list staff accounts")
    for action, words in (
        ("unlock", "unlock an account locked after wrong passwords"),
        ("deactivate", "stop an account signing in (it is kept for the audit log)"),
        ("reactivate", "let a deactivated account sign in again"),
    ):
        sub = staff_commands.add_parser(action, help=words)
        sub.add_argument("email")


def read_new_password(email: str, stdin: TextIO | None = None, prompt: bool | None = None) -> str:
    """Twice by getpass at a terminal; otherwise the first line of stdin (a second must match)."""
    stream = stdin if stdin is not None else sys.stdin
    interactive = stream.isatty() if prompt is None else prompt
    if not interactive:
        lines = stream.read().splitlines()
        if not lines or not lines[0]:
            raise StaffCommandError("no password on stdin; give it as the first line")
        password = lines[0]
        if len(lines) > 1 and lines[1] and lines[1] != password:
            raise StaffCommandError("the two passwords on stdin are not the same")
        problem = password_problem(password, email)
        if problem:
            raise StaffCommandError(problem)
        return password
    for _ in range(PROMPT_TRIES):
        password = getpass.getpass(
            f"Password for {email} (at least {MIN_PASSWORD_LENGTH} characters): "
        )
        problem = password_problem(password, email)
        if problem:
            print(problem, file=sys.stderr)
            continue
        if getpass.getpass("The same password again: ") != password:
            print("The two passwords are not the same; try again.", file=sys.stderr)
            continue
        return password
    raise StaffCommandError("no password set; run the command again when you have one ready")


def create_account(session: Session, *, email: str, role: str, password: str) -> StaffUser:
    """Check and add one account with an argon2 hash; also what the demo uses."""
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise StaffCommandError(f"{email!r} is not an email address")
    if role not in STAFF_ROLES:
        raise StaffCommandError(f"the role must be one of: {', '.join(STAFF_ROLES)}")
    problem = password_problem(password, email)
    if problem:
        raise StaffCommandError(problem)
    if find_staff(session, email) is not None:
        raise StaffCommandError(f"{email} already has an account")
    user = add_staff(session, email=email, password_hash=hash_password(password), role=role)
    audit(session, CLI_ACTOR, "staff.add", f"staff:{user.id}", email=email, role=role)
    return user


def _add(args: argparse.Namespace, settings: Settings) -> int:
    role = getattr(args, "role", None)
    if role is None:
        raise StaffCommandError(f"say which role with --role ({' | '.join(STAFF_ROLES)})")
    email = str(args.email).strip().lower()
    if not _EMAIL.match(email):
        raise StaffCommandError(f"{email!r} is not an email address")
    database = open_database(settings)
    try:
        with transaction(database.sessions) as session:
            if find_staff(session, email) is not None:
                raise StaffCommandError(f"{email} already has an account")
        password = read_new_password(email)
        with transaction(database.sessions) as session:
            create_account(session, email=email, role=role, password=password)
    finally:
        database.close()
    print(f"Added a {role} account for {email}. They sign in at /staff/login.")
    return 0


def _password(args: argparse.Namespace, settings: Settings) -> int:
    email = str(args.email).strip().lower()
    database = open_database(settings)
    try:
        with transaction(database.sessions) as session:
            if find_staff(session, email) is None:
                raise StaffCommandError(f"there is no account for {email}")
        password = read_new_password(email)
        with transaction(database.sessions) as session:
            user = find_staff(session, email)
            if user is None:
                raise StaffCommandError(f"there is no account for {email}")
            set_password_hash(session, user, hash_password(password))
            audit(session, CLI_ACTOR, "staff.password", f"staff:{user.id}", email=email)
    finally:
        database.close()
    print(f"New password set for {email}; any session they had open is ended.")
    return 0


def _list(settings: Settings) -> int:
    database = open_database(settings)
    try:
        now = utcnow()
        with transaction(database.sessions) as session:
            users = staff_users(session)
            if not users:
                print("No staff accounts yet. Add one with: heard staff add EMAIL --role ROLE")
            for user in users:
                state = (
                    "deactivated"
                    if not user.active
                    else "locked from one connection"
                    if is_locked(user, now)
                    else "active"
                )
                print(f"{user.email:<40} {user.role:<14} {state}")
    finally:
        database.close()
    return 0


def _change(args: argparse.Namespace, settings: Settings, action: str) -> int:
    database = open_database(settings)
    try:
        with transaction(database.sessions) as session:
            user = find_staff(session, str(args.email))
            if user is None:
                raise StaffCommandError(f"there is no account for {args.email}")
            if action == "unlock":
                unlock_staff(session, user)
            else:
                set_staff_active(session, user, action == "reactivate")
            audit(session, CLI_ACTOR, f"staff.{action}", f"staff:{user.id}", email=user.email)
            email = user.email
    finally:
        database.close()
    print(f"{email}: {action}d.")
    return 0


def run_staff(args: argparse.Namespace, settings: Settings) -> int:
    action = getattr(args, "staff_command", None)
    try:
        if action == "add":
            return _add(args, settings)
        if action == "password":
            return _password(args, settings)
        if action == "list":
            return _list(settings)
        if action in ("unlock", "deactivate", "reactivate"):
            return _change(args, settings, action)
        raise StaffCommandError(
            f"unknown action {action!r}; use add, password, list, unlock or deactivate"
        )
    except StaffCommandError as error:
        print(f"heard staff {action}: {error}", file=sys.stderr)
        return EXIT_USAGE
