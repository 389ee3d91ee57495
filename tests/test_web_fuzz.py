"""Bad input at volume: over 10,000 hostile submissions to the web forms, the engine and
the CSV import, and never a 500, a traceback or an invalid stored answer.

Hypothesis builds the input: arbitrary Unicode, emoji, right-to-left marks, NUL and
other control characters, lone surrogates (where the channel can carry them), huge
text, forged steps and choices, missing or broken CSRF tokens, invalid UTF-8 in raw
bodies, unknown routes and query strings, and hostile CSV files. Everything goes
through the real Flask app, the real engine and the real importer. After each example
every answer written is checked against its question in the catalogue.

Runs are derandomised, so CI sees the same examples every time and the volume is
fixed: each test asserts its own share, and the shares add up to over 10,000 on SQLite.
PostgreSQL runs a smaller share of the same examples (it found NUL bytes failing there).
"""

from __future__ import annotations

import argparse
import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from browser_support import choice_values, csrf_token, hidden_fields, issue_link, make_app
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from analysis.importer import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, UnreadableCsv, import_rows
from analysis.importer import read_rows as read_csv_rows
from heard.errors import CommandError
from heard.import_command import run_import
from heard.settings import Settings
from heard.wiring import Database
from storage import models
from storage.db import transaction
from surveys.definition import TEXT_MAX_LENGTH, load_catalogue
from surveys.engine import ConversationEngine, decode_value
from surveys.people import People

CATALOGUE = load_catalogue()
KEY = b"fuzz-test-pseudonym-key-0123456789"
NOW = datetime(2026, 11, 1, tzinfo=UTC)
# Per test: (examples on SQLite, examples on PostgreSQL, submissions it must reach on SQLite).
PLAN = {
    "survey": (240, 40, 1_900),
    "chat": (130, 25, 1_400),
    "routes": (250, 40, 1_500),
    "engine": (160, 30, 1_200),
    "csv": (250, 40, 4_400),
}
assert sum(share for _, _, share in PLAN.values()) >= 10_000
PUBLIC_SURVEYS = ("checkin-4-7", "checkin-8-11", "checkin-11-17", "pulse", "carer-feedback")
ALL_VALUES = sorted({v for s in CATALOGUE.values() for q in s.questions for v in q.values})
QUESTION_IDS = sorted({q.id for s in CATALOGUE.values() for q in s.questions})
COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)

# ------------------------------------------------------------------ hostile text

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x00" * 50,
    "\x01\x02\x03\x07\x08\x0b\x0c\x1b[31mred",
    "\r\n\r\n",
    "\t\t",
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u200e\u061c",  # right-to-left, left-to-right and Arabic letter marks
    "مرحبا بك",
    "שלום",
    "\ufeffbom",
    "\u200b\u200c\u200d\u2060",
    "😀",
    "👨‍👩‍👧‍👦🏳️‍🌈👍🏽",
    "🙂" * 700,
    "Z̷̢̛͓̈́a̸͔̓l̵̰̈g̶̣̈́o̴͚͝",
    "<script>alert(1)</script>",
    "'; DROP TABLE answers; --",
    "{{ 7*7 }} {% raw %}",
    "%00%ff%ED%A0%80",
    "../../etc/passwd",
    "yes",
    "no",
    "5",
    "back",
    "skip",
    "stop",
    "help",
    "i want to die",
    "he hits me",
    "x" * (TEXT_MAX_LENGTH + 1),
    "y" * TEXT_MAX_LENGTH,
    "long " * 3000,
]
# Words that raise an alert or reach the offer log, carrying what a database cannot store.
NUL_MESSAGES = [
    "i want to die\x00 tonight",
    "can i get money\x00 for college",
    "he hits me \x00\x00",
    "where can i live\x00",
]
hostile = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300),
)
# The engine takes a Python str from any channel: a Telegram message can carry a lone surrogate.
engine_text = st.one_of(hostile, st.text(st.characters(exclude_categories=()), max_size=60))


# ------------------------------------------------------------------ checks


