"""When a single-use survey link is spent: on the person's first answer, never by looking.

Link previews (messaging apps, mail scanners) GET or HEAD a link before the child
taps it; a database error can cut the first visit short; two phones can open the
same link; a carer's tablet can be picked up after the child has finished. Flask's
test client over the real app, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from browser_support import SECRET_KEY, hidden_fields, issue_link, make_app
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import event, func, select

from heard.wiring import Database
from storage import models
from storage.db import transaction
from storage.invites import hash_token
from surveys.engine import CONSENT
from webforms.public import answers_window, link_admission
from webforms.public.first_page import consent_reply


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def text_of(response: Any) -> str:
    return response.get_data(as_text=True)


def invite_of(database: Database, token: str) -> models.Invite:
    with transaction(database.sessions) as session:
        invite = session.scalar(
            select(models.Invite).where(models.Invite.token_hash == hash_token(token))
        )
        assert invite is not None
        return invite


def count(database: Database, model: Any) -> int:
    with transaction(database.sessions) as session:
        return int(session.scalar(select(func.count(model.id))) or 0)


def nothing_stored(database: Database, token: str) -> None:
    invite = invite_of(database, token)
    assert invite.first_used_at is None and invite.device_hash is None
    assert invite.respondent_id is None
    assert count(database, models.Respondent) == 0
    assert count(database, models.SurveySession) == 0


def answer(client: FlaskClient, token: str, page: str, **data: str) -> Any:
    return client.post(f"/s/{token}", data={**hidden_fields(page), **data})


def step_of(page: str) -> str | None:
    return hidden_fields(page).get("step")


@contextmanager
def database_fails_on(database: Database, statement_start: str) -> Iterator[None]:
    """The driver raises its OperationalError (as when the database goes away) for any
    statement starting with `statement_start`; everything else runs for real."""
    dbapi = database.engine.dialect.loaded_dbapi

    def fail(cursor: Any, statement: str, parameters: Any, context: Any) -> None:
        if " ".join(statement.split()).startswith(statement_start):
            raise dbapi.OperationalError("the database went away (test)")

    event.listen(database.engine, "do_execute", fail)
    try:
        yield
    finally:
        event.remove(database.engine, "do_execute", fail)


# ---------------------------------------------------------------- looking claims nothing


def test_a_link_preview_spends_nothing_and_the_child_still_gets_in(
    app: Flask, database: Database
) -> None:
    token = issue_link(database, "checkin-11-17")
    preview = app.test_client()
    assert preview.head(f"/s/{token}").status_code == 200
    fetched = preview.get(f"/s/{token}")
    assert fetched.status_code == 200
    assert "How are things going?" in text_of(fetched)  # the first page: consent
    nothing_stored(database, token)  # no claim, no respondent, no check-in to block anyone

    child = app.test_client()
    first = child.get(f"/s/{token}")
    assert "heard_device=" in first.headers["Set-Cookie"]
    assert step_of(text_of(first)) == CONSENT
    nothing_stored(database, token)  # the child looking spends nothing either
    page = text_of(answer(child, token, text_of(first), choice="yes"))
    assert step_of(page) == "@quote"
    invite = invite_of(database, token)
    assert invite.first_used_at is not None and invite.device_hash is not None
    assert invite.respondent_id is not None  # claimed and bound in that one post

    # now it is theirs: the previewer (and anyone else) gets the kind "already used" page
    refused = preview.get(f"/s/{token}")
    assert refused.status_code == 403 and "already been used" in text_of(refused)
    assert step_of(text_of(child.get(f"/s/{token}"))) == "@quote"  # the child carries on


def test_saying_not_now_on_the_first_page_keeps_the_link_for_this_device(
    app: Flask, database: Database
) -> None:
    token = issue_link(database, "checkin-8-11")
    child = app.test_client()
    page = text_of(answer(child, token, text_of(child.get(f"/s/{token}")), choice="no"))
    assert "That&#39;s fine" in page
    assert count(database, models.SurveySession) == 0  # nothing from the check-in kept
    again = text_of(child.get(f"/s/{token}"))
    assert step_of(again) == CONSENT  # "I've changed my mind" works on this device
    assert app.test_client().get(f"/s/{token}").status_code == 403


def test_an_event_links_preview_creates_nobody(app: Flask, database: Database) -> None:
    token = issue_link(database, "checkin-11-17", open_link=True)
    for _ in range(3):  # a scanner, a chat app, a second scanner: new "devices" each time
        assert app.test_client().get(f"/s/{token}").status_code == 200
    nothing_stored(database, token)
    person = app.test_client()
    page = text_of(answer(person, token, text_of(person.get(f"/s/{token}")), choice="yes"))
    assert step_of(page) == "@quote"
    assert count(database, models.Respondent) == 1
    assert invite_of(database, token).first_used_at is not None


def test_the_first_page_says_what_the_engine_would_say(app: Flask, database: Database) -> None:
    """The first page is drawn without the engine starting anything: the words must match
    the engine's own consent step on the web, word for word."""
    token = issue_link(database, "carer-feedback")
    child = app.test_client()
    child.post(f"/s/{token}", data={**hidden_fields(text_of(child.get(f"/s/{token}")))})
    engine = app.extensions["heard.services"]["engine"]
    pseudonym = invite_of(database, token)
    with app.app_context():
        shown = consent_reply("carer-feedback")
        with transaction(database.sessions) as session:
            respondent = session.get(models.Respondent, pseudonym.respondent_id)
            assert respondent is not None
            key = respondent.pseudonym
        started = engine.current(key)
    assert shown is not None and started.prompt is not None
    assert started.prompt.step == CONSENT
    assert shown.prompt is not None and shown.prompt.text == started.prompt.text
    assert [c.label for c in shown.prompt.choices] == [c.label for c in started.prompt.choices]


