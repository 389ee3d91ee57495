"""`heard api-token add|list|revoke`: read-only keys for the council's BI tools.

`add` prints the token once; only its hash is kept, so a lost token is revoked and
a new one made. Every change is in the audit log.
"""

from __future__ import annotations

import argparse

from heard.errors import CommandError
from heard.settings import Settings
from heard.wiring import open_database
from storage.api_tokens import TokenError, add_token, api_tokens, revoke_token
from storage.audit import audit
from storage.db import transaction

CLI_ACTOR = "command line"


def configure_parser(commands: argparse._SubParsersAction) -> None:
    add = commands.add_parser("add", help="make a token (shown once) for a BI tool")
    add.add_argument("name", help="what uses it, e.g. power-bi")
    commands.add_parser("list", help="list tokens: name, made, last used, revoked")
    revoke = commands.add_parser("revoke", help="stop a token working at once")
    revoke.add_argument("name")


def _when(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else "never"  # type: ignore[attr-defined]


def run_api_token(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    try:
        with transaction(database.sessions) as session:
            if args.api_command == "add":
                row, token = add_token(session, args.name)
                audit(session, CLI_ACTOR, "api_token.add", f"api_token:{row.name}")
                print(f"Token for {row.name} (shown once; keep it in your BI tool's secrets):")
                print(token)
                print(
                    "Use it as: curl -H 'Authorization: Bearer TOKEN' "
                    f"{settings.base_url or 'https://heard.example'}/api/v1/kpi?period=2026-Q3"
                )
            elif args.api_command == "revoke":
                row = revoke_token(session, args.name)
                audit(session, CLI_ACTOR, "api_token.revoke", f"api_token:{row.name}")
                print(f"Token {row.name} is revoked.")
            else:
                rows = api_tokens(session)
                if not rows:
                    print("No API tokens. Make one with: heard api-token add NAME")
                for row in rows:
                    state = f"revoked {_when(row.revoked_at)}" if row.revoked_at else "live"
                    print(
                        f"{row.name}\t{state}\tmade {_when(row.created_at)}\t"
                        f"last used {_when(row.last_used_at)}"
                    )
    except TokenError as error:
        raise CommandError(str(error)) from None
    finally:
        database.close()
    return 0
