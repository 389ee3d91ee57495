"""After help is shown on the web: "Would you like someone to get in touch?"

The question sits under the help, as a plain form that needs no JavaScript. It
carries a signed offer naming the alert it belongs to (so nobody can answer for
another person's alert), Heard's own help text (shown again on the page that
follows, so the help never disappears) and the page to go back to. The answer and
any details go onto the alert through surveys.contact, sealed; the person's words
are never in the offer. The web chat takes the same answer at an address of its own
(/chat/get-in-touch, webforms/public/chat.py), so its page is the chat where they were,
never the page here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app, make_response, render_template, request, url_for
from flask_babel import gettext
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from analysis.safeguarding import contact_wording, standing_help
from storage.db import retry_if_disconnected
from surveys.contact import ContactDesk, check_contact
from webforms.public.kept_help import KeptHelp
from webforms.public.language import N_, current_language

contact_blueprint = Blueprint("public_contact", __name__)
FIELD = "offer"
OFFERED_FOR = timedelta(hours=24)
_SALT = "heard.get-in-touch"
CHOOSE = N_("Please choose \u201cYes, please\u201d or \u201cNo, thank you\u201d.")
# Said instead of the question when they answered it for another alert in the last day
# (surveys.contact.ANSWER_STANDS_FOR): that answer stands for this one too.
PASSED_ON_YES = N_(
    "You've already asked for someone to get in touch, so we've passed this on to them "
    "too. You don't need to ask again."
)
PASSED_ON_NO = N_(
    "We've passed this on to the safeguarding team too. You said you didn't want anyone "
    "to get in touch, so we won't ask again today."
)


@dataclass(frozen=True)
class PassedOn:
    """In place of the question: their earlier answer stands, said kindly (truthy, so the
    template shows it; `passed_on` tells it apart from a signed offer)."""

    message: str
    passed_on: bool = True


@dataclass(frozen=True)
class ContactOffer:
    alert_id: int
    help: KeptHelp
    back: str
    audience: str | None


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=_SALT)


def contact_offer(
    alert_id: int | None, help_text: str | None, urgent: bool, audience: str | None
) -> str | PassedOn:
    """The signed offer for the form under the help (a template global); "" for none.
    It returns to the page that showed the help (a GET of the same path carries on).
    If they answered the question for another alert in the last day, that answer is
    recorded on this one too and PassedOn says so instead of asking again."""
    if alert_id is None or not help_text:
        return ""
    desk = current_app.extensions.get("heard.services", {}).get("contact_desk")
    if isinstance(desk, ContactDesk):
        standing = desk.answer_standing(int(alert_id))
        if standing is not None:
            return PassedOn(gettext(PASSED_ON_YES if standing else PASSED_ON_NO))
    back = request.path if request.path.startswith("/") else "/"
    return _signer().dumps(
        {"a": int(alert_id), "t": help_text, "u": bool(urgent), "b": back, "c": audience}
    )


def _opened(raw: str) -> ContactOffer | None:
    if not raw or len(raw) > 12000:
        return None
    try:
        found = _signer().loads(raw, max_age=int(OFFERED_FOR.total_seconds()))
    except BadSignature:  # also SignatureExpired
        return None
    if not isinstance(found, dict) or not isinstance(found.get("a"), int):
        return None
    back = found.get("b")
    if not isinstance(back, str) or not back.startswith("/") or back.startswith("//"):
        back = "/"
    audience = found.get("c") if isinstance(found.get("c"), str) else None
    return ContactOffer(
        found["a"], KeptHelp(str(found.get("t") or ""), bool(found.get("u"))), back, audience
    )


def _page(template: str, status: int = 200, **context: Any) -> Response:
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _desk() -> ContactDesk:
    return current_app.extensions["heard.services"]["contact_desk"]


@dataclass(frozen=True)
class Taken:
    """What became of a posted answer to the question. `offer` None: the form was forged,
    too old, or for an alert that is gone, and nothing changed (`help` is the first help
    there always is, to show instead). Else either `errors` to put right (nothing is
    recorded yet) or the answer recorded and `message`, the kind words that follow it."""

    offer: ContactOffer | None
    wanted: bool | None = None
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""
    help: str = ""


def take_answer() -> Taken:
    """Record the answer posted in this request's form, if it can be: the work of the
    page below and of the web chat's own form (webforms/public/chat.py)."""
    offer = _opened(request.form.get(FIELD, ""))
    if offer is None:
        return Taken(None, help=standing_help(None, language=current_language()))
    wording = contact_wording(offer.audience, language=current_language())
    wanted = request.form.get("wanted")
    values = {key: request.form.get(key, "")[:500] for key in ("first_name", "worker", "phone")}
    if wanted not in ("yes", "no"):
        return Taken(offer, None, values, {"": gettext(CHOOSE)})
    details = None
    if wanted == "yes":
        details, problems = check_contact(**values, language=current_language())
        if problems:
            return Taken(offer, True, values, problems.errors)
    if not _desk().answer(offer.alert_id, pseudonym=None, wanted=wanted == "yes", details=details):
        return Taken(None, help=standing_help(offer.audience, language=current_language()))
    message = wording.thanks if wanted == "yes" else wording.declined
    return Taken(offer, wanted == "yes", values, message=message)


def closed_page(taken: Taken) -> Response:
    """The kind "this form has closed" page, with the help there always is."""
    return _page("public/contact_expired.html", 400, help=taken.help)


@contact_blueprint.post("/get-in-touch")
@retry_if_disconnected  # safe: recording the same answer again changes nothing
def get_in_touch() -> Response:
    """The question's own page, for the survey form and the offer search (the web chat
    posts the same form to /chat/get-in-touch and stays in the conversation)."""
    taken = take_answer()
    if taken.offer is None:
        return closed_page(taken)
    if taken.errors:
        return _form_again(taken.offer, taken.values, taken.errors)
    return _page(
        "public/contact_done.html",
        offer=taken.offer,
        back_to_chat=taken.offer.back == url_for("public_chat.chat"),
        message=taken.message,
        audience=taken.offer.audience,
    )


def _form_again(offer: ContactOffer, values: dict[str, str], errors: dict[str, str]) -> Response:
    """The same question on a page of its own, with what they typed and what to fix."""
    return _page(
        "public/contact_form.html",
        400,
        offer=offer,
        token=request.form.get(FIELD, ""),
        values=values,
        errors=errors,
        wording=contact_wording(offer.audience, language=current_language()),
        audience=offer.audience,
    )
