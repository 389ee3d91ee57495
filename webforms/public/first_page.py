"""A link's first page (the consent question) for someone who has only opened the link.

Opening a link must store nothing (a link-preview fetch is not the person), so this
page is drawn from the survey definition and the engine's wording without starting
a check-in. The person's first answer on it starts the check-in for real, at this
same consent step, and the engine takes over from there.
"""

from __future__ import annotations

from surveys.engine import Reply
from webforms.public import services
from webforms.public.language import current_language

CHANNEL = "web"


def consent_reply(survey_id: str) -> Reply | None:
    """The consent question as the engine asks it on the web, in the page's language;
    None for no such survey."""
    engine = services.engine()
    survey = engine.catalogue.get(survey_id)
    if survey is None:
        return None
    return Reply(
        state="active",
        prompt=engine.consent_prompt(survey, CHANNEL, language=current_language()),
        survey_id=survey_id,
    )