def fuzz_settings(name: str, database: Database) -> hypothesis_settings:
    sqlite, postgres, _ = PLAN[name]
    examples = sqlite if database.engine.dialect.name == "sqlite" else postgres
    return hypothesis_settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


def must_reach(name: str, database: Database, count: int) -> None:
    if database.engine.dialect.name == "sqlite":
        assert count >= PLAN[name][2], f"{name}: only {count} submissions"


def kind(response: Any, what: str) -> str:
    """The page, after checking it is not a server error or a traceback."""
    body = response.get_data(as_text=True)
    assert response.status_code < 500, f"{what}: {response.status_code}\n{body[:2000]}"
    assert "Traceback" not in body and "Internal Server Error" not in body, what
    if response.status_code == 413:
        assert "too much to send in one go" in body, what
    return body


def invalid_answers(database: Database, after_id: int = 0) -> list[tuple[str, str, str]]:
    """Every stored answer (newer than `after_id`) that its question would not accept,
    and every comment over the length limit."""
    bad = []
    with transaction(database.sessions) as session:
        rows = session.execute(
            select(models.Answer.survey_id, models.Answer.question_id, models.Answer.value).where(
                models.Answer.id > after_id
            )
        ).all()
        long_comments = session.scalar(
            select(func.count(models.Comment.id)).where(
                func.length(models.Comment.text) > TEXT_MAX_LENGTH
            )
        )
    for survey_id, question_id, value in rows:
        survey = CATALOGUE.get(survey_id)
        try:
            question = survey.question(question_id) if survey else None
        except KeyError:
            question = None
        if question is None or not question.is_valid_answer(decode_value(question, value)):
            bad.append((survey_id, question_id, value[:80]))
        elif "\x00" in value:
            bad.append((survey_id, question_id, "a NUL character"))
    if long_comments:
        bad.append(("comments", "text", f"{long_comments} over {TEXT_MAX_LENGTH} characters"))
    return bad


def newest_answer(database: Database) -> int:
    with transaction(database.sessions) as session:
        return session.scalar(select(func.max(models.Answer.id))) or 0


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


# ------------------------------------------------------------------ the survey form


def form_post(client: FlaskClient, url: str, page: str, post: dict[str, Any]) -> Any:
    """One hostile post of the question form: real hidden fields, each possibly broken."""
    fields = hidden_fields(page)
    current_choices = choice_values(page)
    data: dict[str, Any] = {}
    if post["csrf"] == "valid" and "csrf_token" in fields:
        data["csrf_token"] = fields["csrf_token"]
    elif post["csrf"] == "garbage":
        data["csrf_token"] = post["text"][:200]
    step = fields.get("step", "")
    data["step"] = {"current": step, "stale": post["stale_step"], "hostile": post["text"]}[
        post["step"]
    ]
    if post["nonce"] == "fresh" and "nonce" in fields:
        data["nonce"] = fields["nonce"]
    elif post["nonce"] == "hostile":
        data["nonce"] = post["text"][:100]
    if post["action"] is not None:
        data["action"] = post["action"]
    if post["choice"] == "real" and current_choices:
        data["choice"] = [current_choices[i % len(current_choices)] for i in post["picks"]]
    elif post["choice"] == "values":
        data["choice"] = [ALL_VALUES[i % len(ALL_VALUES)] for i in post["picks"]]
    elif post["choice"] == "hostile":
        data["choice"] = [post["text"]]
    if post["typed"]:
        data["text"] = post["typed"]
    data.update(post["extra"])
    return client.post(url, data=data)


