"""Answering a local-offer question from the web chat or the search page.

Typed words pass the safeguarding check first, as every typed message does. A
message that raised a safeguarding concern gets the help, and nothing else unless
only the statistical model found it (no lexicon rule: often an ordinary question,
"how do i get on the pill"): then an answer the offer is sure of goes under the help.
Such words are not logged: they belong only in the alerts queue. Words in another
language with no disclosure found raise a "please read" for a person; an answer the
offer is sure of is shown with that note (never "not sure": the words may be
anything, and the help stands alone then).
Any other question is logged without the asker, so the participation team sees
what the offer could not answer.

The search page knows nobody, yet its help says the safeguarding lead will be told,
so a disclosure there raises an alert too, under a one-off reference (nobody's
pseudonym), when the search was posted from the page. A GET with ?q= (an old link,
a link preview) only shows the help: following a link must not raise alerts.
The search form carries a nonce, as the chat's does, and the reference is a keyed hash
of that post (its nonce and words), not random: the same post again (a reload without
JavaScript, a second tap) finds its first alert and is given that help again, raising
and logging nothing new (webforms/public/resent.py); a fresh page, or other words, is a
new post with its own reference, so two people are never one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from typing import Any

from flask_babel import gettext
from markupsafe import Markup, escape

from analysis.safeguarding import (
    PLEASE_READ,
    Disclosure,
    detect,
    other_language,
    safeguarding_reply,
)
from localoffer.desk import log_offer_answer
from localoffer.words import Said, Words, plain
from storage.db import transaction
from storage.updates import first_delivery
from surveys.definition import TEXT_MAX_LENGTH
from surveys.safeguarding_seam import (
    FreeTextContext,
    check_free_text,
    offer_answer_beside_help,
    reply_language,
)
from webforms.public import services
from webforms.public.language import N_, content_lang, current_language, names_marked
from webforms.public.resent import earlier_alert, help_again
from webforms.public.views import PHONE_NUMBER, html_block

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
    # The language of the reply's words: the page's, or "en" (shown marked as English).
    language: str = "en"
    # The reply as HTML, with any words still in English inside it marked so (reply_html).
    html: Markup | None = None
    # The alert is a "please read" (words in another language, no disclosure found): the
    # offer's answer, if it is sure of one, is shown under it.
    please_read: bool = False
    # Refused as too long (TOO_LONG): nothing was checked, searched or logged.
    too_long: bool = False


def ask_offer(
    text: str,
    *,
    channel: str,
    pseudonym: str | None = None,
    cohort: str | None = None,
    age_band: str | None = None,
    alert_anonymously: bool = False,
    update_key: tuple[str, str | int] | None = None,
) -> OfferReply:
    """Check the words for a disclosure, then search the offer and log the question.
    `alert_anonymously`: with no pseudonym, still raise an alert, under a one-off
    reference (one_off_reference). `update_key` (channel, the form's nonce), with a
    pseudonym or alerting anonymously: recorded with the check, so the same post again (a
    reload without JavaScript) raises nothing and is not logged again, and is given the
    help its first post was (webforms/public/resent.py)."""
    text = text.strip()
    if len(text) > TEXT_MAX_LENGTH:
        return OfferReply(gettext(TOO_LONG), too_long=True)
    raise_as, alert_channel = pseudonym, channel
    if raise_as is None and alert_anonymously:
        raise_as, alert_channel = one_off_reference(update_key), SEARCH_CHANNEL
    checked = _safeguarding(text, alert_channel, raise_as, cohort, age_band, update_key)
    alert, urgent, alert_id = checked.help, checked.urgent, checked.alert_id
    raised = OfferReply("", alert=alert, alert_urgent=urgent, alert_id=alert_id)
    disclosure = alert is not None and checked.category != PLEASE_READ
    if alert is not None and not offer_answer_beside_help(checked.category, checked.model_only):
        return raised  # beside a lexicon match the help stands alone
    search = services.offer_search()
    if search is None:
        return raised if alert is not None else OfferReply(gettext(NOT_AVAILABLE))
    answer = search.ask(text)
    # Logged when first asked, once; never beside a disclosure: those words belong only
    # in the alerts queue.
    if not checked.resent and not disclosure:
        asker = services.people().offer_asker(pseudonym) if pseudonym else None
        with transaction(services.sessions()) as session:
            log_offer_answer(session, text, answer, channel=channel, asker_tag=asker)
    shown = _shown(answer, current_language())
    if alert is None:
        return shown
    # Beside help, only an answer the offer is sure of (offer_answer_beside_help): words
    # Heard cannot read may be anything ("بدي موت", "I want to die"). After a disclosure
    # the help comes first; after words in another language the answer does.
    if not answer.confident:
        return raised
    return replace(
        shown, alert=alert, alert_urgent=urgent, alert_id=alert_id, please_read=not disclosure
    )


def one_off_reference(update_key: tuple[str, str | int] | None) -> str:
    """The reference an alert from the search page is raised under, nobody's pseudonym: a
    keyed hash of the post (its nonce and a digest of its words, cookies.form_submission_id),
    so the same post again has the same reference and earlier_alert finds its first alert,
    while any other post has its own. Random when there is no post to name."""
    if update_key is None:
        return ONE_OFF_PREFIX + secrets.token_hex(12)
    channel, post = update_key
    return ONE_OFF_PREFIX + services.people().pseudonym(channel, post)[:24]


def _shown(answer: Any, language: str) -> OfferReply:
    """The answer in the page's language wherever a translation has the words: each
    entry's (localoffer/data/<id>.<code>.yaml) and the offer's own (localoffer/words.<code>
    .yaml: "How to get it:", "I'm not sure...", ages, topics). The search and the log stay
    English. Words still in English inside the reply are marked lang="en" (`html`)."""
    if language == "en":
        return OfferReply(answer.reply_text(), answer=answer)
    offer = services.offer()
    localised = offer.localise_answer(answer, language) if offer is not None else answer
    parts = answer.reply_parts(language)
    text = "\n\n".join(plain(part) for part in parts)
    return OfferReply(text, answer=localised, language=language, html=reply_html(parts, language))


def reply_html(parts: list[Words], language: str) -> Markup:
    """The reply's paragraphs as HTML, as the public_message filter shows a message
    (paragraphs, "- " lists, tappable phone numbers reading left to right), with each run
    of words not in the page's language marked with its own (lang="en" dir="ltr")."""
    blocks: list[str] = []
    for paragraph in parts:
        lines: list[Words] = [[]]
        for said in paragraph:
            for number, piece in enumerate(said.text.split("\n")):
                if number:
                    lines.append([])
                if piece:
                    lines[-1].append(Said(piece, said.lang))
        run: list[str] = []
        in_list = False
        for line in (line for line in lines if plain(line).strip()):
            bullet = line[0].text.startswith("- ")
            if bullet:
                line = [Said(line[0].text[2:], line[0].lang), *line[1:]]
            if run and bullet != in_list:
                blocks.append(html_block(run, in_list))
                run = []
            in_list = bullet
            run.append("".join(words_html(said, language) for said in line).strip())
        if run:
            blocks.append(html_block(run, in_list))
    return Markup("".join(blocks))


def words_html(said: Said, language: str) -> str:
    """Words of a reply as HTML: phone numbers tappable; names kept in English inside
    translated words marked so (names_marked); words in another language marked."""
    translated = said.lang == language and language != "en"
    html = PHONE_NUMBER.sub(
        lambda m: f'<a href="tel:{m.group(1).replace(" ", "")}" dir="ltr">{m.group(1)}</a>',
        str(names_marked(said.text) if translated else escape(said.text)),
    )
    if said.lang == language or not said.text.strip():
        return html
    lead = said.text[: len(said.text) - len(said.text.lstrip())]
    tail = said.text[len(said.text.rstrip()) :]
    inner = html.strip()
    return f"{lead}<span{content_lang(said.lang)}>{inner}</span>{tail}"


@dataclass(frozen=True)
class _Checked:
    """What the safeguarding check made of the words."""

    help: str | None = None
    urgent: bool = False
    alert_id: int | None = None
    category: str | None = None
    resent: bool = False  # this post (its update key) was seen before
    model_only: bool = False  # found by the model alone, no lexicon rule (see ask_offer)


def _safeguarding(
    text: str,
    channel: str,
    pseudonym: str | None,
    cohort: str | None,
    age_band: str | None,
    update_key: tuple[str, str | int] | None = None,
) -> _Checked:
    """With a pseudonym (a person, or a one-off reference) an alert is raised; without,
    only the help is given. Seen before (`update_key`), the alert its words raised then
    is the alert, and its help is given again; words that raised none then (or other
    words under the same nonce) are checked as ever, so nothing is missed."""
    if pseudonym is not None:
        resent = False
        with transaction(services.sessions()) as session:
            if update_key is not None and not first_delivery(session, *update_key):
                resent = True
                earlier = earlier_alert(session, update_key, pseudonym, text)
                if earlier is not None:
                    again = help_again(earlier, text, cohort, current_language())
                    return _Checked(
                        again.text,
                        again.urgent,
                        again.alert_id,
                        earlier.category,
                        True,
                        _model_only(detect(text)),
                    )
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
        if outcome is None:
            return _Checked(resent=resent)
        return _Checked(
            outcome.reply,
            outcome.urgent,
            outcome.alert_id,
            outcome.category,
            resent,
            outcome.model_only,
        )
    disclosure = detect(text)
    if disclosure is None or not disclosure.flag:
        return _Checked()
    language = reply_language(current_language(), other_language(text))
    reply = safeguarding_reply(disclosure, cohort, language=language)
    return _Checked(
        reply,
        disclosure.level == "urgent",
        None,
        disclosure.category,
        False,
        _model_only(disclosure),
    )


def _model_only(disclosure: Disclosure | None) -> bool:
    return disclosure is not None and disclosure.flag and disclosure.source == "model"
