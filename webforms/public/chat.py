"""The web chat at /chat: the bot's conversation in a browser, for people without Telegram.

A person is only a random chat cookie, turned into a keyed pseudonym. Check-ins
go through the same engine as Telegram and the survey form, so the answers are
one data set; anything else typed is a local-offer question. No transcript is
kept: each page shows the last exchange, and chat.js (optional) keeps the
earlier ones on screen until the tab is closed. Safeguarding help raised by a
message is shown first, in view, and stays on screen for the rest of the visit.
"Would you like someone to get in touch?" under it is answered here too, in the
chat: the answer and Heard's reply join the conversation, under the question they
were on, so nobody is taken out of the chat (and, with chat.js, out of the page).
A reload with chat.js keeps the help too: the page is then a plain GET of /chat, so
chat.js posts the sealed help it was given to /chat/help, which draws it again above
the conversation, with the question if it is still unanswered (webforms/public/kept_help.py).
Without chat.js a reload posts the last form again: its nonce makes it change nothing (no
answer or alert again, in a check-in or outside one), and a message that raised help is
shown that help again, drawn from its alert (webforms/public/resent.py).
"""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from werkzeug.wrappers import Response

from analysis.safeguarding import contact_wording
from storage.db import retry_if_disconnected, transaction
from storage.models import SafeguardingAlert
from surveys.engine import CONSENT, CONTINUE, QUOTE, EngineError, Reply
from surveys.messages import normalise
from surveys.people import AGE_BANDS_FOR, Profile, ProfileError, check_profile
from webforms.limits import (
    CHECKINS_PER_ADDRESS,
    CHECKINS_PER_DEVICE,
    ROUTE_LIMITS,
    allowed,
    too_many_page,
)
from webforms.public import contact, my_data, services
from webforms.public.cookies import (
    CHAT_COOKIE,
    DeviceId,
    existing_device,
    forget,
    form_submission_id,
    new_nonce,
    read_device,
    remember,
)
from webforms.public.kept_help import KeptHelp, posted_help
from webforms.public.language import N_, current_language
from webforms.public.offer_answers import OfferReply, ask_offer
from webforms.public.resent import earlier_alert, help_again
from webforms.public.views import prompt_view, reply_view

chat_blueprint = Blueprint("public_chat", __name__)
COOKIE_PATH = "/chat"
START_WORDS = frozenset({"start", "check in", "checkin", "check-in", "begin", "survey"})
COMMANDS = ("back", "skip", "stop")
COMMAND_WORDS = {
    "back": lazy_gettext("Back"),
    "skip": lazy_gettext("Skip"),
    "stop": lazy_gettext("Stop for now"),
}

COHORT_LABELS = {
    "child_in_care": lazy_gettext("I'm in care"),
    "care_leaver": lazy_gettext("I've left care, or I'm leaving soon"),
    "carer": lazy_gettext("I'm a foster carer"),
}
BAND_LABELS = {
    "4-7": lazy_gettext("4 to 7"),
    "8-11": lazy_gettext("8 to 10"),
    "11-17": lazy_gettext("11 to 17"),
}
# Answers to "would you like someone to get in touch?" per address: as on its own page,
# /get-in-touch.
CONTACT_ANSWERS_PER_ADDRESS = ROUTE_LIMITS["public_contact.get_in_touch"][1]
# The greeting, by who the chat knows it is talking to (the cohort chosen on the start
# page); GREETING for anyone else, in words a 9-year-old, a 14-year-old and a care leaver
# all understand. The local offer is for care leavers: a child in care is not sent to it.
GREETING = lazy_gettext(
    "Hi! I'm Heard. You can tell us how things are going: type start for a check-in. "
    "If you've left care, you can also ask me about the help you can get."
)
GREETINGS = {
    "child_in_care": lazy_gettext(
        "Hi! I'm Heard. You can tell us how things are going, at home, at school or "
        'anywhere else. Type start, or press "Start a check-in", to begin.'
    ),
    "care_leaver": lazy_gettext(
        "Hi! I'm Heard. You can do a check-in to tell the council how life is going, "
        "or ask me anything about the help care leavers can get (the local offer)."
    ),
    "carer": lazy_gettext(
        "Hello, I'm Heard. You can do a check-in to tell the council how fostering is going "
        "and what support you need. You can also look up the help care leavers can get "
        "(the local offer)."
    ),
}
# When the local offer is not sure what was asked, it says so and sends a care leaver to
# their PA (personal adviser) or the Leaving Care Service; nobody else has either.
NOT_SURE = {
    "child_in_care": N_(
        "Sorry, I didn't understand that. You can type start to do a check-in and tell us "
        "how things are going. Or you can talk to your social worker or your carer."
    ),
    "carer": N_(
        "Sorry, I'm not sure I've understood that. You can type start to do a check-in "
        "about how fostering is going, or ask your supervising social worker."
    ),
}