def claims_wait_for_each_other(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two posts both read the link as unclaimed before either claims it: the race a "read,
    then claim" would lose. The real conditional UPDATE then runs for each."""
    both_read = threading.Barrier(2, timeout=20)
    real_claim = link_admission.claim_invite

    def claim_after_both_read(*args: Any, **kwargs: Any) -> bool:
        both_read.wait()
        return real_claim(*args, **kwargs)

    monkeypatch.setattr(link_admission, "claim_invite", claim_after_both_read)


# ---------------------------------------------------------------- two devices at once


def test_two_devices_answering_at_once_one_wins_and_the_other_is_told_kindly(
    app: Flask, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = issue_link(database, "checkin-8-11")
    phones = [app.test_client(), app.test_client()]
    pages = [text_of(phone.get(f"/s/{token}")) for phone in phones]
    claims_wait_for_each_other(monkeypatch)
    results: list[Any] = [None, None]

    def tap_yes(n: int) -> None:
        results[n] = answer(phones[n], token, pages[n], choice="yes")

    threads = [threading.Thread(target=tap_yes, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 403], statuses
    winner = next(r for r in results if r.status_code == 200)
    loser = next(r for r in results if r.status_code == 403)
    assert step_of(text_of(winner)) == "@quote"
    assert "already been used" in text_of(loser) and 'name="choice"' not in text_of(loser)
    assert count(database, models.Respondent) == 1
    assert count(database, models.SurveySession) == 1


def test_a_double_tap_on_the_first_page_is_not_already_used(
    app: Flask, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same phone posting its first answer twice at once must not lock itself out."""
    token = issue_link(database, "checkin-8-11")
    phone = app.test_client()
    page = text_of(phone.get(f"/s/{token}"))
    claims_wait_for_each_other(monkeypatch)
    results: list[Any] = [None, None]

    def tap(n: int) -> None:
        results[n] = answer(phone, token, page, choice="yes")

    threads = [threading.Thread(target=tap, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(r.status_code in (200, 303) for r in results), [r.status_code for r in results]
    assert not any("already been used" in text_of(r) for r in results)
    assert count(database, models.Respondent) == 1


# ---------------------------------------------------------------- a failed first visit


def test_a_database_error_when_opening_leaves_the_link_unused(
    app: Flask, database: Database
) -> None:
    token = issue_link(database, "checkin-8-11")
    child = app.test_client()
    with database_fails_on(database, "SELECT invites."):
        failed = child.get(f"/s/{token}")
    assert failed.status_code == 503
    assert "Please try again in a minute" in text_of(failed)
    nothing_stored(database, token)
    page = text_of(child.get(f"/s/{token}"))
    assert step_of(page) == CONSENT
    assert step_of(text_of(answer(child, token, page, choice="yes"))) == "@quote"


def test_a_database_error_on_the_first_answer_rolls_the_claim_back(
    app: Flask, database: Database
) -> None:
    token = issue_link(database, "checkin-8-11")
    child = app.test_client()
    page = text_of(child.get(f"/s/{token}"))
    with database_fails_on(database, "INSERT INTO respondents"):  # after the claim's UPDATE
        failed = answer(child, token, page, choice="yes")
    assert failed.status_code == 503
    nothing_stored(database, token)  # not spent: the claim went with the failed transaction
    retry = text_of(failed)
    assert 'value="yes"' in retry  # their answer is kept on the "try again" page
    again = child.post(f"/s/{token}", data=hidden_fields(retry) | {"choice": "yes"})
    assert step_of(text_of(again)) == "@quote"


def test_a_failure_after_the_claim_does_not_lock_the_child_out(
    app: Flask, database: Database
) -> None:
    token = issue_link(database, "checkin-8-11")
    child = app.test_client()
    page = text_of(child.get(f"/s/{token}"))
    with database_fails_on(database, "INSERT INTO survey_sessions"):  # the claim has landed
        assert answer(child, token, page, choice="yes").status_code == 503
    assert invite_of(database, token).first_used_at is not None
    again = answer(child, token, page, choice="yes")  # "Try again" (or the same page again)
    assert step_of(text_of(again)) == "@quote"
    assert app.test_client().get(f"/s/{token}").status_code == 403


# ---------------------------------------------------------------- a shared tablet, later


def finish_pulse(client: FlaskClient, token: str) -> str:
    page = text_of(client.get(f"/s/{token}"))
    page = text_of(answer(client, token, page, choice="yes"))
    page = text_of(answer(client, token, page, choice="no"))
    while (step := step_of(page)) is not None:
        if 'name="text"' in page and 'name="choice"' not in page:
            page = text_of(answer(client, token, page, action="answer", text="my nan is ace"))
        else:
            page = text_of(answer(client, token, page, action="answer", choice="4"))
        assert step != step_of(page), f"stuck on {step}"
    return page


def test_answers_show_only_just_after_finishing_not_when_reopened_later(
    app: Flask, database: Database
) -> None:
    token = issue_link(database, "pulse")
    tablet = app.test_client()
    thanks = finish_pulse(tablet, token)
    assert "Thank you" in thanks and f'href="/s/{token}/my-data"' in thanks
    mine = tablet.get(f"/s/{token}/my-data")
    assert mine.status_code == 200 and "my nan is ace" in text_of(mine)
    assert mine.headers["Cache-Control"] == "no-store"
    assert "Thank you" in text_of(tablet.get(f"/s/{token}"))  # reopened at once: same visit

    # Later: the short window has passed (the browser drops the expired cookie).
    tablet.delete_cookie(answers_window.COOKIE, path=f"/s/{token}")
    later = tablet.get(f"/s/{token}")
    html = text_of(later)
    assert later.status_code == 200 and "finished this check-in, thank you" in html
    assert "my-data" not in html and "my nan is ace" not in html
    assert 'name="choice"' not in html and 'name="text"' not in html  # nothing asked
    for path in ("my-data", "my-data.json", "my-data/delete"):
        closed = tablet.get(f"/s/{token}/{path}")
        assert closed.status_code == 403, path
        assert "my nan is ace" not in text_of(closed) and "Your answers are closed" in text_of(
            closed
        )
    assert count(database, models.Answer) > 0  # closed, not deleted


def test_an_expired_window_cookie_opens_nothing(app: Flask, database: Database) -> None:
    token = issue_link(database, "pulse")
    tablet = app.test_client()
    finish_pulse(tablet, token)

    class SignedLongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - int(answers_window.WINDOW.total_seconds()) - 60

    invite_id = invite_of(database, token).id
    stale = URLSafeTimedSerializer(SECRET_KEY, salt=answers_window.SALT, signer=SignedLongAgo)
    tablet.set_cookie(answers_window.COOKIE, stale.dumps(invite_id), path=f"/s/{token}")
    assert tablet.get(f"/s/{token}/my-data").status_code == 403
    forged = URLSafeTimedSerializer("not-the-key", salt=answers_window.SALT)
    tablet.set_cookie(answers_window.COOKIE, forged.dumps(invite_id), path=f"/s/{token}")
    assert tablet.get(f"/s/{token}/my-data").status_code == 403


def test_ive_finished_closes_the_answers_at_once(app: Flask, database: Database) -> None:
    token = issue_link(database, "pulse")
    tablet = app.test_client()
    thanks = finish_pulse(tablet, token)
    closed = tablet.post(
        f"/s/{token}/done", data={"csrf_token": hidden_fields(thanks)["csrf_token"]}
    )
    assert closed.status_code == 303
    assert "finished this check-in, thank you" in text_of(tablet.get(f"/s/{token}"))
    assert tablet.get(f"/s/{token}/my-data").status_code == 403
