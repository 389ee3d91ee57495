"""A link's first page (the consent question) for someone who has only opened the link.

Opening a link must store nothing (a link-preview fetch is not the person), so this
page is drawn from the survey definition and the engine's wording without starting
a check-in. The person's first answer on it starts the check-in for real, at this
same consent step, and the engine takes over from there.
"""

from __future__ import annotations

from surveys.engine import CONSENT, Choice, Prompt, Reply
from webforms.public import services

CHANNEL = "web"


def consent_reply(survey_id: str) -> Reply | None:
    """The consent question as the engine would ask it on the web; None for no such survey."""
    engine = services.engine()
    survey = engine.catalogue.get(survey_id)
    if survey is None:
        return None
    messages = engine.messages
    hints = messages.hints(CHANNEL)
    # As the engine words its consent step (ConversationEngine._prompt), for the web.
    parts = [
        survey.intro,
        hints.how_to_answer,
        f"{survey.consent} {hints.see_or_delete}".strip(),
        messages.consent_question,
    ]
    prompt = Prompt(
        step=CONSENT,
        text="\n\n".join(part for part in parts if part),
        type="confirm",
        choices=(Choice("yes", messages.consent_yes), Choice("no", messages.consent_no)),
    )
    return Reply(state="active", prompt=prompt, survey_id=survey_id)