# How much of words not taken (too long) their own line shows: the rest is in the box.
SAID_SHOWN = 200


def _page(template: str, status: int = 200, device: DeviceId | None = None, **context) -> Response:
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    if device is not None:
        remember(response, CHAT_COOKIE, device, COOKIE_PATH)
    return response


def _person() -> tuple[str, Profile] | None:
    device = existing_device(CHAT_COOKIE)
    if device is None:
        return None
    pseudonym = services.people().pseudonym("webchat", device)
    profile = services.people().profile(pseudonym)
    if profile is None or not profile.complete:
        return None
    return pseudonym, profile


def _start_page(device: DeviceId | None = None, cohort: str | None = None, error: str = ""):
    bands = [
        (band, str(BAND_LABELS.get(band, band))) for band in AGE_BANDS_FOR.get(cohort or "", ())
    ]
    return _page(
        "public/chat_start.html",
        400 if error else 200,
        device=device,
        cohorts=COHORT_LABELS,
        cohort=cohort,
        bands=bands,
        error=error,
    )


def _chat_page(
    reply: Reply,
    profile: Profile,
    *,
    said: str | None = None,
    offer: OfferReply | None = None,
    greeting: bool = False,
    contact_reply: contact.Taken | None = None,
    kept_help: KeptHelp | None = None,
    unsaved: str | None = None,
) -> Response:
    """One exchange. Help raised by this message comes first, straight under their words,
    with an offer answer under it only when the offer is sure of one (and first, above
    a "please read" for words in another language); help given earlier in the visit stays,
    folded. `contact_reply`: their answer to "would you like someone to get in touch?"
    (Heard's reply, or the question again with what to put right), with `kept_help`,
    the help it was asked under. `unsaved`: typed words not taken (too long, say), put
    back in the box exactly as typed, so nothing is lost and they can cut them down; their
    line above shows only the start of them, so Heard's "make it a bit shorter" is in view
    under it, not pushed off the screen by their own words."""
    active = reply.state == "active" and reply.prompt is not None
    if unsaved is not None and said == unsaved and len(said) > SAID_SHOWN:
        said = said[:SAID_SHOWN].rstrip() + "…"
    view = reply_view(reply)
    new_help = None
    new_help_alert_id = None
    if view.alert:
        new_help_alert_id = view.alert_id
        new_help = KeptHelp(view.alert, view.alert_urgent, new_help_alert_id)
    elif offer is not None and offer.alert:
        new_help_alert_id = offer.alert_id
        new_help = KeptHelp(offer.alert, offer.alert_urgent, new_help_alert_id)
    kept = None if new_help else (kept_help or posted_help())
    shown_help = new_help or kept
    return _page(
        "public/chat.html",
        reply=reply,
        view=view,
        prompt=prompt_view(reply.prompt) if active and reply.prompt else None,
        paused=reply.state == "paused",
        said=said,
        offer=offer
        if offer is not None and (not offer.alert or offer.answer is not None)
        else None,
        new_help=new_help,
        new_help_alert_id=new_help_alert_id,
        kept_help=kept,
        help_field=shown_help.sealed() if shown_help else "",
        greeting=str(GREETINGS.get(profile.cohort or "", GREETING)) if greeting else None,
        contact_reply=contact_reply,
        contact_token=request.form.get(contact.FIELD, "") if contact_reply else "",
        audience=profile.cohort,
        offer_available=services.offer_search() is not None,
        nonce=new_nonce(),
        unsaved=unsaved,
    )


@chat_blueprint.get("/chat")
def chat() -> Response:
    person = _person()
    if person is None:
        return _start_page()
    pseudonym, profile = person
    reply = _now(pseudonym)
    return _chat_page(reply, profile, greeting=reply.state == "none")


