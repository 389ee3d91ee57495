"""Counts for the status page and the demo summary."""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from storage.models import Answer, Comment, Respondent, SafeguardingAlert, SurveySession


def counts_by_survey_and_cohort(session: Session) -> list[dict[str, object]]:
    rows = session.execute(
        select(
            SurveySession.survey_id,
            Respondent.cohort,
            func.count(SurveySession.id),
            func.sum(case((SurveySession.state == "completed", 1), else_=0)),
        )
        .join(Respondent, Respondent.id == SurveySession.respondent_id)
        .group_by(SurveySession.survey_id, Respondent.cohort)
        .order_by(SurveySession.survey_id, Respondent.cohort)
    ).all()
    return [
        {"survey": survey, "cohort": cohort, "sessions": n, "completed": int(done or 0)}
        for survey, cohort, n, done in rows
    ]


def totals(session: Session) -> dict[str, int]:
    return {
        "respondents": session.scalar(select(func.count(Respondent.id))) or 0,
        "sessions": session.scalar(select(func.count(SurveySession.id))) or 0,
        "answers": session.scalar(select(func.count(Answer.id))) or 0,
        "comments": session.scalar(select(func.count(Comment.id))) or 0,
        "alerts": session.scalar(select(func.count(SafeguardingAlert.id))) or 0,
    }
