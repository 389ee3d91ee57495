"""Rate limits on the pages anyone can post to, so no script can move the council's figure
or flood the safeguarding queue.

The web chat, open event links, the offer search and "would you like someone to get
in touch?" need no invite, so each is limited per device (the chat's cookie) and per
address, with Flask-Limiter (a single-use invite link is its own limit: one person).
Its counts live in `WebConfig.rate_limit_storage`: `memory://` (one process) by
default, or Redis (`redis://host:6379/0`) so that they hold across
`heard web --workers N` and several machines. Starting a check-in has a
tighter limit of its own, checked where a check-in begins.

The limits are generous for a person (a teenager types a few messages a minute; a
children's home or an event shares one address) and far below a script's pace.
Going over gives a kind page that says nothing was lost, never an error.

The staff sign-in page counts its failures in the same store (`sign_in_*` below): per
account and address, and per address with a cap an office cannot reach by mistake.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, make_response, render_template, request
from flask import Response as FlaskResponse
from flask_limiter import Limiter, RequestLimit
from limits import RateLimitItem, parse_many
from limits.strategies import RateLimiter

# endpoint -> limits per device (None: the address only) and per address
ROUTE_LIMITS: dict[str, tuple[str | None, str]] = {
    "public_chat.send": ("120 per minute;1500 per day", "600 per minute;6000 per hour"),
    "public_chat.choose_profile": ("20 per hour", "200 per hour"),
    "public_contact.get_in_touch": (None, "30 per hour"),
    "public_offer.search": (None, "60 per minute;600 per hour"),
}
# Check-ins begun: a person does one or two a day; a fun day's shared wifi, a few dozen
# an hour. A script doing 60 in 15 seconds is stopped after the first few.
CHECKINS_PER_DEVICE = "4 per hour;10 per day"
CHECKINS_PER_ADDRESS = "40 per hour"
# New people through one open event link, per address (an event shares one network).
OPEN_LINK_PEOPLE_PER_ADDRESS = "120 per hour"
CHAT_COOKIE = "heard_chat"


def client_address() -> str:
    return request.remote_addr or "unknown"


def _no_device() -> bool:
    return not request.cookies.get(CHAT_COOKIE)


def device_key() -> str:
    """The chat cookie, hashed: the counter store never holds it."""
    cookie = request.cookies.get(CHAT_COOKIE, "")
    return "device:" + hashlib.sha256(cookie.encode("utf-8", "replace")).hexdigest()[:32]


def _too_fast(limit: RequestLimit) -> FlaskResponse:
    return too_many_page()


def install_limits(app: Flask, storage_uri: str = "memory://") -> Limiter:
    """One limiter per app (so tests and workers never share memory counts by accident),
    wrapped around the endpoints in ROUTE_LIMITS."""
    limiter = Limiter(
        client_address,
        app=app,
        storage_uri=storage_uri,
        strategy="moving-window",
        headers_enabled=False,  # our own pages say when to try again (Retry-After)
        on_breach=_too_fast,
        swallow_errors=True,  # a Redis outage must not stop a child answering
        in_memory_fallback_enabled=True,
    )
    for endpoint, (per_device, per_address) in ROUTE_LIMITS.items():
        view: Callable[..., Any] | None = app.view_functions.get(endpoint)
        if view is None:
            continue
        view = limiter.limit(per_address, key_func=client_address, methods=["POST"])(view)
        if per_device:  # a first visit has no cookie yet: the address limit covers it
            view = limiter.limit(
                per_device, key_func=device_key, methods=["POST"], exempt_when=_no_device
            )(view)
        app.view_functions[endpoint] = view
    app.extensions["heard.limiter"] = limiter
    return limiter


def allowed(action: str, *, per_device: str | None, per_address: str) -> bool:
    """Count one `action` for this device and address; False if either is over its limit
    (then nothing is counted against the other)."""
    limiter: Limiter | None = current_app.extensions.get("heard.limiter")
    if limiter is None or not limiter.enabled:
        return True
    checks = [(per_address, "address:" + client_address())]
    if per_device and not _no_device():
        checks.append((per_device, device_key()))
    items = [(item, key) for text, key in checks for item in parse_many(text)]
    strategy = limiter.limiter
    try:
        if not all(strategy.test(item, action, key) for item, key in items):
            return False
        for item, key in items:
            strategy.hit(item, action, key)
    except Exception:  # noqa: BLE001 - the counter store is away: let the person through
        return True
    return True


# Staff sign-in (webforms/staff/auth.py). Wrong passwords for one account lock that
# account from that address only: a stranger who knows the safeguarding lead's email
# locks only themselves out, never the lead at their desk. The cap per address counts
# failures for every account together; it is high, because a council office or a
# children's home signs in through one address and one person's typos (at most 5, then
# their own lock) must not stop everyone else, yet a script trying account after
# account from one address is stopped.
SIGN_IN_FAILURES_PER_ACCOUNT = "5 per 15 minutes"
SIGN_IN_FAILURES_PER_ADDRESS = "50 per 10 minutes"
SIGN_IN = "staff-sign-in"


def _account_key(account: str) -> str:
    """The typed email, keyed with the app's secret: the counter store never holds it."""
    secret = str(current_app.config.get("SECRET_KEY") or "").encode()
    typed = account.strip().lower().encode("utf-8", "replace")
    digest = hmac.new(secret, typed, hashlib.sha256).hexdigest()[:32]
    return f"account:{digest}:{client_address()}"


