"""See, download or delete my answers: the same pages for a survey link and the web chat.

Only the device that owns the link (or the chat cookie) gets here, so these
pages can show a person everything Heard holds about them. Erasure goes
through People.erase, which keeps the privacy rules in one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import Response, make_response, render_template

from webforms.public import services


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
    rows = _readable_answers(data["answers"]) if data else []
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


def _readable_answers(answers: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(question words, answer words), so people read their answers, not ids and codes."""
    catalogue = services.engine().catalogue
    rows = []
    for item in answers:
        survey = catalogue.get(item["survey"])
        try:
            question = survey.question(item["question"]) if survey else None
        except KeyError:
            question = None
        if question is None:
            rows.append((item["question"], item["answer"]))
            continue
        if question.type == "text":
            rows.append((question.text, item["answer"]))
            continue
        words = []
        for value in str(item["answer"]).split(","):
            option = question.option(value)
            words.append(option.label if option else value)
        rows.append((question.text, ", ".join(words)))
    return rows
