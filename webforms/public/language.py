"""Which language the public pages speak, and how a young person changes it.

Every word a child, care leaver or foster carer sees on the public pages comes from the
translation catalogues in webforms/translations (Flask-Babel); the survey questions come
from the engine in the same language (surveys.translations), so the page and its
questions never disagree. Staff pages (/staff, /api, /status) stay English: they are read
by council staff, who work in English, and their words are not in the catalogues.

How the choice is kept: one cookie, `heard_lang`, holding only a shipped code ("ar"). It is
set only when the person presses a language themselves (a plain link, so it works with
JavaScript off), which makes it a strictly necessary, user-requested preference cookie in
the same way as the device cookies in cookies.py: no id, nothing about the person, never
sent to the database. Until they choose, the browser's own Accept-Language picks a shipped
language if it can, else English. The pages vary on both, so a shared cache never serves one
person's language to another.

.mo files: the compiled catalogues are committed next to their .po files (pybabel compile,
see `make translations`), so an install needs no build step; tests/test_web_language.py
fails if a .mo does not say exactly what its .po says.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Blueprint, Flask, make_response, redirect, render_template, request
from flask_babel import Babel, get_locale
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from surveys import languages
from webforms.public.services import config

LANGUAGE_COOKIE = "heard_lang"
COOKIE_DAYS = 365
STAFF_PREFIXES = ("/staff", "/api", "/status")

language_blueprint = Blueprint("public_language", __name__)


def N_(message: str) -> str:
    """Marks a module-level message for pybabel (`-k N_`); gettext() it where it is shown."""
    return message


def is_staff_path(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in STAFF_PREFIXES)


def select_locale() -> str:
    """Flask-Babel's locale selector: the person's choice, then their browser, then English."""
    if is_staff_path(request.path):
        return languages.DEFAULT
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    if languages.is_shipped(chosen):
        return chosen
    return languages.best_match(request.headers.get("Accept-Language"))


def current_language() -> str:
    """The page's language code ("en", "ar", "ps"): what the engine is asked to speak."""
    try:
        locale = get_locale()
    except RuntimeError:  # outside a request
        return languages.DEFAULT
    return languages.resolve(str(locale)) if locale is not None else languages.DEFAULT


def page_direction() -> str:
    return languages.direction(current_language())


def content_lang(content_language: str = languages.DEFAULT) -> Markup:
    """` lang="en" dir="ltr"` on words that are not in the page's language (the local offer's
    entries are written in English): screen readers and "Read it to me" then switch voice."""
    if content_language == current_language():
        return Markup("")
    direction = languages.direction(content_language)
    return Markup(' lang="%s" dir="%s"') % (content_language, direction)


# A run of Latin-script words (and the numbers and marks inside a name): "Staying Close",
# "PA", "Childline 0800 1111", "16+ Panel".
_LATIN_RUN = re.compile(r"[A-Za-z][\w'’&+./-]*(?:[ \t]+[\w+][\w'’&+./-]*)*", re.ASCII)


def names_marked(text: str) -> Markup:
    """Translated words with each run of Latin-script words inside them (a service's own
    name kept in English for the reader to recognise: "Staying Close", "PA") marked
    lang="en" dir="ltr", on a right-to-left page: a screen reader says it in English and
    the name keeps its order inside the Arabic or Pashto sentence."""
    if languages.direction(current_language()) != "rtl":
        return escape(text)
    parts: list[Markup] = []
    last = 0
    for found in _LATIN_RUN.finditer(text):
        run = found.group(0).rstrip(".")
        end = found.start() + len(run)
        parts += [escape(text[last : found.start()])]
        parts += [Markup('<span lang="en" dir="ltr">%s</span>') % run]
        last = end
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def choices() -> list[dict[str, str]]:
    """The shipped languages, each in its own name, for the chooser on every public page."""
    here = current_language()
    return [
        {
            "code": language.code,
            "name": language.native_name,
            "dir": language.direction,
            "current": "true" if language.code == here else "",
        }
        for language in languages.shipped()
    ]


def here() -> str:
    """This page's own address, for "come back here in the new language"."""
    path = request.full_path if request.query_string else request.path
    return _safe_next(path)


def _safe_next(raw: str | None) -> str:
    """Only a path on this site: never an open redirect to somewhere else."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return "/"
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return "/"
    return raw


@language_blueprint.get("/language")
def chooser() -> Response:
    """Every shipped language in its own words, as plain links (JavaScript off is fine)."""
    response = make_response(
        render_template("public/language.html", back=_safe_next(request.args.get("next")))
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@language_blueprint.get("/language/<code>")
def choose(code: str) -> Response:
    """Keep the choice and go back to the page they were on, now in their language."""
    response = redirect(_safe_next(request.args.get("next")), code=303)
    if languages.is_shipped(code):
        response.set_cookie(
            LANGUAGE_COOKIE,
            code,
            max_age=COOKIE_DAYS * 24 * 3600,
            path="/",
            secure=config().secure_cookies,
            httponly=True,
            samesite="Lax",
        )
    response.headers["Cache-Control"] = "no-store"
    return response


def install_language(app: Flask) -> None:
    """Flask-Babel with the catalogues in webforms/translations, and what templates need."""
    Babel(app, locale_selector=select_locale)
    # {% trans %} blocks are whitespace-trimmed, as pybabel extracts them (babel.cfg).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.register_blueprint(language_blueprint)
    app.add_template_global(current_language, "page_language")
    app.add_template_global(page_direction, "page_direction")
    app.add_template_global(choices, "language_choices")
    app.add_template_global(content_lang, "content_lang")
    app.add_template_global(lambda: not is_staff_path(request.path), "is_public_page")
    app.add_template_global(here, "language_next")

    @app.after_request
    def vary_on_language(response: Response) -> Response:
        if response.mimetype == "text/html" and not is_staff_path(request.path):
            response.vary.add("Cookie")
            response.vary.add("Accept-Language")
        return response
