"""Staff logins for the demo, one per role, so a visitor can see every side of Heard.

The password is generated once per data folder and kept there (mode 0600), so a
second `heard demo` can print it again. Demo only: real accounts use `heard staff add`.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from heard.staff_command import create_account
from heard.wiring import Database
from storage.db import transaction
from storage.staff import find_staff

DEMO_ACCOUNTS = {
    "participation": "participation@demo.heard.invalid",
    "safeguarding": "safeguarding@demo.heard.invalid",
    "admin": "admin@demo.heard.invalid",
}
PASSWORD_FILE = "demo-staff-password"


def demo_password(data_dir: Path) -> str:
    path = data_dir / PASSWORD_FILE
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    password = "-".join(secrets.token_hex(3) for _ in range(3))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    return password


def ensure_demo_logins(database: Database, data_dir: Path) -> dict[str, str]:
    """Create the demo accounts if missing; returns role -> email."""
    password = demo_password(data_dir)
    with transaction(database.sessions) as session:
        for role, email in DEMO_ACCOUNTS.items():
            if find_staff(session, email) is None:
                create_account(session, email=email, role=role, password=password)
    return dict(DEMO_ACCOUNTS)
