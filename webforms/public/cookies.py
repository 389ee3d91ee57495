"""Random, unguessable cookies that stand in for a device: no account, no name.

A survey link is bound to the device cookie that first opened it; the web chat
knows a person only by its own chat cookie. Only hashes of these values reach
the database (keyed pseudonyms or per-invite SHA-256), never the values.

The one other public cookie is `heard_lang` (webforms/public/language.py): the language a
person pressed, a shipped code and nothing else, never stored anywhere.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from flask import request
from werkzeug.wrappers import Response

from webforms.public.services import config

DEVICE_COOKIE = "heard_device"
CHAT_COOKIE = "heard_chat"
COOKIE_DAYS = 180
_VALID = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


@dataclass(frozen=True)
class DeviceId:
    value: str
    is_new: bool


def read_device(name: str) -> DeviceId:
    """This browser's id from cookie `name`, or a fresh one to set on the response."""
    raw = request.cookies.get(name, "")
    if _VALID.match(raw):
        return DeviceId(raw, False)
    return DeviceId(secrets.token_urlsafe(32), True)


def existing_device(name: str) -> str | None:
    raw = request.cookies.get(name, "")
    return raw if _VALID.match(raw) else None


def remember(response: Response, name: str, device: DeviceId, path: str) -> Response:
    if device.is_new:
        response.set_cookie(
            name,
            device.value,
            max_age=COOKIE_DAYS * 24 * 3600,
            path=path,
            secure=config().secure_cookies,
            httponly=True,
            samesite="Lax",
        )
    return response


def forget(response: Response, name: str, path: str) -> Response:
    response.delete_cookie(name, path=path, secure=config().secure_cookies, samesite="Lax")
    return response


def invite_device_hash(invite_id: int, device: str) -> str:
    """Per-invite, so the same phone's two links cannot be linked in the database."""
    return hashlib.sha256(f"{invite_id}:{device}".encode()).hexdigest()


def new_nonce() -> str:
    """One per rendered form: a double-submitted form then changes nothing twice."""
    return secrets.token_urlsafe(18)


_NONCE = re.compile(r"^[A-Za-z0-9_-]{16,48}$")


def form_nonce() -> str | None:
    raw = request.form.get("nonce", "")
    return raw if _NONCE.match(raw) else None


def form_submission_id() -> str | None:
    """The form's nonce with a digest of what was sent in it: a reload that sends the
    same form again is the same submission (it changes nothing twice), but different
    words sent from an old page (after Back, say) are new and are read, never dropped
    as a duplicate. At most 61 characters (processed_updates.update_id holds 64)."""
    nonce = form_nonce()
    if nonce is None:
        return None
    sent = sorted(
        (key, value)
        for key, values in request.form.lists()
        if key not in {"nonce", "csrf_token"}
        for value in values
    )
    digest = hashlib.sha256(repr(sent).encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{nonce}:{digest}"
