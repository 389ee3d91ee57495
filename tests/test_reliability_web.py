"""Breaking the web app on purpose: the database gone mid-answer, and many people at once.

The survey form and the web chat must say sorry in the bot's words on a normal page,
keep what the person typed, leave nothing half-written, and take the same answer once
the database is back, without a restart. Many people answering at once through the
real `heard web` (waitress) must each have every answer counted exactly once.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_support import issue_link, make_app
from conftest import make_settings
from reliability_support import (
    FREE_TEXT,
    TcpProxy,
    WebPerson,
    WebProcess,
    as_form,
    chat_fields,
    form_of,
    progress,
    served,
    snapshot,
    wait_until,
)
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.engine import make_url

from heard.wiring import Database, open_database
from storage import models
from storage.db import make_engine, session_factory, transaction
from storage.invites import find_invite
from storage.migrate import upgrade
from surveys.messages import load_messages

SORRY = load_messages().save_failed
LOCKED_FOR_MS = 300  # how long Heard waits on a locked SQLite file, shortened for the test


def says_sorry_kindly(response: httpx.Response) -> str:
    """The sorry page: the shared words, a normal page, never a traceback or SQL."""
    page = response.text
    assert response.status_code == 503, (response.status_code, page[:500])
    assert response.headers["Retry-After"] == "60"
    assert " ".join(unescape(SORRY).split()) in " ".join(unescape(page).split())
    assert "couldn't save that" in unescape(page) and "try again in a minute" in page
    for leak in ("Traceback", "sqlalchemy", "psycopg", "INSERT", "SELECT", "locked"):
        assert leak not in page, leak
    return page


# ------------------------------------------------------------------ the outage, per backend


@dataclass
class Outage:
    """The web app on a real port, a direct line to its database, and a way to break it."""

    url: str
    direct: Engine
    cut: Callable[[], None]
    restore: Callable[[], None]
    database: Database


def _sqlite_outage(database_url: str) -> Iterator[Outage]:
    """SQLite's outage: another connection (a backup, another process) holds the write lock
    for longer than Heard waits for it."""
    engine = make_engine(database_url)

    @event.listens_for(engine, "connect")
    def wait_less(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout={LOCKED_FOR_MS}")

    upgrade(engine)
    database = Database(engine=engine, sessions=session_factory(engine))
    holder = sqlite3.connect(make_url(database_url).database or "", isolation_level=None)

    def cut() -> None:
        holder.execute("BEGIN IMMEDIATE")

    def restore() -> None:
        if holder.in_transaction:
            holder.execute("ROLLBACK")

    direct = make_engine(database_url)
    with served(make_app(database)) as url:
        try:
            yield Outage(url, direct, cut, restore, database)
        finally:
            restore()
            holder.close()
            direct.dispose()
            database.close()


def _postgres_outage(database_url: str, tmp_path: Path) -> Iterator[Outage]:
    """PostgreSQL's outage: the network to the server cut, every connection dropped."""
    target = make_url(database_url)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
    proxied = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    database = open_database(make_settings(tmp_path / "data", proxied))
    direct = make_engine(database_url)
    with served(make_app(database)) as url:
        try:
            yield Outage(url, direct, proxy.cut, proxy.restore, database)
        finally:
            proxy.restore()
            database.close()
            proxy.close()
            direct.dispose()


@pytest.fixture
def outage(database_url: str, tmp_path: Path) -> Iterator[Outage]:
    if database_url.startswith("sqlite"):
        yield from _sqlite_outage(database_url)
    else:
        yield from _postgres_outage(database_url, tmp_path)


