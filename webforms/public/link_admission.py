"""Who a survey link is for on this device, and the one moment a single-use link is spent.

Messaging apps and mail scanners fetch a link (GET or HEAD) before the person taps
it, so looking at a link (`look`) reads and never writes: no claim, no respondent,
no check-in. A single-use link is claimed when the person acts on its first page
(`join`, on their first POST): the claim, their keyed pseudonym's respondent and
its binding to the link are one transaction, so two devices racing get one winner,
and a failure leaves the link as it was.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from sqlalchemy.orm import Session

from storage.db import transaction
from storage.invites import (
    bind_respondent,
    claim_invite,
    find_invite,
    note_open_link_used,
)
from storage.models import Invite
from storage.respondents import find_respondent, get_or_create_respondent, set_profile
from storage.web_contacts import bind_contact_to_person, pseudonym_for_link
from webforms.limits import OPEN_LINK_PEOPLE_PER_ADDRESS, allowed
from webforms.public import services
from webforms.public.cookies import invite_device_hash

CHANNEL = "web"


@dataclass(frozen=True)
class Visitor:
    """The person behind a link on this device: a pseudonym, never the device or token.
    `joined` is False for someone who has only looked: nothing about them is stored."""

    invite_id: int
    survey_id: str
    cohort: str
    pseudonym: str
    joined: bool


class Refused(Exception):
    """This device may not use this link: the kind page to show, and its status."""

    def __init__(self, page: str, status: int) -> None:
        super().__init__(page)
        self.page = page
        self.status = status


UNKNOWN = ("public/link_unknown.html", 404)
CLOSED = ("public/link_closed.html", 410)
USED = ("public/link_used.html", 403)
TOO_MANY = ("too_many.html", 429)  # new people through one open link, from one address


def look(token: str, device: str) -> Visitor:
    """Who this device is for this link, changing nothing (safe for GET and HEAD)."""
    with transaction(services.sessions()) as session:
        invite = _invite(session, token)
        pseudonym = _pseudonym(session, invite, device)
        if invite.open_link:
            joined = find_respondent(session, pseudonym) is not None
            if not joined and invite.closed_at is not None:
                raise Refused(*CLOSED)
        elif invite.first_used_at is None:
            joined = False
        elif _is_this_device(invite, device):
            joined = invite.respondent_id is not None
        else:
            raise Refused(*USED)
        return _visitor(invite, pseudonym, joined)


def join(token: str, device: str) -> Visitor:
    """This device acts on the link: claim it (single-use) and create the respondent.

    One transaction, with the conditional UPDATE first: of two devices posting at once,
    the second finds the link claimed (PostgreSQL re-checks the row after the first
    commits; SQLite serialises the writers) and is refused. An error rolls it all back.
    """
    with transaction(services.sessions()) as session:
        invite = _invite(session, token)
        pseudonym = _pseudonym(session, invite, device)
        if invite.open_link:
            if find_respondent(session, pseudonym) is None:
                if invite.closed_at is not None:
                    raise Refused(*CLOSED)
                if not allowed(
                    "open_link", per_device=None, per_address=OPEN_LINK_PEOPLE_PER_ADDRESS
                ):
                    raise Refused(*TOO_MANY)
                _create_respondent(session, invite, pseudonym)
                note_open_link_used(session, invite.id)
            return _visitor(invite, pseudonym, True)
        unclaimed = invite.first_used_at is None
        if not (
            unclaimed and claim_invite(session, invite.id, invite_device_hash(invite.id, device))
        ):
            if unclaimed:  # claimed since we read it: by whom? (maybe our own double tap)
                session.refresh(invite)
            if not _is_this_device(invite, device):
                raise Refused(*USED)
        if invite.respondent_id is None:
            respondent_id = _create_respondent(session, invite, pseudonym)
            bind_respondent(session, invite.id, pseudonym)
            bind_contact_to_person(session, invite.id, respondent_id)
        return _visitor(invite, pseudonym, True)


def _invite(session: Session, token: str) -> Invite:
    invite = find_invite(session, token)
    if invite is None:
        raise Refused(*UNKNOWN)
    return invite


def _pseudonym(session: Session, invite: Invite, device: str) -> str:
    """One respondent per single-use link; one per device on an open event link; and a
    link texted or emailed as a reminder is the same person it was sent to."""
    people = services.people()
    if not invite.open_link:
        carried = pseudonym_for_link(session, invite.id)
        if carried is not None:
            return carried
    if invite.open_link:
        return people.pseudonym(CHANNEL, f"open:{invite.id}:{device}")
    return people.pseudonym(CHANNEL, invite.id)


def _is_this_device(invite: Invite, device: str) -> bool:
    """Erasure clears the binding, so an erased link is refused everywhere."""
    if invite.device_hash is None:
        return False
    return hmac.compare_digest(invite.device_hash, invite_device_hash(invite.id, device))


def _create_respondent(session: Session, invite: Invite, pseudonym: str) -> int:
    respondent = get_or_create_respondent(session, pseudonym, CHANNEL)
    set_profile(session, respondent, cohort=invite.cohort, age_band=invite.age_band)
    return respondent.id


def _visitor(invite: Invite, pseudonym: str, joined: bool) -> Visitor:
    return Visitor(invite.id, invite.survey_id, invite.cohort, pseudonym, joined)
