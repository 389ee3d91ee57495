"""Two web workers and two bot workers against one PostgreSQL: they agree.

Two `heard web` processes and two `heard bot --webhook` processes share one database, as
behind a load balancer. Traffic goes to both: one person's requests to either worker, the
same form or Telegram update to both at once. Afterwards each answer is in the database
exactly once, a person who started on one worker finished on the other, and both web
workers' status page and dashboard show the same figures, which match the database.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from itertools import count
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser_support import issue_link
from conftest import make_settings
from fakes.telegram_api import FakeTelegram
from reliability_support import (
    HeardProcess,
    WebPerson,
    WebProcess,
    as_form,
    chat_fields,
    free_port,
    heard_environment,
    progress,
    wait_until,
)
from sqlalchemy import func, select

from analysis.safeguarding import contact_wording
from heard.wiring import Database, open_database
from storage import models
from storage.db import transaction
from storage.invites import find_invite
from storage.staff import add_staff
from storage.status import totals
from webforms.staff.passwords import hash_password

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]

SECRET = "workers-webhook-secret"
STAFF_EMAIL = "participation@council.example"
STAFF_PASSWORD = "correct horse battery staple"
QUESTION = re.compile(r"^Question (\d+) of (\d+)\n")
COMMENT = "it's fine"
USERS = (5561001, 5561002)


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


# ------------------------------------------------------------------ Telegram, by webhook


CONTACT_ASK = contact_wording().ask


class WebhookChat:
    """One person on Telegram; each update posted to one bot worker's webhook, or to both."""

    _update_ids = count(900_000)
    _message_ids = count(1)

    def __init__(self, fake: FakeTelegram, webhooks: list[str], user: int) -> None:
        self.fake, self.webhooks, self.user = fake, webhooks, user
        self.sent = 0  # updates posted
        self.answered = 0  # questions answered

    def _person(self) -> dict[str, Any]:
        return {"id": self.user, "is_bot": False, "first_name": "Sam", "language_code": "en"}

    def _deliver(self, update: dict[str, Any], to: list[int]) -> dict[str, Any]:
        """Post to the given workers at once; the bot's reply once it has arrived."""
        before = len(self.fake.bot_messages(self.user))
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}

        def post(worker: int) -> int:
            response = httpx.post(self.webhooks[worker], json=update, headers=headers, timeout=60)
            return response.status_code

        with ThreadPoolExecutor(len(to)) as pool:
            assert list(pool.map(post, to)) == [200] * len(to)
        self.sent += 1
        return wait_until(lambda: self._reply(before), 60, f"the bot's reply to {self.user}")

    def _reply(self, before: int) -> dict[str, Any] | None:
        messages = self.fake.bot_messages(self.user)
        if len(messages) <= before:
            return None
        last = messages[-1]
        text = last.get("text", "")
        if text.startswith(CONTACT_ASK):
            return None  # after help, "would you like someone to get in touch?": a prompt follows
        waiting = (
            self.fake.buttons(last)
            or QUESTION.match(text)
            or "Your answers have been saved" in text
        )
        return last if waiting else None

    def type(self, words: str, to: list[int]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": self.user, "type": "private", "first_name": "Sam"},
            "from": self._person(),
            "text": words,
        }
        if words.startswith("/"):
            command = words.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._deliver({"update_id": next(self._update_ids), "message": message}, to)

    def press(self, label: str, to: list[int]) -> dict[str, Any]:
        shown = self.fake.last(self.user)
        query = {
            "id": uuid.uuid4().hex,
            "from": self._person(),
            "chat_instance": f"ci-{self.user}",
            "data": dict(self.fake.buttons(shown))[label],
            "message": shown,
        }
        return self._deliver({"update_id": next(self._update_ids), "callback_query": query}, to)

    def check_in(self) -> None:
        """Join and do the whole check-in, each update to worker 0, 1 or (every third) both."""
        route = [[0], [1], [0, 1]]
        self.type("/start", [0])
        self.press("A child or young person in care", [1])
        self.press("16 or 17", [0, 1])
        self.press("Start a check-in", [0, 1])
        self.press("Yes, let's start", [1])
        last = self.press("No thanks", [0, 1])
        for turn in count():
            if "Your answers have been saved" in last.get("text", ""):
                return
            assert turn < 60, last
            to = route[turn % 3]
            labels = [label for label, _ in self.fake.buttons(last)]
            self.answered += 1
            if not labels or labels == ["Skip"]:
                last = self.type(COMMENT, to)
            else:
                real = [x for x in labels if x != "Skip" and "rather not" not in x]
                last = self.press(next((x for x in real if x == "No"), real[0]), to)