TYPED_NUL_DISCLOSURE = {
    "csrf": "valid",
    "step": "current",
    "stale_step": "@consent",
    "nonce": "fresh",
    "action": "answer",
    "choice": "none",
    "picks": [0],
    "text": "",
    "typed": NUL_MESSAGES[0],
    "extra": {},
}
form_posts = st.fixed_dictionaries(
    {
        "csrf": st.sampled_from(["valid"] * 8 + ["missing", "garbage"]),
        "step": st.sampled_from(["current"] * 8 + ["stale", "hostile"]),
        "stale_step": st.sampled_from(QUESTION_IDS + ["@consent", "@quote", "@continue"]),
        "nonce": st.sampled_from(["fresh"] * 6 + ["none", "hostile"]),
        "action": st.sampled_from(["answer"] * 6 + ["back", "skip", "stop", None, "delete"]),
        "choice": st.sampled_from(["real"] * 6 + ["values", "hostile", "none"]),
        "picks": st.lists(st.integers(0, 40), min_size=1, max_size=3),
        "text": hostile,
        "typed": st.one_of(st.none(), hostile),
        "extra": st.dictionaries(
            st.sampled_from(["x", "step[]", "choice[]", "é"]), hostile, max_size=2
        ),
    }
)
visits = st.sampled_from(
    ["post"] * 12 + ["reload", "my-data", "my-data.json", "confirm", "delete", "raw", "query"]
)


def test_survey_form_survives_hostile_posts(app: Flask, database: Database) -> None:
    done = [0]

    @fuzz_settings("survey", database)
    @example(survey_id="pulse", visits=[("post", dict(TYPED_NUL_DISCLOSURE))] * 8)
    @given(
        survey_id=st.sampled_from(PUBLIC_SURVEYS),
        visits=st.lists(st.tuples(visits, form_posts), min_size=8, max_size=8),
    )
    def run(survey_id: str, visits: list[tuple[str, dict[str, Any]]]) -> None:
        before = newest_answer(database)
        client = app.test_client()
        token = issue_link(database, survey_id)
        url = f"/s/{token}"
        page = kind(client.get(url), "opening the link")
        for visit, post in visits:
            done[0] += 1
            if visit == "post":
                response = form_post(client, url, page, post)
            elif visit == "reload":
                response = client.get(url)
            elif visit in ("my-data", "my-data.json", "confirm"):
                path = "my-data/delete" if visit == "confirm" else visit
                response = client.get(f"{url}/{path}")
            elif visit == "delete":
                confirm = post["text"] if post["csrf"] == "garbage" else "yes"
                response = client.post(
                    f"{url}/my-data/delete",
                    data={
                        "confirm": confirm,
                        "csrf_token": hidden_fields(page).get("csrf_token", ""),
                    },
                )
            elif visit == "raw":  # invalid UTF-8 and odd encodings, straight onto the wire
                body = b"step=%ED%A0%80&choice=%FF%FE&text=%C0%AF%00&action=answer&csrf_token="
                body += hidden_fields(page).get("csrf_token", "").encode()
                response = client.post(
                    url, data=body, content_type="application/x-www-form-urlencoded"
                )
            else:
                response = client.get(url, query_string={post["text"][:200]: post["text"][:500]})
            body = kind(response, f"{visit} on {survey_id}")
            if response.status_code == 200 and "<form" in body:
                page = body
        assert invalid_answers(database, before) == []

    run()
    must_reach("survey", database, done[0])
    assert invalid_answers(database) == []


# ------------------------------------------------------------------ the web chat

CHAT_DEFAULT = {"action": None, "choice": "none", "pick": 0, "step": "current", "csrf": "valid"}
chat_posts = st.fixed_dictionaries(
    {
        "text": st.one_of(
            hostile, st.sampled_from(["start", "check in", "help", "can i get money"])
        ),
        "action": st.sampled_from([None] * 6 + ["begin", "resume", "back", "skip", "stop", "x"]),
        "choice": st.sampled_from(["real"] * 3 + ["none"] * 3 + ["hostile"]),
        "pick": st.integers(0, 40),
        "step": st.sampled_from(["current"] * 6 + ["hostile"]),
        "csrf": st.sampled_from(["valid"] * 9 + ["missing"]),
    }
)


def chat_post(client: FlaskClient, page: str, post: dict[str, Any]) -> Any:
    fields = hidden_fields(page)
    data: dict[str, Any] = {k: v for k, v in fields.items() if k != "csrf_token"}
    if post["csrf"] == "valid" and "csrf_token" in fields:
        data["csrf_token"] = fields["csrf_token"]
    if post["step"] == "hostile":
        data["step"] = post["text"][:200]
    if post["action"]:
        data["action"] = post["action"]
    options = choice_values(page)
    if post["choice"] == "real" and options:
        data["choice"] = options[post["pick"] % len(options)]
    elif post["choice"] == "hostile":
        data["choice"] = post["text"]
    data["text"] = post["text"]
    return client.post("/chat", data=data)


