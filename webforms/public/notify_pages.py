"""At the end of a web check-in: "Would you like a text or email when your next check-in
is ready?" and the ways to stop them.

The offer is shown only when the council has set up GOV.UK Notify
(services["web_contacts"]) and only to the device that answered, while its answers
window is open (the same rule as "see or delete my answers"). Saying yes needs the
consent box ticked; the number or address is checked with kind words and kept as typed
when it is wrong. Every message carries a "stop messages" link (/s/<token>/stop-messages),
and the my-data page shows what is kept with a button to remove it. A plain form each:
no JavaScript needed. Nothing typed here is ever logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, current_app, make_response, render_template, request
from werkzeug.wrappers import Response

from notices.notify import ContactProblem, check_contact
from notices.web_contact_desk import WebContactDesk
from storage.db import retry_if_disconnected
from surveys.languages import DEFAULT as DEFAULT_LANGUAGE
from webforms.public import answers_window
from webforms.public.cookies import DEVICE_COOKIE, existing_device
from webforms.public.language import current_language
from webforms.public.link_admission import Refused, Visitor, look

notify_blueprint = Blueprint("public_notify", __name__)
FIELD_LIMIT = 254


@dataclass(frozen=True)
class Offer:
    """What the offer on the thanks and my-data pages needs to draw itself."""

    token: str
    kept: str | None  # the masked contact already kept, if any
    kinds: tuple[str, ...]


def _desk() -> WebContactDesk | None:
    found = current_app.extensions["heard.services"].get("web_contacts")
    return found if isinstance(found, WebContactDesk) else None


def _owner(token: str) -> Visitor | None:
    device = existing_device(DEVICE_COOKIE)
    if device is None:
        return None
    try:
        visitor = look(token, device)
    except Refused:
        return None
    if not visitor.joined:
        return None
    # The answer that finished the check-in proved the device; its window opens with it.
    just_answered = request.method == "POST" and request.endpoint == "public_survey.answer"
    if not (just_answered or answers_window.is_open(visitor.invite_id)):
        return None
    return visitor


def notify_offer() -> Offer | None:
    """A template global: the offer for this page's link, or None (not set up, not theirs)."""
    desk = _desk()
    token = (request.view_args or {}).get("token")
    if desk is None or not isinstance(token, str):
        return None
    visitor = _owner(token)
    if visitor is None:
        return None
    return Offer(token, desk.kept_for(visitor.pseudonym), desk.reminders.sender.kinds)


def _page(template: str, status: int = 200, **context: Any) -> Response:
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _kind_of(typed: str, kinds: tuple[str, ...]) -> str:
    """An @ means an email address; anything else is read as a mobile number."""
    if "@" in typed and "email" in kinds:
        return "email"
    return "sms" if "sms" in kinds else "email"


@notify_blueprint.post("/s/<token>/messages")
@retry_if_disconnected
def keep_contact(token: str) -> Response:
    desk = _desk()
    visitor = _owner(token)
    if desk is None or visitor is None:
        return _page("public/answers_closed.html", 403, token=token)
    kinds = desk.reminders.sender.kinds
    typed = request.form.get("contact", "")[:FIELD_LIMIT]
    offer = Offer(token, None, kinds)
    errors: dict[str, str] = {}
    contact = None
    try:
        contact = check_contact(_kind_of(typed, kinds), typed)
    except ContactProblem as problem:
        errors["contact"] = str(problem)
    consented = request.form.get("consent") == "yes"
    if not consented:
        errors["consent"] = (
            "Please tick the box to say it's OK for us to send you messages. "
            "If you'd rather not, that's fine: you can just close this page."
        )
    if errors or contact is None:
        return _page(
            "public/notify_offer.html",
            offer=offer,
            typed=typed,
            errors=errors,
            consented=consented,
        )
    # Their messages go in this page's language (the council's Notify template for it,
    # else the English one); only the code is kept, and nothing for English.
    language = current_language()
    kept = desk.keep_from_checkin(
        visitor.pseudonym,
        visitor.survey_id,
        contact,
        language=None if language == DEFAULT_LANGUAGE else language,
    )
    if not kept:
        return _page("public/answers_closed.html", 403, token=token)
    return _page("public/notify_kept.html", token=token, kept=desk.kept_for(visitor.pseudonym))


@notify_blueprint.post("/s/<token>/messages/remove")
def remove_contact(token: str) -> Response:
    desk = _desk()
    visitor = _owner(token)
    if desk is None or visitor is None:
        return _page("public/answers_closed.html", 403, token=token)
    desk.remove_for(visitor.pseudonym)
    return _page("public/notify_stopped.html", token=token)


@notify_blueprint.get("/s/<token>/stop-messages")
def stop_page(token: str) -> Response:
    """The link in every message. Opening it changes nothing (link previews open it too)."""
    desk = _desk()
    if desk is None or not desk.link_has_contact(token):
        return _page("public/notify_stopped.html", token=None)
    return _page("public/notify_stop.html", token=token)


@notify_blueprint.post("/s/<token>/stop-messages")
def stop_messages(token: str) -> Response:
    desk = _desk()
    if desk is not None:
        desk.stop_by_link(token)
    return _page("public/notify_stopped.html", token=None)


def _plain(text: str, **values: Any) -> str:
    return text % values if values else text


def register_notify_pages(app: Flask) -> None:
    app.register_blueprint(notify_blueprint)
    app.add_template_global(notify_offer, "notify_offer")
    # The public pages are being made translatable with Flask-Babel's _(); until that is
    # installed, _() shows the English words.
    app.jinja_env.globals.setdefault("_", _plain)