def questions_shown(fake: FakeTelegram, user: int) -> list[int]:
    return [
        int(found.group(1))
        for message in fake.bot_messages(user)
        if (found := QUESTION.match(message.get("text", "")))
    ]


# ------------------------------------------------------------------ the web, by two workers


def person_moves_worker_midway(person: WebPerson, workers: list[str]) -> None:
    """Consent and five questions on worker 0, the rest on worker 1."""
    person.url = workers[0]
    assert person.open().status_code == 200
    for _ in range(7):
        assert person.answer().status_code == 200
    assert progress(person.page) == 6
    person.answered = 5
    person.url = workers[1]
    person.complete_here()


def post_to_both(
    person: WebPerson, workers: list[str], fields: list[tuple[str, str]]
) -> list[httpx.Response]:
    """The same form, nonce and all, to every worker at the same moment."""
    form = as_form(fields)
    with ThreadPoolExecutor(len(workers)) as pool:
        return list(
            pool.map(lambda url: person.http.post(f"{url}/s/{person.token}", data=form), workers)
        )


def person_alternates_and_double_posts(person: WebPerson, workers: list[str]) -> None:
    """Every request to the other worker; every fourth form posted to both at once."""
    person.url = workers[0]
    assert person.open().status_code == 200
    for turn in count():
        if 'name="step"' not in person.page:
            return
        assert turn < 60
        fields = person.fields_for_answer()
        counted = progress(person.page) is not None
        if turn % 4 == 3:  # a double tap that a load balancer spread over both workers
            both = post_to_both(person, workers, fields)
            assert [r.status_code for r in both] == [200, 200]
            assert progress(both[0].text) == progress(both[1].text)
            person.page = both[1].text
        else:
            person.url = workers[turn % 2]
            assert person.post(fields).status_code == 200
        person.answered += counted


def chat_moves_worker(workers: list[str]) -> None:
    """The web chat: who they are on worker 0, the check-in begun on 1, answered on both."""
    with httpx.Client(timeout=60) as chat:
        start = chat.get(f"{workers[0]}/chat/start").text
        fields = chat_fields(start, 0, cohort="child_in_care", age_band="8-11")
        assert chat.post(f"{workers[0]}/chat/start", data=as_form(fields)).status_code == 303
        page = chat.get(f"{workers[1]}/chat").text

        def send(worker: int, form: int, **given: str) -> str:
            fields = chat_fields(page, form, **given)
            response = chat.post(f"{workers[worker]}/chat", data=as_form(fields))
            assert response.status_code == 200
            return response.text

        page = send(1, 0, action="begin")
        page = send(0, 0, choice="yes")
        page = send(1, 0, choice="no")
        assert progress(page) == 1
        page = send(0, 1, text="really happy")
        assert progress(page) == 2
        page = send(1, 0, choice="yes")
        assert progress(page) == 3


