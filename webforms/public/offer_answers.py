"""Answering a local-offer question from the web chat or the search page.

Typed words pass the safeguarding check first, as every typed message does. A
message that raised a safeguarding concern gets the help and nothing else: no
search, and no log there, because those words belong only in the alerts queue.
Any other question is logged without the asker, so the participation team sees
what the offer could not answer.

The search page knows nobody, yet its help says the safeguarding lead will be told,
so a disclosure there raises an alert too, under a one-off reference (nobody's
pseudonym), when the search was posted from the page. A GET with ?q= (an old link,
a link preview) only shows the help: following a link must not raise alerts.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext

from analysis.safeguarding import detect, other_language, safeguarding_reply
from localoffer.desk import log_offer_answer
from storage.db import transaction
from surveys.definition import TEXT_MAX_LENGTH
from surveys.safeguarding_seam import FreeTextContext, check_free_text, reply_language
from webforms.public import services
from webforms.public.language import N_, current_language

# The reference an alert from the anonymous search page carries: never a person's.
ONE_OFF_PREFIX = "search:"
SEARCH_CHANNEL = "offer_search"
TOO_LONG = N_(
    "Thank you for writing so much! I can take up to 2,000 characters in one go. "
    "Could you make it a bit shorter and ask again?"
)
NOT_AVAILABLE = N_(
    "Sorry, I can't look things up in the local offer right now. Your PA or social worker "
    "can tell you what help there is."
)


@dataclass(frozen=True)
class OfferReply:
    text: str
    answer: Any | None = None  # localoffer.search.OfferAnswer
    alert: str | None = None
    alert_urgent: bool = False
    alert_id: int | None = None  # the alert raised, for "would you like someone to get in touch?"
    # The language of the reply's words: the page's when its best entry is translated
    # (localoffer/data/<id>.<code>.yaml), else "en" (shown marked as English).
    language: str = "en"


def ask_offer(
    text: str,
    *,
    channel: str,
    pseudonym: str | None = None,
    cohort: str | None = None,
    age_band: str | None = None,
    alert_anonymously: bool = False,
) -> OfferReply:
    """Check the words for a disclosure, then search the offer and log the question.
    `alert_anonymously`: with no pseudonym, still raise an alert, under a one-off
    reference."""
    text = text.strip()
    if len(text) > TEXT_MAX_LENGTH:
        return OfferReply(gettext(TOO_LONG))
    raise_as, alert_channel = pseudonym, channel
    if raise_as is None and alert_anonymously:
        raise_as, alert_channel = ONE_OFF_PREFIX + secrets.token_hex(12), SEARCH_CHANNEL
    alert, urgent, alert_id = _safeguarding(text, alert_channel, raise_as, cohort, age_band)
    if alert is not None:
        # The help is the answer. A search result ("Sorry, I'm not sure I've understood
        # that") under it would bury it, and read as if they had not been heard.
        return OfferReply("", alert=alert, alert_urgent=urgent, alert_id=alert_id)
    search = services.offer_search()
    if search is None:
        return OfferReply(gettext(NOT_AVAILABLE))
    answer = search.ask(text)
    asker = services.people().offer_asker(pseudonym) if pseudonym else None
    with transaction(services.sessions()) as session:
        log_offer_answer(session, text, answer, channel=channel, asker_tag=asker)
    return _shown(answer, current_language())


def _shown(answer: Any, language: str) -> OfferReply:
    """The answer with its entries in the page's language where translated; the search
    and the log stay English. The reply's words are the page's language only when its
    best entry has every field the reply says translated (title, summary, how to get it,
    who to contact), so no English is left unmarked inside it; otherwise the reply is
    the English one, marked lang="en", and the "Read more" links are in whichever
    language each title has."""
    offer = services.offer()
    if offer is None or language == "en" or not answer.answers:
        return OfferReply(answer.reply_text(), answer=answer)
    localised = offer.localise_answer(answer, language)
    best = localised.answers[0]
    said = ("title", "summary", "how_to_get_it", "contact")
    whole = all(best.entry.lang_of(name) == language for name in said)
    if not (answer.confident and whole and best.status == "available"):
        return OfferReply(answer.reply_text(), answer=localised)
    entry = best.entry
    text = "\n\n".join(
        [
            entry.title,
            entry.summary,
            f"{gettext('How to get it')}: {entry.how_to_get_it}\n"
            f"{gettext('Who to contact')}: {entry.contact}",
        ]
    )
    return OfferReply(text, answer=localised, language=language)


def _safeguarding(
    text: str, channel: str, pseudonym: str | None, cohort: str | None, age_band: str | None
) -> tuple[str | None, bool, int | None]:
    """With a pseudonym (a person, or a one-off reference) an alert is raised; without,
    only the help is given."""
    if pseudonym is not None:
        with transaction(services.sessions()) as session:
            outcome = check_free_text(
                session,
                text,
                FreeTextContext(
                    pseudonym=pseudonym,
                    channel=channel,
                    cohort=cohort,
                    age_band=age_band,
                    language=current_language(),  # the help in the page's language
                ),
            )
        return (outcome.reply, outcome.urgent, outcome.alert_id) if outcome else (None, False, None)
    disclosure = detect(text)
    if disclosure is None or not disclosure.flag:
        return None, False, None
    language = reply_language(current_language(), other_language(text))
    reply = safeguarding_reply(disclosure, cohort, language=language)
    return reply, disclosure.level == "urgent", None
