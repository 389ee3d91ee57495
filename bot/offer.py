"""The care leavers' local offer, if this install has it, for /offer and plain questions."""

from __future__ import annotations

import logging
from typing import Any

from bot.services import OfferLookup

log = logging.getLogger(__name__)


def load_offer_search() -> OfferLookup | None:
    """The offer search, or None when the local offer is not part of this build."""
    try:
        from localoffer.catalogue import load_offer
        from localoffer.search import OfferSearch
    except ImportError:
        log.warning("the local offer search is not available; /offer will say it's coming soon")
        return None
    return OfferSearch(load_offer())  # type: ignore[return-value]


def offer_reply_text(lookup: Any, answer: Any, language: str | None) -> str:
    """The offer's reply in the person's /language: each entry's words from the offer's
    translation files where they exist, English where not (searching stays English).
    Phone numbers in right-to-left words still read left to right."""
    offer = getattr(lookup, "offer", None)
    if offer is None or not language or language == "en" or not answer.answers:
        return str(answer.reply_text())
    from analysis.safeguarding.replies import phone_numbers_read_left_to_right

    localised = offer.localise_answer(answer, language)
    return phone_numbers_read_left_to_right(str(localised.reply_text()))