@chat_blueprint.get("/chat/start")
def start() -> Response:
    return _start_page()


@chat_blueprint.post("/chat/start")
def choose_profile() -> Response:
    device = read_device(CHAT_COOKIE)
    cohort = request.form.get("cohort", "")
    if cohort not in AGE_BANDS_FOR:
        return _start_page(device, error=gettext("Please choose one of these."))
    bands = AGE_BANDS_FOR[cohort]
    band = request.form.get("age_band") or (bands[0] if len(bands) == 1 else "")
    if not band:
        return _start_page(device, cohort=cohort)
    try:
        check_profile(cohort, band)
    except ProfileError:
        return _start_page(device, cohort=cohort, error=gettext("Please choose one of these ages."))
    people = services.people()
    people.set_profile(
        people.pseudonym("webchat", device.value), "webchat", cohort=cohort, age_band=band
    )
    response = redirect(url_for("public_chat.chat"), code=303)
    return remember(response, CHAT_COOKIE, device, COOKIE_PATH)


@chat_blueprint.post("/chat")
@retry_if_disconnected  # safe: the post's nonce makes a landed answer change nothing again
def send() -> Response:
    """A button or typed words. Anything typed in a check-in is one engine transaction
    (handle_if_active); outside one it may start one, or it is a local-offer question."""
    person = _person()
    if person is None:
        return redirect(url_for("public_chat.chat"), code=303)
    pseudonym, profile = person
    engine = services.engine()
    language = current_language()
    update_key = ("webchat", form_submission_id() or new_nonce())
    action = request.form.get("action", "")
    choice = ",".join(v for v in request.form.getlist("choice") if v)
    text = request.form.get("text", "")
    if action in ("begin", "resume"):
        said = (
            gettext("Carry on my check-in") if action == "resume" else gettext("Start a check-in")
        )
        return _begin(pseudonym, profile, said=said)
    if action in COMMANDS:
        reply = engine.handle_if_active(pseudonym, action, update_key=update_key, language=language)
        if reply is None:
            return _chat_page(engine.current(pseudonym, language=language), profile)
        return _after(pseudonym, profile, reply, said=str(COMMAND_WORDS[action]), key=update_key)
    if choice:
        step = request.form.get("step", "")
        reply = engine.handle(
            pseudonym, choice=choice, step=step, update_key=update_key, language=language
        )
        said = _choice_words(reply, step, choice)
        return _after(pseudonym, profile, reply, said=said, key=update_key, chosen=True)
    if not text.strip():
        now = _now(pseudonym)
        return _chat_page(now, profile, greeting=now.state == "none")
    reply = engine.handle_if_active(pseudonym, text, update_key=update_key, language=language)
    if reply is not None:
        return _after(pseudonym, profile, reply, said=text, key=update_key, typed=text)
    return _outside_checkin(pseudonym, profile, text, update_key)


@chat_blueprint.post("/chat/get-in-touch")
@retry_if_disconnected  # safe: recording the same answer again changes nothing
def get_in_touch() -> Response:
    """ "Would you like someone to get in touch?" answered under help in the chat. The
    answer goes onto the alert (webforms/public/contact.py); the page is the chat, where
    they were: their answer, Heard's reply (or the question again, with what they typed
    and what to put right), the help kept, and the question they were on, asked again.
    Nothing is asked of the engine but where they are: no answer is stored or repeated.
    (A route of its own, under the chat cookie's path, so no chat form can be taken for it.)"""
    person = _person()
    if person is None:
        return redirect(url_for("public_chat.chat"), code=303)
    pseudonym, profile = person
    if not allowed("get-in-touch", per_device=None, per_address=CONTACT_ANSWERS_PER_ADDRESS):
        return too_many_page()
    taken = contact.take_answer()
    if taken.offer is None:
        return contact.closed_page(taken)
    wording = contact_wording(taken.offer.audience, language=current_language())
    said = None if taken.wanted is None else wording.yes if taken.wanted else wording.no
    now = _now(pseudonym)
    kept = replace(taken.offer.help, alert_id=taken.offer.alert_id)
    return _chat_page(now, profile, said=said, contact_reply=taken, kept_help=kept)


