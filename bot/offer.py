"""The care leavers' local offer, if this install has it, for /offer and plain questions."""

from __future__ import annotations

import logging

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
