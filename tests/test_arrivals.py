"""The headline counts only the ways in a council trusts; the rest are shown beside it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import test_web_staff_support as staff_support
from browser_support import hidden_fields
from test_comparators import _answers
from test_rate_limits import _app
from test_report import CATALOGUE, seed
from test_web_public_chat import join_chat, text_of

from analysis.periods import month_of
from analysis.report import ReportOptions, build_report, render
from heard.settings import SettingsError, load_settings
from heard.wiring import Database
from storage.db import transaction
from storage.staff import add_staff
from webforms.staff.passwords import hash_password

fast_hashing = staff_support.fast_hashing  # a fixture


def _script_unhappy_check_ins(database: Database, tries: int) -> int:
    """A script: new cookie, consent, and the unhappiest answer to the first question."""
    app = _app(database)
    done = 0
    for _ in range(tries):
        client = app.test_client()
        page = join_chat(client, "child_in_care", "11-17")
        response = client.post("/chat", data={**hidden_fields(page), "action": "begin"})
        if response.status_code != 200:
            continue
        page = text_of(response)
        for choice in ("yes", "no"):  # consent, then "may we quote you"
            page = text_of(client.post("/chat", data={**hidden_fields(page), "choice": choice}))
        step = hidden_fields(page)["step"]
        client.post("/chat", data={**hidden_fields(page), "step": step, "choice": "1"})
        done += 1
    return done


def test_scripted_web_chat_check_ins_do_not_move_the_headline(
    database: Database, fast_hashing: None
) -> None:
    now = datetime.now(UTC)
    seed(database, _answers("real", now, 8, 10))  # 8 of 10 through single-use links
    period = month_of(now.date())
    with database.engine.connect() as connection:
        before = build_report(connection, period, ReportOptions(), catalogue=CATALOGUE)
    assert (before.overall.rate, before.overall.n) == (0.8, 10)

    assert _script_unhappy_check_ins(database, 60) == 40  # the rest were slowed down

    with database.engine.connect() as connection:
        after = build_report(connection, period, ReportOptions(), catalogue=CATALOGUE)
    assert (after.overall.rate, after.overall.n) == (0.8, 10)  # not moved
    assert after.by_arrival is not None
    arrived = {cell.key["arrived"]: cell for cell in after.by_arrival.cells}
    assert arrived["invite"].n == 10 and arrived["webchat"].n == 40
    assert arrived["webchat"].rate == 0.0
    html = render(after, "html")
    assert "By how people came" in html and "The web chat" in html
    assert "No: shown beside it" in html
    # A council that trusts its web chat counts it
    trusting = ReportOptions(trusted_arrivals=("invite", "webchat"))
    with database.engine.connect() as connection:
        counted = build_report(connection, period, trusting, catalogue=CATALOGUE)
    assert counted.overall.n == 50 and counted.overall.rate == 0.16

    with transaction(database.sessions) as session:
        add_staff(
            session,
            email=staff_support.EMAILS["participation"],
            password_hash=hash_password(staff_support.PASSWORD),
            role="participation",
        )
    staff = _app(database).test_client()
    assert staff_support.login(staff, staff_support.EMAILS["participation"]).status_code == 302
    page = staff.get(f"/staff/dashboard?period={period.label}").get_data(as_text=True)
    assert "Check these check-ins before you rely on this figure" in page
    assert "By how people came" in page and "No, only here" in page


def test_small_untrusted_counts_are_hidden_like_any_other(database: Database) -> None:
    now = datetime.now(UTC)
    seed(database, _answers("real", now, 8, 10))
    _script_unhappy_check_ins(database, 3)
    with database.engine.connect() as connection:
        report = build_report(
            connection, month_of(now.date()), ReportOptions(), catalogue=CATALOGUE
        )
    assert report.by_arrival is not None
    arrived = {cell.key["arrived"]: cell for cell in report.by_arrival.cells}
    assert arrived["webchat"].n is None and arrived["webchat"].rate is None
    assert "fewer than" in arrived["webchat"].n_display
    served = json.loads(render(report, "json"))["by_arrival"]
    webchat = [cell for cell in served if cell.get("arrived") == "webchat"]
    assert len(webchat) == 1 and webchat[0]["n"] is None and webchat[0]["rate"] is None


def test_the_trusted_channels_setting_is_checked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = {"HEARD_DATA_DIR": str(tmp_path), "HEARD_DATABASE_URL": f"sqlite:///{tmp_path}/h.db"}
    assert load_settings(environ=base, env_file=None).trusted_channels == ("telegram", "invite")
    chosen = {**base, "HEARD_TRUSTED_CHANNELS": " Telegram, invite,webchat "}
    assert load_settings(environ=chosen, env_file=None).trusted_channels == (
        "telegram",
        "invite",
        "webchat",
    )
    try:
        load_settings(environ={**base, "HEARD_TRUSTED_CHANNELS": "email"}, env_file=None)
    except SettingsError as error:
        assert "HEARD_TRUSTED_CHANNELS" in str(error)
    else:
        raise AssertionError("an unknown channel was accepted")
