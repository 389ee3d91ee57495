"""See, download or delete my answers: the same pages for a survey link and the web chat.

Only the device that owns the link (or the chat cookie) gets here, so these
pages can show a person everything Heard holds about them. Erasure goes
through People.erase, which keeps the privacy rules in one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import make_response, render_template
from werkzeug.wrappers import Response

from surveys.readable import readable_answers
from webforms.public import services
from webforms.public.language import current_language


@dataclass(frozen=True)
class Urls:
    page: str
    download: str
    delete: str
    back: str


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def summary_page(pseudonym: str, base: Urls, audience: str | None = None) -> Response:
    """`audience`: the person's cohort, so the page's help speaks to them (a carer too)."""
    data = services.people().export(pseudonym)
    catalogue = services.engine().speaking(current_language()).catalogue
    rows = readable_answers(data["answers"], catalogue) if data else []
    page = render_template(
        "public/my_data.html", data=data, rows=rows, urls=base, audience=audience
    )
    return _no_store(make_response(page))


def download(pseudonym: str) -> Response:
    data = services.people().export(pseudonym) or {"about_you": None, "answers": []}
    body = json.dumps(data, indent=2, ensure_ascii=False)
    response = make_response(body)
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = 'attachment; filename="my-heard-answers.json"'
    return _no_store(response)


def confirm_page(base: Urls, audience: str | None = None) -> Response:
    page = render_template("public/my_data_delete.html", urls=base, audience=audience)
    return _no_store(make_response(page))


def erase(pseudonym: str, back_url: str | None, audience: str | None = None) -> Response:
    services.people().erase(pseudonym, actor="self")
    page = render_template("public/my_data_deleted.html", back_url=back_url, audience=audience)
    return _no_store(make_response(page))
