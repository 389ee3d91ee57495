"""The Flask app factory. Routes live in blueprints; this file only assembles them."""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.exceptions import (
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
)
from werkzeug.middleware.proxy_fix import ProxyFix

from webforms.config import WebConfig

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
    "worker-src 'self'; manifest-src 'self'"
)

csrf = CSRFProtect()
_LINK = re.compile(r"/s/[^/\s\[\]]+")


class _LinksHidden(logging.Filter):
    """Flask logs a failed request as "Exception on /s/<token> [POST]": an invite token is
    a key to someone's answers, so the log gets the route, never the link."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken log call: logging itself reports it
            return True
        if "/s/" in message:
            record.msg, record.args = _LINK.sub("/s/[link]", message), ()
        return True


_LINK_FILTER = _LinksHidden()


def hide_links(logger: logging.Logger) -> None:
    """Invite links in this logger's records become "/s/[link]" (the server's own logs too)."""
    if _LINK_FILTER not in logger.filters:
        logger.addFilter(_LINK_FILTER)


def create_app(
    sessions: sessionmaker[Session], config: WebConfig, services: dict[str, object] | None = None
) -> Flask:
    """`services` carries what the wiring built once (engine, people, offer search...)."""
    app = Flask(__name__)
    if config.trusted_proxies:  # the client's own address and scheme, from N proxies' headers
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=config.trusted_proxies, x_proto=config.trusted_proxies
        )
    app.config.update(
        SECRET_KEY=config.secret_key,
        MAX_CONTENT_LENGTH=64 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=config.secure_cookies,
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.extensions["heard.sessions"] = sessions
    app.extensions["heard.config"] = config
    app.extensions["heard.services"] = services or {}
    csrf.init_app(app)
    for logger in (app.logger, logging.getLogger("heard.web")):
        hide_links(logger)

    from webforms.public.language import install_language

    install_language(app)  # Flask-Babel: the public pages in the person's language

    from webforms.blueprints import register_blueprints

    register_blueprints(app)

    from webforms.limits import install_limits

    install_limits(app, config.rate_limit_storage)

    from webforms.unavailable import register_unavailable

    register_unavailable(app)

    @app.errorhandler(CSRFError)
    def form_expired(error: CSRFError) -> tuple[str, int]:
        return render_template("form_expired.html"), 400

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
        return render_template("too_large.html"), 413

    @app.errorhandler(NotFound)
    @app.errorhandler(MethodNotAllowed)
    def not_found(error: NotFound | MethodNotAllowed) -> Any:
        from webforms.staff.blueprint import is_staff_path, staff_not_found

        if is_staff_path(request.path):  # the staff page, never the young people's
            return staff_not_found(error.code or 404)
        return render_template("not_found.html"), error.code or 404

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> tuple[str, int]:
        # Flask has already logged the exception (route only, see _LinksHidden).
        return render_template("server_error.html"), 500

    @app.get("/favicon.ico")
    def favicon() -> Response:
        """Browsers ask for /favicon.ico whatever the page says; a 404 is a console error."""
        response = app.send_static_file("favicon.svg")
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # same-origin, not no-referrer: CSRF protection checks the referrer over HTTPS.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if config.secure_cookies:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    return app
