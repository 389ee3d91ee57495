"""Words refused as too long come back in the box, exactly as typed and escaped, on the
survey form and in the web chat (JavaScript off: Flask's test client; the browser journey
is tests/test_typed_words_kept_browser.py). "I haven't saved this one yet" must never mean
"and they are gone": a child will not type 5,000 characters again."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from browser_support import choice_values, hidden_fields, issue_link, make_app
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from heard.wiring import Database
from storage import models
from storage.db import transaction

HOSTILE = '<script>alert(1)</script> "quoted" & <b>bold</b> '
LINE = "My carers are kind and I like my school 😀🏠 but I miss my brother. "


def long_comment(length: int = 5_000) -> str:
    """`length` characters (code points, as the limit counts them): emoji, hostile HTML,
    quotes, line breaks, the way a pasted story might look."""
    text = HOSTILE + "\n"
    while len(text) < length:
        text += LINE + ("\n" if len(text) % 3 == 0 else "")
    return text[: length - 1] + "!"


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def text_of(response: Any) -> str:
    return response.get_data(as_text=True)


def in_textarea(html: str) -> str:
    """What the browser shows in the form's text box (one leading newline is the parser's)."""
    match = re.search(r'<textarea[^>]*id="answer-text"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, "no text box on the page"
    raw = match.group(1)
    assert "<" not in raw and "<script>" not in html, "typed HTML must be escaped"
    return unescape(raw[1:] if raw.startswith("\n") else raw)


def in_chat_box(html: str) -> str | None:
    match = re.search(r'<input[^>]*id="chat-text"[^>]*>', html)
    assert match, "no chat box on the page"
    value = re.search(r'value="([^"]*)"', match.group(0))
    assert "<script>" not in html, "typed HTML must be escaped"
    return unescape(value.group(1)) if value else None


def their_line(html: str) -> str:
    """Their own line in the chat ("You: ..."), as shown."""
    match = re.search(r'<li class="from-you"[^>]*>(.*?)</li>', html, re.S)
    assert match, "no line of theirs"
    return unescape(re.sub(r"<[^>]+>", "", match.group(1)))


def stored(database: Database) -> tuple[int, list[str]]:
    with transaction(database.sessions) as session:
        comments = session.scalar(select(func.count(models.Comment.id))) or 0
        texts = list(
            session.scalars(
                select(models.Answer.value).where(models.Answer.question_id == "anything_else")
            )
        )
    return comments, texts


def to_the_comment_box(client: FlaskClient, token: str) -> str:
    page = text_of(client.get(f"/s/{token}"))
    for _ in range(2):  # "yes" to taking part, "yes" to being quoted
        page = text_of(client.post(f"/s/{token}", data={**hidden_fields(page), "choice": "yes"}))
    while 'id="answer-text"' not in page:
        values = [v for v in choice_values(page) if v != "prefer_not_to_say"]
        pick = "no" if hidden_fields(page)["step"] == "moved_home" else values[-1]
        data = {**hidden_fields(page), "action": "answer", "choice": pick}
        page = text_of(client.post(f"/s/{token}", data=data))
    return page


def test_form_keeps_words_refused_as_too_long_in_the_box(app: Flask, database: Database) -> None:
    token = issue_link(database, "checkin-8-11")
    client = app.test_client()
    page = to_the_comment_box(client, token)
    step = hidden_fields(page)["step"]
    comment = long_comment()
    data = {**hidden_fields(page), "action": "answer", "text": comment}
    html = text_of(client.post(f"/s/{token}", data=data))
    assert "Thank you for writing so much! That was 5,000 characters" in html
    assert "I haven&#39;t saved this one yet" in html or "I haven't saved this one yet" in html
    assert hidden_fields(html)["step"] == step
    assert in_textarea(html) == comment
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert stored(database) == (0, [])

    # Cut down, it is taken once, and the next page's box (if any) starts empty.
    shorter = comment[:1_500]
    data = {**hidden_fields(html), "action": "answer", "text": shorter}
    done = text_of(client.post(f"/s/{token}", data=data))
    assert "Thank you for writing so much" not in done
    assert stored(database)[1] == [shorter.strip()]


def test_form_keeps_empty_box_for_a_new_question_and_nothing_after_a_choice(
    app: Flask, database: Database
) -> None:
    """Only words not taken come back: a fresh text box is empty."""
    token = issue_link(database, "checkin-8-11")
    page = to_the_comment_box(app.test_client(), token)
    assert in_textarea(page) == ""


def join_chat(client: FlaskClient) -> str:
    start = text_of(client.get("/chat"))
    data = {**hidden_fields(start), "cohort": "child_in_care", "age_band": "8-11"}
    assert client.post("/chat/start", data=data).status_code == 303
    return text_of(client.get("/chat"))


def say(client: FlaskClient, page: str, **data: str) -> str:
    response = client.post("/chat", data={**hidden_fields(page), **data})
    assert response.status_code == 200, response.status_code
    return text_of(response)


def test_chat_keeps_words_refused_as_too_long_in_the_box(app: Flask, database: Database) -> None:
    client = app.test_client()
    page = join_chat(client)
    page = say(client, page, action="begin")
    page = say(client, page, choice="yes", step="@consent")
    page = say(client, page, choice="yes", step="@quote")
    while (step := hidden_fields(page).get("step")) is not None:
        values = [v for v in choice_values(page) if v != "prefer_not_to_say"]
        page = say(client, page, choice="no" if step == "moved_home" else values[-1], step=step)
    assert 'for="chat-text">Type your answer' in page
    assert in_chat_box(page) is None
    # A text input holds no line breaks: the chat's box sends one line.
    comment = long_comment().replace("\n", " ")
    html = say(client, page, text=comment)
    assert "Thank you for writing so much! That was 5,000 characters" in html
    assert in_chat_box(html) == comment
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert stored(database) == (0, [])
    # Their line shows the start only, so "make it a bit shorter" is not pushed out of view.
    assert their_line(html) == "You: " + comment[:200].rstrip() + "…"

    shorter = comment[:1_200]
    done = say(client, html, text=shorter)
    assert "Thank you for writing so much" not in done
    assert in_chat_box(done) is None
    assert stored(database)[1] == [shorter.strip()]


def test_chat_keeps_a_too_long_offer_question_in_the_box(app: Flask, database: Database) -> None:
    client = app.test_client()
    page = join_chat(client)
    question = long_comment(2_500).replace("\n", " ")
    html = say(client, page, text=question)
    assert "Thank you for writing so much! I can take up to 2,000 characters" in html
    assert in_chat_box(html) == question
    assert len(their_line(html)) < 220
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(models.OfferQuery.id))) == 0


def test_a_line_break_counts_once_and_is_stored_as_one(app: Flask, database: Database) -> None:
    """A browser sends each line break in a text box as CR LF. Counted as two characters,
    2,000 characters over 40 short lines were refused as 2,040, and what was taken was
    stored with CR LF. Now a line break is one character, stored as "\\n"."""
    token = issue_link(database, "checkin-8-11")
    client = app.test_client()
    page = to_the_comment_box(client, token)
    lines = ["a" * 49] * 40  # 40 lines of 49 letters and 39 breaks between them
    typed = "\n".join(lines)
    typed += "b" * (2_000 - len(typed))  # exactly the limit, counting a break once
    sent = typed.replace("\n", "\r\n")  # as the browser posts it
    data = {**hidden_fields(page), "action": "answer", "text": sent}
    html = text_of(client.post(f"/s/{token}", data=data))
    assert "Thank you for writing so much" not in html
    assert stored(database)[1] == [typed]
