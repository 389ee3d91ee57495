"""Nobody can move the figure or flood the queue by script: the public pages that need
no invite are limited per device and per address, kindly, and across workers with Redis."""

from __future__ import annotations

import socket

import pytest
from browser_support import PSEUDONYM_KEY, SECRET_KEY, hidden_fields, issue_link
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from test_web_public_chat import join_chat, text_of

from heard.settings import SettingsError, load_settings
from heard.wiring import Database
from storage import models
from storage.db import transaction
from webforms.app import create_app
from webforms.config import WebConfig
from webforms.limits import ROUTE_LIMITS
from webforms.public.services import build_public_services

KIND = "Nothing you have already told us is lost"


def _app(database: Database, storage: str = "memory://") -> Flask:
    services = build_public_services(database.sessions, PSEUDONYM_KEY, with_offer=False)
    config = WebConfig(secret_key=SECRET_KEY, rate_limit_storage=storage)
    app = create_app(database.sessions, config, services)
    app.config["TESTING"] = True
    return app


def _start_checkin(client: FlaskClient, page: str) -> FlaskClient | None:
    response = client.post("/chat", data={**hidden_fields(page), "action": "begin"})
    return response


def _checkins_begun(database: Database) -> int:
    with transaction(database.sessions) as session:
        return session.scalar(select(func.count(models.SurveySession.id))) or 0


def test_a_script_starting_60_check_ins_from_one_address_is_stopped_kindly(
    database: Database,
) -> None:
    app = _app(database)
    refused = 0
    for _ in range(60):  # a new "device" (cookie) each time, as a script would
        client = app.test_client()
        page = join_chat(client, "child_in_care", "11-17")
        response = _start_checkin(client, page)
        if response.status_code == 429:
            refused += 1
            assert KIND in text_of(response) and int(response.headers["Retry-After"]) > 0
            assert "0800 1111" in text_of(response)
        else:
            assert response.status_code == 200
    assert _checkins_begun(database) == 40 and refused == 20


def test_one_device_starting_check_ins_over_and_over_is_stopped(database: Database) -> None:
    app = _app(database)
    client = app.test_client()
    page = join_chat(client, "child_in_care", "11-17")
    statuses = []
    for _ in range(6):
        response = _start_checkin(client, page)
        statuses.append(response.status_code)
        if response.status_code == 200:
            page = text_of(response)
            # stop and erase the open check-in so the next "begin" starts a new one
            with transaction(database.sessions) as session:
                for row in session.scalars(select(models.SurveySession)):
                    row.state = "completed"
    assert statuses == [200, 200, 200, 200, 429, 429]


def test_carrying_on_a_check_in_never_counts_as_starting_one(database: Database) -> None:
    app = _app(database)
    client = app.test_client()
    page = join_chat(client, "child_in_care", "11-17")
    for _ in range(10):
        response = client.post("/chat", data={**hidden_fields(page), "action": "resume"})
        assert response.status_code == 200
        page = text_of(response)
    assert _checkins_begun(database) == 1


def test_too_many_chat_messages_from_one_device_get_the_kind_page(database: Database) -> None:
    app = _app(database)
    client = app.test_client()
    page = join_chat(client, "care_leaver", "16-25")
    codes = [
        client.post("/chat", data={**hidden_fields(page), "text": "hi"}).status_code
        for _ in range(125)
    ]
    assert codes.count(200) == 120 and codes[-1] == 429
    # the limit is per device: someone else on the same wifi is still answered
    other = app.test_client()
    their_page = join_chat(other, "care_leaver", "16-25")
    assert other.post("/chat", data={**hidden_fields(their_page), "text": "hi"}).status_code == 200


def test_an_open_event_link_takes_120_new_people_an_hour_from_one_address(
    database: Database,
) -> None:
    app = _app(database)
    token = issue_link(database, "checkin-11-17", open_link=True)
    first_devices: list[FlaskClient] = []
    codes = []
    for _ in range(123):
        client = app.test_client()
        page = text_of(client.get(f"/s/{token}"))
        response = client.post(f"/s/{token}", data={**hidden_fields(page), "choice": "yes"})
        codes.append(response.status_code)
        if response.status_code == 200 and len(first_devices) < 1:
            first_devices.append(client)
    assert codes.count(429) == 3 and codes[-1] == 429
    with transaction(database.sessions) as session:
        assert session.scalar(select(func.count(models.Respondent.id))) == 120
    # someone already in carries on
    carry_on = first_devices[0].get(f"/s/{token}")
    assert carry_on.status_code == 200


def test_every_limited_endpoint_is_a_real_page(database: Database) -> None:
    app = _app(database)
    assert set(ROUTE_LIMITS) <= set(app.view_functions)


def test_bad_storage_settings_are_refused_in_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    environ = {
        "HEARD_DATA_DIR": str(tmp_path),
        "HEARD_DATABASE_URL": f"sqlite:///{tmp_path}/h.db",
        "HEARD_RATE_LIMIT_STORAGE": "postgres://x",
    }
    with pytest.raises(SettingsError) as error:
        load_settings(environ=environ, env_file=None)
    assert "HEARD_RATE_LIMIT_STORAGE" in str(error.value)
    environ["HEARD_RATE_LIMIT_STORAGE"] = "redis://127.0.0.1:6379/3"
    assert load_settings(environ=environ, env_file=None).rate_limit_storage.startswith("redis")


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def test_two_workers_share_the_counts_through_redis(database: Database) -> None:
    import os

    if not _redis_up():
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs with Redis on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    storage = "redis://127.0.0.1:6379/14"
    import redis

    redis.Redis.from_url(storage).flushdb()
    one, two = _app(database, storage), _app(database, storage)
    refused = 0
    for index in range(50):
        app = one if index % 2 else two  # like gunicorn handing requests to two workers
        client = app.test_client()
        page = join_chat(client, "child_in_care", "11-17")
        if _start_checkin(client, page).status_code == 429:
            refused += 1
    assert refused == 10 and _checkins_begun(database) == 40
    redis.Redis.from_url(storage).flushdb()


def test_with_the_counter_store_away_people_are_still_answered(database: Database) -> None:
    app = _app(database, "redis://127.0.0.1:1/0")  # nothing listens there
    client = app.test_client()
    page = join_chat(client, "child_in_care", "11-17")
    response = _start_checkin(client, page)
    assert response.status_code == 200
    assert _checkins_begun(database) == 1
