"""Recording a survey definition as an immutable version, by its content hash."""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage.models import SurveyVersion
from storage.surveys import ensure_survey_version
from surveys.definition import Survey, survey_to_json


def record_version(session: Session, survey: Survey) -> SurveyVersion:
    """The stored version for this exact definition, creating it the first time.

    Always the English words: a translated survey has the same content hash."""
    survey = survey.english
    return ensure_survey_version(
        session,
        survey_id=survey.id,
        version=survey.version,
        content_hash=survey.content_hash,
        title=survey.title,
        definition=survey_to_json(survey),
    )