class Tables(HTMLParser):
    """Every table cell's text and every figure on a page, to compare two workers' pages."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append(" ".join(" ".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def cells(page: str) -> list[str]:
    parser = Tables()
    parser.feed(page)
    return parser.cells


def staff_client(database: Database, workers: list[str]) -> httpx.Client:
    """A participation officer signed in on worker 0 (the session holds on worker 1 too)."""
    with transaction(database.sessions) as session:
        add_staff(
            session,
            email=STAFF_EMAIL,
            password_hash=hash_password(STAFF_PASSWORD),
            role="participation",
        )
    client = httpx.Client(timeout=60)
    login = client.get(f"{workers[0]}/staff/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login)
    assert token
    signed = client.post(
        f"{workers[0]}/staff/login",
        data={"email": STAFF_EMAIL, "password": STAFF_PASSWORD, "csrf_token": token.group(1)},
    )
    assert signed.status_code == 302, signed.text[:500]
    return client


# ------------------------------------------------------------------ the test


def test_two_web_and_two_bot_workers_on_one_database_agree(
    database_url: str, fake: FakeTelegram, tmp_path: Path
) -> None:
    settings = make_settings(
        tmp_path / "data",
        database_url,
        HEARD_TELEGRAM_TOKEN=fake.token,
        HEARD_TELEGRAM_API_URL=fake.api_url,
        HEARD_TELEGRAM_WEBHOOK_SECRET=SECRET,
    )
    database = open_database(settings)  # migrated once, before any worker starts
    environment = heard_environment(
        settings,
        HEARD_TELEGRAM_TOKEN=fake.token,
        HEARD_TELEGRAM_API_URL=fake.api_url,
        HEARD_TELEGRAM_WEBHOOK_SECRET=SECRET,
    )
    webs = [WebProcess(settings, tmp_path), WebProcess(settings, tmp_path)]
    ports = [free_port(), free_port()]
    webhooks = [f"http://127.0.0.1:{port}/telegram" for port in ports]
    bots = [
        HeardProcess(
            ["bot", "--webhook", url, "--listen", "127.0.0.1", "--port", str(port)],
            environment,
            tmp_path,
        )
        for url, port in zip(webhooks, ports, strict=True)
    ]
    links = [issue_link(database, "checkin-8-11") for _ in range(6)]
    moved, alternating, *others = [WebPerson("", token) for token in links]
    chats = [WebhookChat(fake, webhooks, user) for user in USERS]
    try:
        for bot in bots:
            bot.start()
        with ThreadPoolExecutor(2) as pool:
            workers = [web.url for web in pool.map(WebProcess.start, webs)]
        for bot, url in zip(bots, webhooks, strict=True):
            wait_until(lambda url=url, bot=bot: listening(url, bot), 60, f"the bot at {url}")

        with ThreadPoolExecutor(8) as pool:
            jobs = [
                pool.submit(person_moves_worker_midway, moved, workers),
                pool.submit(person_alternates_and_double_posts, alternating, workers),
                pool.submit(chat_moves_worker, workers),
                *(pool.submit(chat.check_in) for chat in chats),
            ]
            for index, person in enumerate(others):
                person.url = workers[index % 2]
                jobs.append(pool.submit(person.complete))
            for job in jobs:
                job.result()

        staff = staff_client(database, workers)
        status = [staff.get(f"{url}/status") for url in workers]
        dashboard = [staff.get(f"{url}/staff/dashboard") for url in workers]
        health = [httpx.get(f"{url}/healthz").json() for url in workers]
        staff.close()
        for process in (*bots, *webs):  # SIGTERM: each finishes what it has in hand
            assert process.stop() == 0, process.output[-3000:]
    finally:
        for process in (*bots, *webs):
            process.kill()
        for person in (moved, alternating, *others):
            person.close()

    # Both web workers show the same figures, and they are the database's.
    with transaction(database.sessions) as session:
        stored = totals(session)
    assert [r.status_code for r in status + dashboard] == [200] * 4
    assert cells(status[0].text) == cells(status[1].text)
    assert f"{stored['answers']} answers" in status[0].text
    assert cells(dashboard[0].text) == cells(dashboard[1].text)
    assert any(cell.endswith("%") for cell in cells(dashboard[0].text))  # real figures, too
    assert health == [{"ok": True, "answers": stored["answers"]}] * 2

    # Each answer exactly once, everyone finished, wherever their requests went.
    web_people = [moved, alternating, *others]
    assert all("Thank you" in p.page for p in web_people)
    assert all(set(p.statuses) == {200} for p in web_people)
    with transaction(database.sessions) as session:
        respondent_of = {p.token: find_invite(session, p.token).respondent_id for p in web_people}  # type: ignore[union-attr]
        counted = dict(
            session.execute(
                select(models.Answer.respondent_id, func.count(models.Answer.id)).group_by(
                    models.Answer.respondent_id
                )
            ).all()
        )
        by_channel = dict(
            session.execute(
                select(models.Respondent.channel, func.count(models.Answer.id))
                .join(models.Answer, models.Answer.respondent_id == models.Respondent.id)
                .group_by(models.Respondent.channel)
            ).all()
        )
        states = dict(
            session.execute(
                select(models.SurveySession.state, func.count()).group_by(
                    models.SurveySession.state
                )
            ).all()
        )
    database.close()
    assert {respondent_of[p.token]: p.answered for p in web_people} == {
        r: n for r, n in counted.items() if r in respondent_of.values()
    }
    assert by_channel["webchat"] == 2
    assert by_channel["telegram"] == sum(chat.answered for chat in chats)
    assert states == {"completed": len(web_people) + len(chats), "active": 1}
    for chat in chats:  # each question asked once, in order: no update handled twice
        shown = questions_shown(fake, chat.user)
        # Numbered by place in the survey, so a closed branch skips a number, never repeats.
        assert shown == sorted(set(shown)) and shown[0] == 1 and len(shown) == chat.answered
        thanks = [
            m
            for m in fake.bot_messages(chat.user)
            if "Your answers have been saved" in m.get("text", "")
        ]
        assert len(thanks) == 1
    for process in (*bots, *webs):
        assert "Traceback" not in process.output, process.output[-3000:]


def listening(url: str, bot: HeardProcess) -> bool:
    """The bot's webhook server answers (GET is refused, but something is there)."""
    bot.check_alive()
    try:
        httpx.get(url, timeout=2)
    except httpx.TransportError:
        return False
    return True
