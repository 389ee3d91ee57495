"""The survey form at /s/<token>: one question per page, driven by the same engine as the bot.

Every page is a plain form post, so it works with JavaScript off. The engine
commits each answer before the next page is drawn, so closing the tab loses
nothing and reopening the link carries on. Opening a link changes nothing (link
previews open it too); the person's first answer claims a single-use link for
their device (link_admission), and anyone else then gets a kind "already used" page.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, make_response, redirect, render_template, request
from flask import url_for as flask_url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from storage.db import retry_if_disconnected, transaction
from storage.invites import latest_invite_session_state, record_helped
from surveys.engine import CONSENT, EngineError, Reply
from webforms.public import answers_window, my_data, services
from webforms.public.cookies import (
    DEVICE_COOKIE,
    DeviceId,
    existing_device,
    form_submission_id,
    new_nonce,
    read_device,
    remember,
)
from webforms.public.first_page import consent_reply
from webforms.public.language import current_language
from webforms.public.link_admission import USED, Refused, Visitor, join, look
from webforms.public.views import prompt_view, reply_view
from webforms.public.you_said import published_posts

survey_blueprint = Blueprint("public_survey", __name__)
COOKIE_PATH = "/s/"
ACTIONS = {"back": "back", "skip": "skip", "stop": "stop"}
THANKS_POSTS = 3


def _page(
    template: str, status: int = 200, device: DeviceId | None = None, **context: Any
) -> Response:
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    if device is not None:
        remember(response, DEVICE_COOKIE, device, COOKIE_PATH)
    return response


def _refused(refusal: Refused) -> Response:
    return _page(refusal.page, refusal.status)


def render_reply(
    token: str,
    visitor: Visitor,
    reply: Reply,
    device: DeviceId | None = None,
    typed: str | None = None,
) -> Response:
    """The page for wherever the engine says the person is now. `typed`: words they
    wrote that were not taken (too long, say), put back in the box as they wrote them."""
    view = reply_view(reply)
    context: dict[str, Any] = {
        "token": token,
        "reply": reply,
        "view": view,
        "audience": visitor.cohort,
    }
    if reply.state == "completed":
        return _page(
            "public/survey_thanks.html",
            device=device,
            posts=published_posts(limit=THANKS_POSTS),
            answers_open=True,
            **context,
        )
    if reply.state == "paused":
        return _page("public/survey_paused.html", device=device, **context)
    if reply.state == "declined":
        return _page("public/survey_declined.html", device=device, **context)
    if reply.prompt is None:
        return _page("public/survey_unavailable.html", 410, device=device, **context)
    survey = services.engine().speaking(current_language()).catalogue.get(reply.survey_id or "")
    return _page(
        "public/survey_question.html",
        device=device,
        prompt=prompt_view(reply.prompt),
        survey_title=survey.title if survey else gettext("Check-in"),
        asks_about_help=_asks_about_help(reply.survey_id),
        nonce=new_nonce(),
        typed=typed,
        **context,
    )


def _finished(token: str, visitor: Visitor, device: DeviceId) -> Response:
    """A finished link opened again: the answers only within the window after finishing."""
    if answers_window.is_open(visitor.invite_id):
        return _page(
            "public/survey_thanks.html",
            device=device,
            token=token,
            view=None,
            posts=published_posts(limit=THANKS_POSTS),
            answers_open=True,
            audience=visitor.cohort,
        )
    return _page("public/survey_finished.html", device=device, audience=visitor.cohort)


@survey_blueprint.get("/s/<token>")
def open_link(token: str) -> Response:
    """Look, never claim: a first visit (or a link preview) gets the consent page only."""
    device = read_device(DEVICE_COOKIE)
    try:
        visitor = look(token, device.value)
    except Refused as refusal:
        return _refused(refusal)
    if not visitor.joined:
        first = consent_reply(visitor.survey_id)
        if first is None:
            return _page("public/survey_unavailable.html", 410, token=token)
        return render_reply(token, visitor, first, device)
    with transaction(services.sessions()) as session:
        state = latest_invite_session_state(session, visitor.invite_id, visitor.pseudonym)
    if state == "completed":
        return _finished(token, visitor, device)
    try:
        reply = _begin(visitor)
    except EngineError:
        return _page("public/survey_unavailable.html", 410, device=device, token=token)
    return render_reply(token, visitor, reply, device)


@survey_blueprint.post("/s/<token>")
@retry_if_disconnected  # safe: the claim is one transaction; the nonce keeps answers once
def answer(token: str) -> Response:
    device = existing_device(DEVICE_COOKIE)
    if device is None:
        return _page(USED[0], USED[1])
    try:
        visitor = join(token, device)
    except Refused as refusal:
        return _refused(refusal)
    nonce = form_submission_id()
    step = request.form.get("step", "")
    update_key = ("web", nonce) if nonce else None
    engine = services.engine()
    language = current_language()
    reply = engine.answer_step(
        visitor.pseudonym, step, update_key=update_key, language=language, **_engine_input()
    )
    if reply.state == "none" and _never_started(visitor):
        # Their first answer (or a retry after a failed first one): start, then take it.
        try:
            _begin(visitor)
        except EngineError:
            return _page("public/survey_unavailable.html", 410, token=token)
        reply = engine.answer_step(
            visitor.pseudonym, step, update_key=update_key, language=language, **_engine_input()
        )
    if reply.state == "none":
        return redirect(flask_url_for("public_survey.open_link", token=token), code=303)
    if step == CONSENT and reply.state == "active" and _asks_about_help(visitor.survey_id):
        # "A grown-up is helping me answer", ticked or not on the first page: kept on the
        # check-in so reports can show those answers apart (they still count)
        with transaction(services.sessions()) as session:
            record_helped(
                session, visitor.invite_id, visitor.pseudonym, request.form.get("helped") == "yes"
            )
    response = render_reply(token, visitor, reply, typed=_words_not_taken(reply, step))
    return answers_window.open_window(response, token, visitor.invite_id)


def _words_not_taken(reply: Reply, step: str) -> str | None:
    """Words typed into a text box and not taken (too long, say: "I haven't saved this one
    yet"), when that same box is asked again: they go back in it, exactly as typed, so
    nothing they wrote is lost and they can cut it down. Never after help (the next page
    is "carry on?") nor once taken (the next question's box starts empty)."""
    prompt = reply.prompt
    if reply.accepted or prompt is None or prompt.type != "text" or prompt.step != step:
        return None
    return _engine_input().get("text")


def _asks_about_help(survey_id: str | None) -> bool:
    """Whether the first page asks "A grown-up is helping me answer": on children's
    check-ins (a worker or carer may sit with the child), not care leavers' or carers'."""
    survey = services.engine().catalogue.get(survey_id or "")
    return survey is not None and "child_in_care" in survey.audience.cohorts


def _begin(visitor: Visitor) -> Reply:
    return services.engine().begin(
        visitor.pseudonym,
        channel="web",
        survey_id=visitor.survey_id,
        invite_id=visitor.invite_id,
        language=current_language(),
    )


def _never_started(visitor: Visitor) -> bool:
    """No check-in from this link yet (or they said "Not now" and it was deleted)."""
    with transaction(services.sessions()) as session:
        return latest_invite_session_state(session, visitor.invite_id, visitor.pseudonym) is None


def _engine_input() -> dict[str, str]:
    """What one form post means to the engine: a command, a choice, or typed words."""
    action = request.form.get("action", "answer")
    if action in ACTIONS:
        return {"text": ACTIONS[action]}
    choices = [value for value in request.form.getlist("choice") if value]
    if choices:
        return {"choice": ",".join(choices)}
    return {"text": request.form.get("text", "")}


# ---------------------------------------------------------------- see or delete my answers


def _owner(token: str) -> Visitor:
    """The device that answered, within the short window after it last answered."""
    device = existing_device(DEVICE_COOKIE)
    if device is None:
        raise Refused(*USED)
    visitor = look(token, device)
    if not visitor.joined:
        raise Refused(*USED)
    if not answers_window.is_open(visitor.invite_id):
        raise Refused("public/answers_closed.html", 403)
    return visitor


def _owner_page(token: str, refusal: Refused) -> Response:
    if refusal.page == "public/answers_closed.html":
        return _page(refusal.page, refusal.status, token=token)
    return _refused(refusal)


@survey_blueprint.get("/s/<token>/my-data")
def my_data_page(token: str) -> Response:
    try:
        visitor = _owner(token)
    except Refused as refusal:
        return _owner_page(token, refusal)
    return my_data.summary_page(
        visitor.pseudonym, base=_my_data_urls(token), audience=visitor.cohort
    )


@survey_blueprint.get("/s/<token>/my-data.json")
def my_data_download(token: str) -> Response:
    try:
        visitor = _owner(token)
    except Refused as refusal:
        return _owner_page(token, refusal)
    return my_data.download(visitor.pseudonym)


@survey_blueprint.route("/s/<token>/my-data/delete", methods=["GET", "POST"])
def my_data_delete(token: str) -> Response:
    try:
        visitor = _owner(token)
    except Refused as refusal:
        return _owner_page(token, refusal)
    if request.method == "GET":
        return my_data.confirm_page(base=_my_data_urls(token), audience=visitor.cohort)
    if request.form.get("confirm") != "yes":
        return redirect(flask_url_for("public_survey.my_data_page", token=token), code=303)
    erased = my_data.erase(visitor.pseudonym, back_url=None, audience=visitor.cohort)
    return answers_window.close_window(erased, token)


@survey_blueprint.post("/s/<token>/done")
def close_answers(token: str) -> Response:
    """ "I've finished": shut the answers window now, on a shared phone or computer."""
    response = redirect(flask_url_for("public_survey.open_link", token=token), code=303)
    return answers_window.close_window(response, token)


def _my_data_urls(token: str) -> my_data.Urls:
    return my_data.Urls(
        page=flask_url_for("public_survey.my_data_page", token=token),
        download=flask_url_for("public_survey.my_data_download", token=token),
        delete=flask_url_for("public_survey.my_data_delete", token=token),
        back=flask_url_for("public_survey.open_link", token=token),
    )
