"""The public "You said, we did" page: what the council changed because young people said so."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from storage.db import transaction
from storage.you_said import latest_posts
from webforms.public import services

you_said_blueprint = Blueprint("public_you_said", __name__)
SHOWN = 50


def _theme_label(theme: str) -> str:
    from webforms.staff.themes import theme_label

    return theme_label(theme)


def published_posts(limit: int = SHOWN) -> list[dict[str, Any]]:
    """Published posts as plain dicts, newest first; the author is never shown in public."""
    with transaction(services.sessions()) as session:
        return [
            {
                "theme": _theme_label(post.theme),
                "you_said": post.you_said,
                "we_did": post.we_did,
                "when": post.created_at,
            }
            for post in latest_posts(session, limit=limit)
        ]


@you_said_blueprint.get("/you-said")
def you_said() -> str:
    return render_template("public/you_said.html", posts=published_posts())
