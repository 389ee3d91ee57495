"""Tagging stored comments with themes and sentiment.

Annotations outlive the words: when retention removes a comment's text, its
themes and sentiment stay, so the picture over time is kept without the child's words.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from analysis.sentiment import score_sentiment
from analysis.themes import tagger_for_cohort
from storage.comments import annotate_comment, comments_with_words, unanalysed_comments
from storage.db import transaction
from storage.models import Comment


def annotate_pending(
    sessions: sessionmaker[Session], batch: int = 2000, *, with_encoder: bool = False
) -> int:
    """Annotate every comment not yet analysed, a batch per transaction; returns how many.
    `with_encoder`: the theme encoder too (the council's HEARD_THEME_ENCODER)."""
    done = 0
    while True:
        with transaction(sessions) as session:
            comments = unanalysed_comments(session, limit=batch)
            for comment in comments:
                _annotate(session, comment, with_encoder)
        done += len(comments)
        if len(comments) < batch:
            return done


def retag_all(
    sessions: sessionmaker[Session], batch: int = 2000, *, with_encoder: bool = False
) -> tuple[int, int]:
    """Tag again every comment whose words are still held, with the tagger this version
    ships (after an upgrade that changed the themes), so that one period is not read by
    one tagger and the next by another. Comments whose words retention removed keep the
    themes they were given. Returns (retagged, whose themes changed)."""
    retagged = changed = 0
    after = 0
    while True:
        with transaction(sessions) as session:
            comments = comments_with_words(session, after_id=after, limit=batch)
            for comment in comments:
                before = list(comment.themes or [])
                _annotate(session, comment, with_encoder)
                changed += before != list(comment.themes or [])
            after = comments[-1].id if comments else after
        retagged += len(comments)
        if len(comments) < batch:
            return retagged, changed


def _annotate(session: Session, comment: Comment, with_encoder: bool) -> None:
    text = comment.text or ""
    sentiment = score_sentiment(text)
    annotate_comment(
        session,
        comment,
        # Foster carers' comments get the carers' themes (issue 17).
        themes=tagger_for_cohort(comment.cohort, with_encoder=with_encoder).tag(text),
        polarity=round(sentiment.polarity, 4),
        subjectivity=round(sentiment.subjectivity, 4),
    )
