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
    translation files, and the offer's own words ("How to get it:", "I'm not sure...",
    ages, topics) from localoffer/words.<code>.yaml, English wherever a translation has
    none (searching and the log stay English). Phone numbers in right-to-left words
    still read left to right."""
    if not language or language == "en":
        return str(answer.reply_text())
    return str(answer.reply_text(language))
