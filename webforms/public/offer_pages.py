"""The care leavers' local offer on the web: browse by area, read an entry, search.

The same OfferSearch answers the chat, the bot and this page, so a question
gets the same answer wherever it is asked.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from markupsafe import Markup

from localoffer.words import AREAS, Said, load_offer_words
from webforms.public import services
from webforms.public.cookies import form_submission_id, new_nonce
from webforms.public.language import current_language
from webforms.public.offer_answers import SEARCH_CHANNEL, ask_offer, words_html

offer_blueprint = Blueprint("public_offer", __name__)


@offer_blueprint.app_template_global("offer_words")
def offer_words(entry: Any) -> Any:
    """The entry in the page's language where the offer's translation files have it
    (localoffer/data/<id>.<code>.yaml); each field still in English says so with
    entry.lang_of(field), which the templates pass to content_lang()."""
    offer = services.offer()
    return offer.localise(entry, current_language()) if offer is not None else entry


@offer_blueprint.app_template_global("offer_area")
def offer_area(area: str) -> Said:
    """A topic's name in the page's language where localoffer/words.<code>.yaml has it
    (its .lang says which: pass it to content_lang())."""
    return load_offer_words(current_language()).area(area)


@offer_blueprint.app_template_global("offer_ages")
def offer_ages(entry: Any) -> Markup:
    """Who an entry is for by age ("From age 16."), in the page's language."""
    limits = entry.who_can_get_it
    said = load_offer_words(current_language()).ages(limits.min_age, limits.max_age)
    if said:
        said[0] = Said(said[0].text[:1].upper() + said[0].text[1:], said[0].lang)
    return said_html([*said, Said(".", said[-1].lang if said else "en")])


@offer_blueprint.app_template_global("offer_note")
def offer_note(answer: Any, item: Any) -> Markup:
    """What an entry's ages mean for the asker (ended, not yet), in the page's language."""
    return said_html(answer.note(item, current_language()))


@offer_blueprint.app_template_global("said_html")
def said_html(said: list[Said]) -> Markup:
    """Words as inline HTML, any not in the page's language marked with their own."""
    language = current_language()
    return Markup("".join(words_html(part, language) for part in said))


def _offer():
    found = services.offer()
    if found is None:
        abort(503, "The local offer is not available right now.")
    return found


def _area_labels() -> dict[str, Said]:
    words = load_offer_words(current_language())
    return {area: words.area(area) for area in AREAS}


@offer_blueprint.get("/offer")
def areas() -> str:
    offer = _offer()
    labels = _area_labels()
    listed = [(area, labels[area], len(offer.by_area(area))) for area in offer.areas()]
    return render_template("public/offer_areas.html", areas=listed, nonce=new_nonce())


@offer_blueprint.route("/offer/search", methods=["GET", "POST"])
def search() -> str:
    """The form posts, so a question never sits in a URL (browser history, a proxy's
    access log); a GET with ?q= still answers, for links made before, but raises no
    alert (see offer_answers). The form carries a nonce, as the chat's does: the same
    post again (a reload without JavaScript, a second tap) raises and logs nothing new."""
    _offer()
    posted = request.method == "POST"
    asked = request.form if posted else request.args
    query = asked.get("q", "").strip()
    reply = None
    if query:
        resend_key = (SEARCH_CHANNEL, form_submission_id() or new_nonce()) if posted else None
        reply = ask_offer(query, channel="web", alert_anonymously=posted, update_key=resend_key)
    return render_template(
        "public/offer_search.html",
        query=query,
        reply=reply,
        labels=_area_labels(),
        nonce=new_nonce(),
    )


@offer_blueprint.get("/offer/entry/<entry_id>")
def entry(entry_id: str) -> str:
    found = _offer().get(entry_id)
    if found is None:
        abort(404)
    return render_template("public/offer_entry.html", entry=offer_words(found))


@offer_blueprint.get("/offer/<area>")
def area(area: str) -> str:
    offer = _offer()
    labels = _area_labels()
    if area not in labels:
        abort(404)
    return render_template(
        "public/offer_area.html", area=area, label=labels[area], entries=offer.by_area(area)
    )
