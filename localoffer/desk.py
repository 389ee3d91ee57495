"""Answering a care leaver's question and logging it, never with who asked (at most a
keyed tag of the asker, so erasure can remove their questions).

Channels call this rather than the search directly, so every question is in the
participation team's "questions we couldn't answer" list when Heard wasn't sure.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from localoffer.catalogue import Offer, load_offer
from localoffer.search import OfferAnswer, OfferSearch
from storage.db import transaction
from storage.models import OfferQuery
from storage.offer_queries import record_offer_query, unanswered_offer_queries


def log_offer_answer(
    session: Session,
    text: str,
    answer: OfferAnswer,
    *,
    channel: str,
    asker_tag: str | None = None,
) -> None:
    """Log a question with what Heard answered, so unsure answers reach the team's list."""
    record_offer_query(
        session,
        text=text,
        channel=channel,
        answer_ids=list(answer.answer_ids),
        top_score=answer.top_score,
        confident=answer.confident,
        age=answer.age,
        asker_tag=asker_tag,
    )


class OfferDesk:
    def __init__(self, sessions: sessionmaker[Session], offer: Offer | None = None) -> None:
        self.sessions = sessions
        self.offer = offer or load_offer()
        self.search = OfferSearch(self.offer)

    def ask(self, text: str, *, channel: str, age: int | None = None) -> OfferAnswer:
        answer = self.search.ask(text, age=age)
        with transaction(self.sessions) as session:
            log_offer_answer(session, text, answer, channel=channel)
        return answer

    def unanswered(self, since: datetime | None = None, limit: int = 200) -> list[OfferQuery]:
        with transaction(self.sessions) as session:
            return unanswered_offer_queries(session, since=since, limit=limit)
