"""The language a person chose to talk to Heard in, kept on their respondent row.

A channel asks once per update (the bot), so each is one small indexed read. Nothing here
decides which languages exist: the caller passes a checked code (surveys.languages).
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.models import Respondent


def chosen_language(session: Session, pseudonym: str) -> str | None:
    """Their choice, or None if they have not chosen (or are not known)."""
    return session.scalar(select(Respondent.language).where(Respondent.pseudonym == pseudonym))


def choose_language(session: Session, pseudonym: str, language: str) -> bool:
    """Keep their choice; False if there is no such person yet (not enrolled)."""
    result = session.execute(
        update(Respondent).where(Respondent.pseudonym == pseudonym).values(language=language)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