def test_web_chat_survives_hostile_messages(app: Flask, database: Database) -> None:
    done = [0]

    @fuzz_settings("chat", database)
    @example(
        cohort="care_leaver",
        band="",
        posts=[{**CHAT_DEFAULT, "text": text} for text in NUL_MESSAGES * 2],
        leave=True,
    )
    @given(
        cohort=st.one_of(st.sampled_from(["child_in_care", "care_leaver", "carer"]), hostile),
        band=st.one_of(st.sampled_from(["4-7", "8-11", "11-17", ""]), hostile),
        posts=st.lists(chat_posts, min_size=8, max_size=8),
        leave=st.booleans(),
    )
    def run(cohort: str, band: str, posts: list[dict[str, Any]], leave: bool) -> None:
        # Each example is a different person somewhere else: the rate limits (tested in
        # test_rate_limits.py) start afresh, or hundreds of examples from one address
        # would be slowed down as a script should be.
        app.extensions["heard.limiter"].reset()
        before = newest_answer(database)
        client = app.test_client()
        start = kind(client.get("/chat"), "the chat's first page")
        token = csrf_token(start)
        kind(
            client.post(
                "/chat/start", data={"csrf_token": token, "cohort": cohort, "age_band": band}
            ),
            "start",
        )
        joined = client.post("/chat/start", data={"csrf_token": token, "cohort": "care_leaver"})
        assert kind(joined, "joining") is not None and joined.status_code == 303
        page = kind(client.get("/chat"), "the chat")
        for post in posts:
            done[0] += 1
            response = chat_post(client, page, post)
            body = kind(response, "a chat message")
            if response.status_code == 200 and "<form" in body:
                page = body
        for path in ("/chat/my-data", "/chat/my-data.json", "/chat/my-data/delete"):
            done[0] += 1
            kind(client.get(path), path)
        if leave:
            done[0] += 1
            confirm = kind(client.get("/chat/my-data/delete"), "confirm")
            gone = client.post(
                "/chat/my-data/delete", data={"csrf_token": csrf_token(confirm), "confirm": "yes"}
            )
            assert "have been deleted" in kind(gone, "leaving")
        assert invalid_answers(database, before) == []

    run()
    must_reach("chat", database, done[0])


# ------------------------------------------------------------------ offer, routes, query strings

paths = st.one_of(
    st.builds(lambda t: "/offer/search?q=" + quote(t, safe=""), hostile),
    st.builds(lambda t: "/offer/" + quote(t, safe=""), hostile),
    st.builds(lambda t: "/offer/entry/" + quote(t, safe=""), hostile),
    st.builds(lambda t: "/s/" + quote(t, safe=""), hostile),
    st.builds(lambda t: "/s/" + quote(t, safe="") + "/my-data", hostile),
    st.builds(lambda t: "/" + quote(t, safe="/"), hostile),
    st.builds(lambda t: "/you-said?" + quote(t, safe="=&"), hostile),
    st.builds(lambda t: "/staff/alerts?show=" + quote(t, safe=""), hostile),
    st.builds(lambda t: "/chat?" + quote(t, safe="=&"), hostile),
    st.sampled_from(["/", "/offer", "/chat/start", "/you-said", "/staff/login", "/status"]),
)


def test_offer_box_routes_and_query_strings(app: Flask, database: Database) -> None:
    done = [0]

    @fuzz_settings("routes", database)
    @example(requests=[("GET", "/offer/search?q=" + quote(text)) for text in NUL_MESSAGES])
    @given(
        requests=st.lists(
            st.tuples(st.sampled_from(["GET"] * 4 + ["POST", "PUT", "DELETE", "HEAD"]), paths),
            min_size=6,
            max_size=6,
        )
    )
    def run(requests: list[tuple[str, str]]) -> None:
        client = app.test_client()
        for method, path in requests:
            done[0] += 1
            kind(client.open(path, method=method), f"{method} {path[:200]}")

    run()
    must_reach("routes", database, done[0])
    assert invalid_answers(database) == []


