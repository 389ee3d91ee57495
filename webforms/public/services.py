"""What the public pages need from the wiring, looked up in one place.

The wiring (heard/serve.py) builds these once per process and hands them to
`create_app` in `services`; `build_public_services` is the one-liner it calls.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy.orm import Session, sessionmaker

from surveys.contact import ContactDesk
from surveys.definition import load_catalogue
from surveys.engine import ConversationEngine
from surveys.people import People
from webforms.config import WebConfig


def build_public_services(
    sessions: sessionmaker[Session],
    pseudonym_key: bytes,
    *,
    idle_days: int = 14,
    with_offer: bool = True,
    timezone: str = "UTC",
) -> dict[str, object]:
    """engine, people, contact_desk and (if the local offer loads) offer_search, for
    `create_app`. `timezone` is the council's: the contact desk's history lines use it."""
    services: dict[str, object] = {
        "engine": ConversationEngine(sessions, load_catalogue(), idle_days=idle_days),
        "people": People(sessions, pseudonym_key),
        "contact_desk": ContactDesk(sessions, pseudonym_key, timezone=timezone),
    }
    if with_offer:
        from localoffer.catalogue import load_offer
        from localoffer.search import OfferSearch

        services["offer_search"] = OfferSearch(load_offer())
    return services


def _services() -> dict[str, Any]:
    return current_app.extensions["heard.services"]


def sessions() -> sessionmaker[Session]:
    return current_app.extensions["heard.sessions"]


def config() -> WebConfig:
    return current_app.extensions["heard.config"]


def engine() -> ConversationEngine:
    found = _services().get("engine")
    if found is None:
        raise RuntimeError("services['engine'] is missing; see build_public_services")
    return found


def people() -> People:
    found = _services().get("people")
    if found is None:
        raise RuntimeError("services['people'] is missing; see build_public_services")
    return found


def offer_search() -> Any | None:
    """The local offer's OfferSearch, or None while the offer is not available."""
    return _services().get("offer_search")


def offer() -> Any | None:
    """The local offer itself: services['offer'] if given, else the search's own."""
    explicit = _services().get("offer")
    if explicit is not None:
        return explicit
    search = offer_search()
    return getattr(search, "offer", None)