def _sign_in_counts(account: str) -> list[tuple[str, RateLimitItem, str]]:
    [per_account] = parse_many(SIGN_IN_FAILURES_PER_ACCOUNT)
    [per_address] = parse_many(SIGN_IN_FAILURES_PER_ADDRESS)
    return [
        ("account", per_account, _account_key(account)),
        ("address", per_address, "address:" + client_address()),
    ]


def _strategy() -> RateLimiter | None:
    limiter: Limiter | None = current_app.extensions.get("heard.limiter")
    if limiter is None or not limiter.enabled:
        return None
    return limiter.limiter


def sign_in_blocked(account: str) -> str | None:
    """ "address" when this address is over its cap, "account" when this account is locked
    from this address, else None. Nothing is counted: only a failure counts."""
    strategy = _strategy()
    if strategy is None:
        return None
    try:
        for name, item, key in reversed(_sign_in_counts(account)):
            if not strategy.test(item, SIGN_IN, key):
                return name
    except Exception:  # noqa: BLE001 - the counter store is away: argon2 and the rules remain
        return None
    return None


def sign_in_failed(account: str) -> bool:
    """Count one failed sign-in for this account from this address, and for the address.
    True if this failure has just locked the account from this address."""
    strategy = _strategy()
    if strategy is None:
        return False
    try:
        for _name, item, key in _sign_in_counts(account):
            strategy.hit(item, SIGN_IN, key)
        _name, item, key = _sign_in_counts(account)[0]
        return not strategy.test(item, SIGN_IN, key)
    except Exception:  # noqa: BLE001
        return False


def sign_in_forget(account: str) -> None:
    """Clear this account's count from this address (an administrator unlocked it)."""
    strategy = _strategy()
    if strategy is None:
        return
    try:
        _name, item, key = _sign_in_counts(account)[0]
        strategy.clear(item, SIGN_IN, key)
    except Exception:  # noqa: BLE001, S110 - nothing counted is nothing to clear
        pass


def sign_in_retry_after() -> int:
    """Seconds until this address may try again (at least 60)."""
    strategy = _strategy()
    if strategy is None:
        return 60
    try:
        _name, item, key = _sign_in_counts("")[1]
        reset_at = strategy.get_window_stats(item, SIGN_IN, key).reset_time
    except Exception:  # noqa: BLE001
        return 60
    return max(60, int(reset_at - time.time()) + 1)


def too_many_page() -> FlaskResponse:
    """The same kind page, for a limit a view checks itself (starting a check-in)."""
    response: FlaskResponse = make_response(render_template("too_many.html"), 429)
    response.headers["Retry-After"] = "60"
    response.headers["Cache-Control"] = "no-store"
    return response