def test_bodies_over_the_limit_get_the_kind_413_page(app: Flask, database: Database) -> None:
    """Every public and staff form refuses a body over 64 KB kindly, without a 500."""
    client = app.test_client()
    token = issue_link(database, "pulse")
    kind(client.get(f"/s/{token}"), "opening")
    huge = {"text": "😀" * 20_000, "choice": "5"}
    for path in (
        f"/s/{token}",
        f"/s/{token}/my-data/delete",
        "/chat",
        "/chat/start",
        "/staff/login",
    ):
        response = client.post(path, data=huge)
        assert response.status_code == 413, path
        kind(response, path)
    many = {f"field{i}": "x" * 100 for i in range(1000)}
    assert client.post("/chat", data=many).status_code == 413
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(models.Answer.id))) == 0


# ------------------------------------------------------------------ the engine

engine_inputs = st.lists(
    st.one_of(
        st.tuples(st.just("type"), engine_text),
        st.tuples(st.just("button"), st.one_of(st.sampled_from(ALL_VALUES), engine_text)),
        st.tuples(st.just("pick"), st.integers(0, 40)),
    ),
    min_size=8,
    max_size=8,
)
ENGINE_SURVEYS = {
    "checkin-8-11": ("child_in_care", "8-11"),
    "checkin-care-leaver": ("care_leaver", "16-25"),
    "carer-feedback": ("carer", "adult"),
}


def test_engine_survives_any_text_and_stores_only_valid_answers(database: Database) -> None:
    people = People(database.sessions, KEY)
    engine = ConversationEngine(database.sessions, CATALOGUE)
    done, person = [0], [0]

    @fuzz_settings("engine", database)
    @example(
        survey_id="checkin-8-11",
        inputs=[
            ("type", text) for text in [*NUL_MESSAGES, "i want to die \ud800", "he hits me \udfff"]
        ],
    )
    @given(survey_id=st.sampled_from(sorted(ENGINE_SURVEYS)), inputs=engine_inputs)
    def run(survey_id: str, inputs: list[tuple[str, Any]]) -> None:
        before = newest_answer(database)
        person[0] += 1
        pseudonym = people.pseudonym("fuzz", person[0])
        cohort, band = ENGINE_SURVEYS[survey_id]
        people.set_profile(pseudonym, "web", cohort=cohort, age_band=band)
        reply = engine.begin(pseudonym, channel="web", survey_id=survey_id)
        reply = engine.handle(pseudonym, choice="yes", step="@consent")
        for how, value in inputs:
            done[0] += 1
            step = reply.prompt.step if reply.prompt else None
            if how == "type":
                reply = engine.handle(pseudonym, text=value)
            elif how == "button":
                reply = engine.handle(pseudonym, choice=value, step=step)
            else:
                options = [c.value for c in reply.prompt.choices] if reply.prompt else []
                pick = options[value % len(options)] if options else "yes"
                reply = engine.handle(pseudonym, choice=pick, step=step)
            assert reply.state in ("active", "paused", "completed", "declined", "none"), reply
        assert invalid_answers(database, before) == []

    run()
    must_reach("engine", database, done[0])


# ------------------------------------------------------------------ CSV import


def _value(column: str) -> st.SearchStrategy[str]:
    good = {
        "respondent_ref": st.sampled_from(["A-1", "A-2", "B-7", "Z"]),
        "cohort": st.sampled_from(["child_in_care", "care_leaver", "carer"]),
        "age_band": st.sampled_from(["8-11", "11-17", "16-25", "adult"]),
        "survey_id": st.sampled_from(sorted(CATALOGUE)),
        "question_id": st.sampled_from(QUESTION_IDS),
        "answer": st.sampled_from(ALL_VALUES + ["education; teenagers", "some words"]),
        "answered_at": st.sampled_from(
            [
                "2026-07-01",
                "01/08/2026 15:30",
                "2026-08-01 10:00",
                "31/02/2026",
                "2030-01-01",
                "1999-12-31",
                "0001-01-01T00:00+14:00",
                "9999-12-31T23:59-23:59",
                "2026-13-45",
            ]
        ),  # fmt: skip
        "placement_type": st.sampled_from(["", "foster_council", "Residential", "a b"]),
        "locality": st.sampled_from(["", "in_area", "out of area"]),
    }[column]
    return st.one_of(good, good, good, hostile)


