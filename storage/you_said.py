"""Posts for "you said, we did": what the council changed because young people told it.

Young people see only published posts (`latest_posts`: the public page, the end
of each survey, the bot's /yousaid); staff also see and edit drafts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import YouSaidPost, utcnow

YOU_SAID_MAX = 500
WE_DID_MAX = 1000


def latest_posts(session: Session, limit: int = 5) -> list[YouSaidPost]:
    return list(
        session.scalars(
            select(YouSaidPost)
            .where(YouSaidPost.published.is_(True))
            .order_by(YouSaidPost.created_at.desc(), YouSaidPost.id.desc())
            .limit(limit)
        )
    )


# --------------------------------------------------------------------------- staff side


def _checked(you_said: str, we_did: str) -> tuple[str, str]:
    you_said, we_did = you_said.strip(), we_did.strip()
    if not you_said or not we_did:
        raise ValueError("both 'you said' and 'we did' need some words")
    if len(you_said) > YOU_SAID_MAX or len(we_did) > WE_DID_MAX:
        raise ValueError(f"keep 'you said' to {YOU_SAID_MAX} and 'we did' to {WE_DID_MAX} letters")
    return you_said, we_did


def add_post(
    session: Session,
    *,
    theme: str,
    you_said: str,
    we_did: str,
    author: str,
    published: bool = True,
    when: datetime | None = None,
) -> YouSaidPost:
    you_said, we_did = _checked(you_said, we_did)
    row = YouSaidPost(
        theme=theme,
        you_said=you_said,
        we_did=we_did,
        author=author,
        published=published,
        created_at=when or utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def update_post(
    session: Session, post: YouSaidPost, *, theme: str, you_said: str, we_did: str
) -> YouSaidPost:
    post.you_said, post.we_did = _checked(you_said, we_did)
    post.theme = theme
    session.flush()
    return post


def set_published(session: Session, post: YouSaidPost, published: bool) -> YouSaidPost:
    post.published = published
    session.flush()
    return post


def get_post(session: Session, post_id: int) -> YouSaidPost | None:
    return session.get(YouSaidPost, post_id)


def all_posts(session: Session, limit: int = 200) -> list[YouSaidPost]:
    """Every post, drafts included, newest first: for staff only."""
    query = select(YouSaidPost).order_by(YouSaidPost.created_at.desc(), YouSaidPost.id.desc())
    return list(session.scalars(query.limit(limit)))
