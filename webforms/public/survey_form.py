"""The survey form at /s/<token>: one question per page, driven by the same engine as the bot.

Every page is a plain form post, so it works with JavaScript off. The engine
commits each answer before the next page is drawn, so closing the tab loses
nothing and reopening the link carries on. The link's device cookie decides
who may carry on: anyone else gets a kind "already used" page and nothing more.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from flask import Blueprint, Response, make_response, redirect, render_template, request
from flask import url_for as flask_url_for

from storage.db import retry_if_disconnected, transaction
from storage.invites import (
    bind_respondent,
    claim_invite,
    find_invite,
    latest_invite_session_state,
    note_open_link_used,
)
from storage.respondents import find_respondent
from surveys.engine import EngineError, Reply
from webforms.public import my_data, services
from webforms.public.cookies import (
    DEVICE_COOKIE,
    DeviceId,
    existing_device,
    form_nonce,
    invite_device_hash,
    new_nonce,
    read_device,
    remember,
)
from webforms.public.views import ReplyView, prompt_view, reply_view
from webforms.public.you_said import published_posts

survey_blueprint = Blueprint("public_survey", __name__)
COOKIE_PATH = "/s/"
ACTIONS = {"back": "back", "skip": "skip", "stop": "stop"}
THANKS_POSTS = 3


@dataclass(frozen=True)
class Visitor:
    """The person behind a link on this device: a pseudonym, never the device or token."""

    invite_id: int
    survey_id: str
    pseudonym: str


class Refused(Exception):
    def __init__(self, page: str, status: int) -> None:
        super().__init__(page)
        self.page = page
        self.status = status


def admit(token: str, device: str, *, may_claim: bool) -> Visitor:
    """Who this device is for this link; claims an unused single-use link on first GET."""
    people = services.people()
    with transaction(services.sessions()) as session:
        invite = find_invite(session, token)
        if invite is None:
            raise Refused("public/link_unknown.html", 404)
        if invite.open_link:
            pseudonym = people.pseudonym("web", f"open:{invite.id}:{device}")
            # After the event, someone already part-way through may still finish.
            if invite.closed_at is not None and find_respondent(session, pseudonym) is None:
                raise Refused("public/link_closed.html", 410)
            note_open_link_used(session, invite.id)
        else:
            device_hash = invite_device_hash(invite.id, device)
            if invite.first_used_at is None:
                if not may_claim or not claim_invite(session, invite.id, device_hash):
                    raise Refused("public/link_used.html", 403)
            elif invite.device_hash is None or not hmac.compare_digest(
                invite.device_hash, device_hash
            ):
                raise Refused("public/link_used.html", 403)
            pseudonym = people.pseudonym("web", invite.id)
        visitor = Visitor(invite.id, invite.survey_id, pseudonym)
        cohort, age_band, open_link = invite.cohort, invite.age_band, invite.open_link
        # A bound single-use link already has its profiled respondent (erasure unbinds):
        # skip two transactions on every answer posted.
        if not open_link and invite.respondent_id is not None:
            return visitor
    profile = people.profile(pseudonym)
    if profile is None or not profile.complete:
        people.set_profile(pseudonym, "web", cohort=cohort, age_band=age_band)
    if not open_link:
        with transaction(services.sessions()) as session:
            bind_respondent(session, visitor.invite_id, pseudonym)
    return visitor


def _page(template: str, status: int = 200, device: DeviceId | None = None, **context) -> Response:
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    if device is not None:
        remember(response, DEVICE_COOKIE, device, COOKIE_PATH)
    return response


def _refused(refusal: Refused) -> Response:
    return _page(refusal.page, refusal.status)


def render_reply(token: str, reply: Reply, device: DeviceId | None = None) -> Response:
    """The page for wherever the engine says the person is now."""
    view = reply_view(reply)
    context = {"token": token, "reply": reply, "view": view}
    if reply.state == "completed":
        return _thanks(token, view, device)
    if reply.state == "paused":
        return _page("public/survey_paused.html", device=device, **context)
    if reply.state == "declined":
        return _page("public/survey_declined.html", device=device, **context)
    if reply.prompt is None:
        return _page("public/survey_unavailable.html", 410, device=device, **context)
    survey = services.engine().catalogue.get(reply.survey_id or "")
    return _page(
        "public/survey_question.html",
        device=device,
        prompt=prompt_view(reply.prompt),
        survey_title=survey.title if survey else "Check-in",
        nonce=new_nonce(),
        **context,
    )


def _thanks(token: str, view: ReplyView | None, device: DeviceId | None) -> Response:
    posts = published_posts(limit=THANKS_POSTS)
    return _page("public/survey_thanks.html", device=device, token=token, view=view, posts=posts)


@survey_blueprint.get("/s/<token>")
def open_link(token: str) -> Response:
    device = read_device(DEVICE_COOKIE)
    try:
        visitor = admit(token, device.value, may_claim=True)
    except Refused as refusal:
        return _refused(refusal)
    with transaction(services.sessions()) as session:
        state = latest_invite_session_state(session, visitor.invite_id, visitor.pseudonym)
    if state == "completed":
        return _thanks(token, None, device)
    try:
        reply = services.engine().begin(
            visitor.pseudonym,
            channel="web",
            survey_id=visitor.survey_id,
            invite_id=visitor.invite_id,
        )
    except EngineError:
        return _page("public/survey_unavailable.html", 410, device=device, token=token)
    return render_reply(token, reply, device)


@survey_blueprint.post("/s/<token>")
@retry_if_disconnected  # safe: the post's nonce makes a landed answer change nothing again
def answer(token: str) -> Response:
    device = existing_device(DEVICE_COOKIE)
    if device is None:
        return _page("public/link_used.html", 403)
    try:
        visitor = admit(token, device, may_claim=False)
    except Refused as refusal:
        return _refused(refusal)
    nonce = form_nonce()
    reply = services.engine().answer_step(
        visitor.pseudonym,
        request.form.get("step", ""),
        update_key=("web", nonce) if nonce else None,
        **_engine_input(),
    )
    if reply.state == "none":
        return redirect(flask_url_for("public_survey.open_link", token=token), code=303)
    return render_reply(token, reply)


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
    device = existing_device(DEVICE_COOKIE)
    if device is None:
        raise Refused("public/link_used.html", 403)
    return admit(token, device, may_claim=False)


@survey_blueprint.get("/s/<token>/my-data")
def my_data_page(token: str) -> Response:
    try:
        visitor = _owner(token)
    except Refused as refusal:
        return _refused(refusal)
    return my_data.summary_page(visitor.pseudonym, base=_my_data_urls(token))


@survey_blueprint.get("/s/<token>/my-data.json")
def my_data_download(token: str) -> Response:
    try:
        visitor = _owner(token)
    except Refused as refusal:
        return _refused(refusal)
    return my_data.download(visitor.pseudonym)


@survey_blueprint.route("/s/<token>/my-data/delete", methods=["GET", "POST"])
def my_data_delete(token: str) -> Response:
    try:
        visitor = _owner(token)
    except Refused as refusal:
        return _refused(refusal)
    if request.method == "GET":
        return my_data.confirm_page(base=_my_data_urls(token))
    if request.form.get("confirm") != "yes":
        return redirect(flask_url_for("public_survey.my_data_page", token=token), code=303)
    return my_data.erase(visitor.pseudonym, back_url=None)


def _my_data_urls(token: str) -> my_data.Urls:
    return my_data.Urls(
        page=flask_url_for("public_survey.my_data_page", token=token),
        download=flask_url_for("public_survey.my_data_download", token=token),
        delete=flask_url_for("public_survey.my_data_delete", token=token),
        back=flask_url_for("public_survey.open_link", token=token),
    )