@chat_blueprint.post("/chat/help")
@retry_if_disconnected  # safe: it only reads (asking again may carry over an answer, as ever)
def kept_help() -> Response:
    """The help this visit was shown, drawn again for chat.js after a reload (JavaScript
    on, a reload is a plain GET of /chat with no form to carry it): the sealed help it
    kept in the tab's history entry, with "would you like someone to get in touch?" under
    it, open, while the alert's question is unanswered; else folded, as on every later
    page without JavaScript. Nothing new is stored and nothing is asked of the engine (as
    whenever the question is asked, an answer they gave for another alert today stands
    for this one: contact.contact_offer). 204 when there is no help (none, forged or too
    old) or no chat."""
    person = _person()
    shown = posted_help()
    if person is None or shown is None:
        response = make_response("", 204)
        response.headers["Cache-Control"] = "no-store"
        return response
    pseudonym, profile = person
    return _page(
        "public/chat_kept_help.html",
        kept_help=shown,
        ask=_unanswered(shown.alert_id, pseudonym),
        audience=profile.cohort,
    )


def _now(pseudonym: str) -> Reply:
    """Where they are, shown under a greeting or their answer to "get in touch?": with no
    check-in open, nothing is said of one ("You don't have a check-in open right now" is
    for someone who asked to go back, skip or stop, and they did not)."""
    reply = services.engine().current(pseudonym, language=current_language())
    return Reply(state="none") if reply.state == "none" else reply


def _unanswered(alert_id: int | None, pseudonym: str) -> bool:
    """This person's alert, whose "get in touch?" they have not answered yet."""
    if alert_id is None:
        return False
    with transaction(services.sessions()) as session:
        alert = session.get(SafeguardingAlert, alert_id)
        return (
            alert is not None and alert.pseudonym == pseudonym and alert.contact_answered_at is None
        )


def _outside_checkin(
    pseudonym: str, profile: Profile, text: str, update_key: tuple[str, str]
) -> Response:
    """Typed words with no check-in under way (a paused one was not asked to carry on):
    start one, help, or a local-offer question. The same post again (a reload without
    JavaScript) is answered with the same help and the same alert, raising nothing new."""
    engine = services.engine()
    language = current_language()
    now = engine.current(pseudonym, language=language)
    word = normalise(text)
    if word in START_WORDS or word == normalise(gettext("start")):
        return _begin(pseudonym, profile, said=text)
    words = engine.speaking(language).messages
    if words.command(text) == "help" or engine.messages.command(text) == "help":
        help_reply = Reply(state=now.state, messages=(words.help,))
        return _chat_page(help_reply, profile, said=text)
    offer = ask_offer(
        text,
        channel="webchat",
        pseudonym=pseudonym,
        cohort=profile.cohort,
        age_band=profile.age_band,
        update_key=update_key,
    )
    offer = _not_sure_for(offer, profile.cohort)
    shown = now if now.state == "paused" else Reply(state="none")
    unsaved = text if offer.too_long else None
    return _chat_page(shown, profile, said=text, offer=offer, unsaved=unsaved)


def _not_sure_for(offer: OfferReply, cohort: str | None) -> OfferReply:
    """The offer's "not sure" reply in words for who is asking (NOT_SURE): never "ask your
    PA" to a child in care or a foster carer. A sure answer, help, and any other reply (too
    long, the offer not there) stay as they are."""
    words = NOT_SURE.get(cohort or "")
    answer = offer.answer
    if words is None or offer.alert is not None or answer is None or answer.confident:
        return offer
    text = gettext(words)
    return OfferReply(text, language=current_language() if text != words else "en")


def _begin(pseudonym: str, profile: Profile, said: str) -> Response:
    """Start a check-in, or carry on the one open. Only a new one counts towards the
    limit on check-ins begun (webforms/limits.py)."""
    language = current_language()
    starting = services.engine().current(pseudonym, language=language).state == "none"
    if starting and not allowed(
        "checkin", per_device=CHECKINS_PER_DEVICE, per_address=CHECKINS_PER_ADDRESS
    ):
        return too_many_page()
    try:
        reply = services.engine().begin(pseudonym, channel="webchat", language=language)
    except EngineError as error:
        return _chat_page(Reply(state="none", messages=(str(error),)), profile, said=said)
    return _chat_page(reply, profile, said=said)