def answers_of(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        rows = connection.execute(select(models.Answer.question_id, models.Answer.value)).all()
    assert len(rows) == len({question for question, _ in rows}), rows  # never twice
    return dict(rows)


def comments_of(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(select(models.Comment.text)))


# ------------------------------------------------------------------ database unavailable


def test_survey_form_answer_during_an_outage_is_kept_for_the_person_then_saved_once(
    outage: Outage, caplog: pytest.LogCaptureFixture
) -> None:
    person = WebPerson(outage.url, issue_link(outage.database, "checkin-8-11"))
    try:
        assert person.open().status_code == 200
        person.answer()  # consent
        person.answer()  # quote
        person.answer()  # question 1
        assert progress(person.page) == 2

        # A button answer: kept in the page, posted again as it was once the database is back.
        chosen = person.fields_for_answer()
        before = snapshot(outage.direct)
        outage.cut()
        sorry = says_sorry_kindly(person.post(chosen))
        kept = form_of(sorry)
        assert dict(kept)["choice"] == dict(chosen)["choice"]
        assert dict(kept)["step"] == dict(chosen)["step"] == "feel_safe"
        assert dict(kept)["nonce"] == dict(chosen)["nonce"]
        says_sorry_kindly(person.post(kept))  # pressed "Try again" too soon: still sorry
        reopened = person.http.get(f"{person.url}/s/{person.token}")  # or opened the link again
        assert 'href="/s/' in says_sorry_kindly(reopened)  # "Try again", as a link
        after = snapshot(outage.direct)
        outage.restore()
        assert after == before  # nothing half-written
        assert person.post(kept).status_code == 200
        assert progress(person.page) == 3
        assert answers_of(outage.direct)["feel_safe"] == dict(chosen)["choice"]

        # Typed words: on the sorry page, in a box, word for word.
        while 'name="choice"' in person.page:
            assert person.answer().status_code == 200
        assert "anything_else" in person.page
        before = snapshot(outage.direct)
        outage.cut()
        sorry = says_sorry_kindly(person.answer(text=FREE_TEXT))
        kept = form_of(sorry)
        assert dict(kept)["text"] == FREE_TEXT
        assert snapshot(outage.direct) == before
        outage.restore()
        assert person.post(kept).status_code == 200
        assert "Thank you" in person.page
        assert comments_of(outage.direct) == [FREE_TEXT]
        assert person.statuses.count(503) == 3  # the reopened link is not counted
        assert set(person.statuses) == {200, 503}
    finally:
        outage.restore()
        person.close()
    assert "database unavailable" in caplog.text
    assert FREE_TEXT not in caplog.text  # a child's words never reach the log
    assert person.token not in caplog.text  # nor the link that opens their answers


def test_web_chat_answer_during_an_outage_is_kept_for_the_person_then_saved_once(
    outage: Outage,
) -> None:
    with httpx.Client(base_url=outage.url, timeout=60) as chat:
        start = chat.get("/chat/start")
        fields = [*chat_fields(start.text, 0), ("cohort", "child_in_care"), ("age_band", "8-11")]
        assert chat.post("/chat/start", data=as_form(fields)).status_code == 303
        page = chat.get("/chat").text
        page = chat.post("/chat", data=as_form(chat_fields(page, 0, action="begin"))).text
        page = chat.post("/chat", data=as_form(chat_fields(page, 0, choice="yes"))).text
        page = chat.post("/chat", data=as_form(chat_fields(page, 0, choice="no"))).text
        assert progress(page) == 1

        # Typed in the chat box, while the database is away.
        sent = chat_fields(page, 1, text="really happy")
        before = snapshot(outage.direct)
        outage.cut()
        try:
            sorry = says_sorry_kindly(chat.post("/chat", data=as_form(sent)))
            assert dict(form_of(sorry))["text"] == "really happy"
            assert snapshot(outage.direct) == before
        finally:
            outage.restore()
        page = chat.post("/chat", data=as_form(form_of(sorry))).text
        assert progress(page) == 2
        assert answers_of(outage.direct) == {"home_happy": "5"}

        # A button pressed while the database is away.
        pressed = chat_fields(page, 0, choice="yes")
        before = snapshot(outage.direct)
        outage.cut()
        try:
            sorry = says_sorry_kindly(chat.post("/chat", data=as_form(pressed)))
            assert dict(form_of(sorry))["choice"] == "yes"
            assert snapshot(outage.direct) == before
        finally:
            outage.restore()
        page = chat.post("/chat", data=as_form(form_of(sorry))).text
        assert progress(page) == 3
        # The same "Try again" pressed twice (a double tap) still saves it once.
        again = chat.post("/chat", data=as_form(form_of(sorry)))
        assert again.status_code == 200 and progress(again.text) == 3
    assert answers_of(outage.direct) == {"home_happy": "5", "feel_safe": "yes"}


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_connection_dropped_mid_answer_is_retried_once_and_the_answer_saved_once(
    outage: Outage,
) -> None:
    """The server ends the app's connection during the INSERT: one retry, on a new one."""
    armed = {"now": False}

    def end_backend_mid_insert(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not (armed["now"] and statement.lstrip().upper().startswith("INSERT INTO ANSWERS")):
            return
        armed["now"] = False
        pid = cursor.connection.info.backend_pid
        with outage.direct.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            gone = text("SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = :pid")
            wait_until(lambda: admin.scalar(gone, {"pid": pid}), 10, "the server process to end")

    event.listen(outage.database.engine, "before_cursor_execute", end_backend_mid_insert)
    person = WebPerson(outage.url, issue_link(outage.database, "checkin-8-11"))
    try:
        person.open()
        person.answer()
        person.answer()
        armed["now"] = True
        assert person.answer().status_code == 200  # the person never notices
        assert not armed["now"], "the answer's INSERT never ran"
        assert progress(person.page) == 2
        assert list(answers_of(outage.direct)) == ["home_happy"]
        with outage.direct.connect() as connection:
            keys = connection.scalars(select(models.ProcessedUpdate.update_id)).all()
        assert len(keys) == len(set(keys)) == 3  # consent, quote, question 1: once each
    finally:
        person.close()


# ------------------------------------------------------------------ many at once


@pytest.mark.slow
def test_many_people_answering_at_once_are_each_counted_exactly(
    database_url: str, tmp_path: Path
) -> None:
    """50 at once on PostgreSQL, 20 on SQLite (WAL), through `heard web` and real HTTP."""
    people = 50 if database_url.startswith("postgresql") else 20
    settings = make_settings(tmp_path / "data", database_url)
    database = open_database(settings)
    tokens = [issue_link(database, "checkin-8-11") for _ in range(people)]
    web = WebProcess(settings, tmp_path)
    start_together = threading.Barrier(people)

    def one(token: str) -> WebPerson:
        person = WebPerson(web.url, token)
        start_together.wait(timeout=60)
        try:
            person.complete()
        finally:
            person.close()
        return person

    try:
        web.start()
        with ThreadPoolExecutor(max_workers=people) as pool:
            finished = list(pool.map(one, tokens))
        assert web.stop() == 0  # SIGTERM: the requests in hand finish first
    finally:
        web.kill()
    log = web.output
    assert "database is locked" not in log
    assert "Traceback" not in log and " ERROR " not in log, log[-3000:]
    assert all(set(p.statuses) == {200} for p in finished), [p.statuses for p in finished]
    assert all("Thank you" in p.page for p in finished)
    with transaction(database.sessions) as session:
        respondent_of = {t: find_invite(session, t).respondent_id for t in tokens}  # type: ignore[union-attr]
        counted = dict(
            session.execute(
                select(models.SurveySession.respondent_id, func.count(models.Answer.id))
                .join(models.Answer, models.Answer.session_id == models.SurveySession.id)
                .group_by(models.SurveySession.respondent_id)
            ).all()
        )
        states = session.scalars(select(models.SurveySession.state)).all()
    database.close()
    assert len(set(respondent_of.values())) == people
    assert {respondent_of[p.token]: p.answered for p in finished} == counted
    assert states == ["completed"] * people