csv_rows = st.lists(
    st.fixed_dictionaries({column: _value(column) for column in COLUMNS}), min_size=18, max_size=18
)


def _csv_text(header: list[str], rows: list[dict[str, str]], mangle: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n" if mangle == "crlf" else "\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    text = buffer.getvalue()
    if mangle == "quote":
        text = text.replace(",", ',"', 3)
    elif mangle == "nul":
        text = text.replace("\n", "\x00\n", 2)
    elif mangle == "bom":
        text = "\ufeff" + text
    elif mangle == "huge cell":
        text += "A," + "x" * 140_000 + "\n"
    return text


def test_csv_import_rejects_hostile_rows_clearly_and_stores_nothing_invalid(
    database: Database,
) -> None:
    done = [0]

    @fuzz_settings("csv", database)
    @given(
        header=st.one_of(
            st.just(list(COLUMNS)),
            st.just(list(COLUMNS)),
            st.permutations(list(COLUMNS)),
            st.lists(st.one_of(st.sampled_from(COLUMNS), hostile), max_size=10),
        ),
        rows=csv_rows,
        mangle=st.sampled_from(["none"] * 6 + ["crlf", "quote", "nul", "bom", "huge cell"]),
        skip_invalid=st.booleans(),
    )
    def run(header: list[str], rows: list[dict[str, str]], mangle: str, skip_invalid: bool) -> None:
        done[0] += len(rows)
        before = newest_answer(database)
        try:
            read_header, read = read_csv_rows(io.StringIO(_csv_text(header, rows, mangle)))
        except UnreadableCsv as error:
            assert str(error).startswith("line ") and "check it is" in str(error)
            return
        with transaction(database.sessions) as session:
            result = import_rows(
                session,
                read_header,
                read,
                CATALOGUE,
                pseudonym_key=KEY,
                timezone="Europe/London",
                skip_invalid=skip_invalid,
                now=NOW,
            )
        validation = result.validation
        for error in validation.errors:
            assert 1 <= error.row <= len(read) + 1, error
            assert error.column in (*COLUMNS, "header"), error
            assert str(error).startswith(f"row {error.row}, column {error.column}: ")
            assert len(error.message) > 10, error
        written = result.written.answers if result.written else 0
        if validation.errors and not skip_invalid:
            assert written == 0
        assert newest_answer(database) - before >= written
        assert written <= len(validation.valid)
        assert invalid_answers(database, before) == []

    run()
    must_reach("csv", database, done[0])


@pytest.mark.parametrize(
    "content",
    [
        b"respondent_ref,cohort\n\xff\xfe\x00broken",
        b"",
        b"\xef\xbb\xbf" + ",".join(COLUMNS).encode() + b"\n" + b"A," + b"x" * 140_000 + b"\n",
        ",".join(COLUMNS).encode()
        + b"\nA,child_in_care,11-17,pulse,anything_else,"
        + "in\x00side 😀 \u202e".encode()
        + b",2026-07-01,,\n",
    ],
    ids=["not utf-8", "empty", "a huge cell", "nul and emoji"],
)
def test_heard_import_responses_explains_unreadable_files(
    content: bytes,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The command ends with a message (exit 0, 1 or a one-line CommandError), never a crash."""
    path = tmp_path / "results.csv"
    path.write_bytes(content)
    try:
        code = run_import(argparse.Namespace(file=str(path), skip_invalid=False), settings)
    except CommandError as error:
        assert "results.csv" in str(error)
        return
    captured = capsys.readouterr()
    assert code in (0, 1)
    assert (captured.out + captured.err).strip()
    assert invalid_answers(database) == []
    if code == 0:
        with transaction(database.sessions) as session:
            stored = session.scalar(select(models.Answer.value))
        assert stored == "inside 😀 \u202e"  # kept as written, less what no database can store