def _after(
    pseudonym: str,
    profile: Profile,
    reply: Reply,
    said: str,
    *,
    key: tuple[str, str],
    typed: str | None = None,
    chosen: bool = False,
) -> Response:
    """The page after a check-in message. The same post again (`key`: a reload without
    JavaScript posts the last form again) changes nothing and gets where they are now;
    if it raised help the first time (`typed` words, or an answer `chosen`), that help is
    shown again, from its alert: open, with "would you like someone to get in touch?",
    while that is unanswered, else kept, folded."""
    if reply.state != "duplicate":
        return _chat_page(reply, profile, said=said, unsaved=_not_taken(reply, typed))
    language = current_language()
    reply = services.engine().current(pseudonym, language=language)
    if typed is None and not chosen:
        return _chat_page(reply, profile, said=said)
    with transaction(services.sessions()) as session:
        alert = earlier_alert(session, key, pseudonym, typed)
        again = help_again(alert, typed, profile.cohort, language) if alert else None
        answered = alert is not None and alert.contact_answered_at is not None
    if again is None:
        return _chat_page(reply, profile, said=said)
    if answered:
        kept = KeptHelp(again.text, again.urgent, again.alert_id)
        return _chat_page(reply, profile, said=said, kept_help=kept)
    shown = replace(
        reply,
        messages=(again.text, *reply.messages),
        alert_id=again.alert_id,
        alert_urgent=again.urgent,
    )
    return _chat_page(shown, profile, said=said)


def _not_taken(reply: Reply, typed: str | None) -> str | None:
    """Words typed as the answer to a free-text question and not taken ("I haven't saved
    this one yet"), with that question asked again: they go back in the box. Never after
    help (the next step is "carry on?"), nor once taken."""
    prompt = reply.prompt
    if typed is None or reply.accepted or reply.state != "active" or prompt is None:
        return None
    return typed if prompt.type == "text" else None


def _choice_words(reply: Reply, step: str, choice: str) -> str:
    """What the person pressed, in the words on the button (not its value)."""
    messages = services.engine().speaking(current_language()).messages
    labels = {
        CONSENT: {"yes": messages.consent_yes, "no": messages.consent_no},
        QUOTE: {"yes": messages.quote_yes, "no": messages.quote_no},
        CONTINUE: {"yes": messages.continue_yes, "no": messages.continue_no},
    }.get(step)
    if labels is None:
        labels = _option_labels(reply.survey_id, step)
    return ", ".join(labels.get(value, value) for value in choice.split(","))


def _option_labels(survey_id: str | None, step: str) -> dict[str, str]:
    survey = services.engine().speaking(current_language()).catalogue.get(survey_id or "")
    if survey is None:
        return {}
    try:
        question = survey.question(step)
    except KeyError:
        return {}
    return {o.value: o.display for o in question.options}


# ---------------------------------------------------------------- see or delete my answers


def _urls() -> my_data.Urls:
    return my_data.Urls(
        page=url_for("public_chat.my_data_page"),
        download=url_for("public_chat.my_data_download"),
        delete=url_for("public_chat.my_data_delete"),
        back=url_for("public_chat.chat"),
    )


@chat_blueprint.get("/chat/my-data")
def my_data_page() -> Response:
    person = _person()
    if person is None:
        return redirect(url_for("public_chat.chat"), code=303)
    return my_data.summary_page(person[0], base=_urls(), audience=person[1].cohort)


@chat_blueprint.get("/chat/my-data.json")
def my_data_download() -> Response:
    person = _person()
    if person is None:
        return redirect(url_for("public_chat.chat"), code=303)
    return my_data.download(person[0])


@chat_blueprint.route("/chat/my-data/delete", methods=["GET", "POST"])
def my_data_delete() -> Response:
    person = _person()
    if person is None:
        return redirect(url_for("public_chat.chat"), code=303)
    if request.method == "GET":
        return my_data.confirm_page(base=_urls(), audience=person[1].cohort)
    if request.form.get("confirm") != "yes":
        return redirect(url_for("public_chat.my_data_page"), code=303)
    response = my_data.erase(
        person[0], back_url=url_for("public_chat.chat"), audience=person[1].cohort
    )
    return forget(response, CHAT_COOKIE, COOKIE_PATH)
