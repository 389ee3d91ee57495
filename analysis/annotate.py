"""Tagging stored comments with themes and sentiment.

Annotations outlive the words: when retention removes a comment's text, its
themes and sentiment stay, so the picture over time is kept without the child's words.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from analysis.sentiment import score_sentiment
from analysis.themes import tagger_for_cohort
from storage.comments import annotate_comment, unanalysed_comments
from storage.db import transaction


def annotate_pending(sessions: sessionmaker[Session], batch: int = 2000) -> int:
    """Annotate every comment not yet analysed, a batch per transaction; returns how many."""
    done = 0
    while True:
        with transaction(sessions) as session:
            comments = unanalysed_comments(session, limit=batch)
            for comment in comments:
                text = comment.text or ""
                sentiment = score_sentiment(text)
                annotate_comment(
                    session,
                    comment,
                    # Foster carers' comments get the carers' themes (issue 17).
                    themes=tagger_for_cohort(comment.cohort).tag(text),
                    polarity=round(sentiment.polarity, 4),
                    subjectivity=round(sentiment.subjectivity, 4),
                )
        done += len(comments)
        if len(comments) < batch:
            return done
