"""Where alerts go: the council's routes file, its mistakes, and the settings around it."""

from __future__ import annotations

import logging
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import make_settings
from reliability_support import HeardProcess, heard_environment

from analysis.safeguarding import ALERT_CATEGORIES as CATEGORIES
from heard.errors import CommandError
from heard.notice_wiring import (
    NOBODY,
    check_at_start,
    current_routes,
    delivery_problems,
    for_pages,
    load_routes,
)
from heard.settings import SettingsError
from notices.categories import CATEGORY_WORDS
from notices.email import SmtpRelay
from notices.routes import EXAMPLE_PATH, compile_routes
from notices.wording import Notice
from storage.datafiles import DataFileError

LADO, HOUSING = "lado@council.example", "housing.duty@council.example"
MISSING, LEAD = "missing.coordinator@council.example", "safeguarding.lead@council.example"
ROUTES = f"""\
version: 1
routes:
  safeguarding_lead:
    name: Safeguarding lead
    email: {LEAD}
    escalate_after_minutes: 60
    escalate_to:
      email: head.of.service@council.example
  lado:
    name: LADO
    email: [{LADO}]
    escalate_after_minutes: 30
  housing_duty:
    name: Housing options duty line
    email: {HOUSING}
  missing_from_care:
    name: Missing from care
    email: {MISSING}
    telegram_chat: "-100555"
rules:
  - category: allegation_about_carer
    route: lado
  - category: homelessness
    route: housing_duty
  - category: missing
    route: missing_from_care
default_route: safeguarding_lead
"""


def write(tmp_path: Path, text: str = ROUTES) -> Path:
    path = tmp_path / "routes.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_each_category_goes_to_its_route_and_the_rest_to_the_lead(tmp_path: Path) -> None:
    book = compile_routes(write(tmp_path))
    routed = {category: book.route_for(category, "urgent") for category in CATEGORIES}
    assert routed.pop("allegation_about_carer").to.emails == (LADO,)
    assert routed.pop("homelessness").to.emails == (HOUSING,)
    missing = routed.pop("missing")
    assert (missing.to.emails, missing.to.telegram_chat) == ((MISSING,), "-100555")
    assert {route.key for route in routed.values()} == {"safeguarding_lead"}
    lead = book.routes["safeguarding_lead"]
    assert lead.escalation_recipients.emails == ("head.of.service@council.example",)
    assert book.routes["lado"].escalation_recipients == book.routes["lado"].to  # "again"
    assert book.routes["housing_duty"].escalate_after_minutes == 60  # the default


def test_a_rule_can_name_a_level_and_the_first_match_wins(tmp_path: Path) -> None:
    text = ROUTES.replace(
        "rules:\n",
        "rules:\n  - category: [missing, exploitation]\n    level: urgent\n"
        "    route: safeguarding_lead\n",
    )
    book = compile_routes(write(tmp_path, text))
    assert book.route_for("missing", "urgent").key == "safeguarding_lead"
    assert book.route_for("missing", "concern").key == "missing_from_care"
    assert book.route_for("exploitation", "concern").key == "safeguarding_lead"
    # an alert keeps the route it was given, while the file still has it
    assert book.route_of("lado", "bullying", "concern").key == "lado"
    assert book.route_of("gone_route", "homelessness", "concern").key == "housing_duty"


def test_the_shipped_example_is_valid_and_routes_as_it_says() -> None:
    book = compile_routes(EXAMPLE_PATH)
    assert book.route_for("allegation_about_carer", "concern").key == "lado"
    assert book.route_for("homelessness", "urgent").key == "housing_duty"
    assert book.route_for("missing", "urgent").key == "missing_from_care"
    assert book.route_for("self_harm_suicide", "urgent").key == "safeguarding_lead"
    text = EXAMPLE_PATH.read_text(encoding="utf-8")
    for category in CATEGORIES:  # the comment lists every category a rule may name
        assert category in text


@pytest.mark.parametrize(
    ("old", "new", "line", "item", "fix"),
    [
        (
            "  - category: allegation_about_carer",
            "  - category: alegation_about_carer",
            21,
            "rules[1].category",
            "did you mean 'allegation_about_carer'?",
        ),
        ("    route: housing_duty", "    route: housing", 24, "rules[2].route", "did you mean"),
        (
            f"    email: {HOUSING}",
            "    email: housing.duty.council.example",
            15,
            "routes.housing_duty.email",
            "write one address",
        ),
        ("    name: LADO\n", "", 10, "routes.lado.name", "add the name staff will see"),
        (
            "    escalate_after_minutes: 30",
            "    escalate_after_minutes: half an hour",
            12,
            "routes.lado.escalate_after_minutes",
            "whole number of minutes",
        ),
        (
            '    telegram_chat: "-100555"',
            '    telegram_chat: "the staff group"',
            19,
            "routes.missing_from_care.telegram_chat",
            "group's number",
        ),
        ("    email: [lado", "    emial: [lado", 11, "routes.lado", "did you mean 'email'?"),
        (
            "default_route: safeguarding_lead",
            "default_route: lead",
            27,
            "default_route",
            "name the route for every other alert",
        ),
    ],
)
def test_a_typo_names_the_file_line_item_and_fix(
    tmp_path: Path, old: str, new: str, line: int, item: str, fix: str
) -> None:
    assert old in ROUTES
    path = write(tmp_path, ROUTES.replace(old, new, 1))
    with pytest.raises(DataFileError) as caught:
        compile_routes(path)
    error = caught.value
    assert (error.file, error.line, error.item) == (str(path), line, item), str(error)
    assert fix in str(error)
    assert str(error).startswith(f"{path}:{line}: {item}: ")


def test_a_route_nobody_hears_and_broken_yaml_are_refused(tmp_path: Path) -> None:
    silent = ROUTES.replace(f"    email: {HOUSING}\n", "")
    with pytest.raises(DataFileError, match="nobody would hear about these alerts"):
        compile_routes(write(tmp_path, silent))
    with pytest.raises(DataFileError, match=r"routes\.yaml:\d+: this is not valid YAML"):
        compile_routes(write(tmp_path, ROUTES.replace("  lado:", "  lado: [")))


def test_every_category_has_words() -> None:
    assert set(CATEGORY_WORDS) == set(CATEGORIES)


def test_settings_for_email_are_checked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    data = tmp_path / "data"
    mail = {"HEARD_SMTP_URL": "smtp://relay:587", "HEARD_SMTP_FROM": "heard@council.example"}
    both = make_settings(
        data, url, HEARD_SAFEGUARDING_EMAIL=f"{LEAD}, Deputy@Council.example", **mail
    )
    assert both.safeguarding_emails == (LEAD, "deputy@council.example")
    assert "relay" not in repr(
        make_settings(data, url, **{**mail, "HEARD_SMTP_URL": "smtp://u:SECRETPW@relay"})
    )
    for values, named in (
        ({"HEARD_SAFEGUARDING_EMAIL": "lead at council"}, "HEARD_SAFEGUARDING_EMAIL"),
        ({"HEARD_SAFEGUARDING_EMAIL": LEAD}, "HEARD_SMTP_URL is not"),
        ({"HEARD_SMTP_URL": "http://relay"}, "HEARD_SMTP_URL is not a mail server"),
        ({"HEARD_SMTP_URL": "smtp://relay"}, "HEARD_SMTP_FROM is not"),
        ({**mail, "HEARD_SMTP_FROM": "heard"}, "HEARD_SMTP_FROM='heard'"),
        ({"HEARD_SMTP_URL": "smtp://user@relay", "HEARD_SMTP_FROM": LEAD}, "password"),
        ({"HEARD_ALERT_ROUTES_FILE": str(tmp_path / "nope.yaml")}, "HEARD_ALERT_ROUTES_FILE"),
    ):
        with pytest.raises(SettingsError, match=re.escape(named)):
            make_settings(data, url, **values)


def test_with_no_routes_file_everything_goes_to_the_settings_route(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    data = tmp_path / "data"
    mail = {"HEARD_SMTP_URL": "smtp://relay:587", "HEARD_SMTP_FROM": "heard@council.example"}
    settings = make_settings(
        data,
        url,
        HEARD_SAFEGUARDING_EMAIL=LEAD,
        HEARD_ESCALATION_EMAIL="head@council.example",
        HEARD_ALERT_ESCALATION_MINUTES="20",
        HEARD_STAFF_CHAT_ID="-100777",
        **mail,
    )
    route = load_routes(settings).route_for("homelessness", "urgent")
    # the staff chat is used only when there is a bot token to send with
    assert (route.to.emails, route.to.telegram_chat) == ((LEAD,), None)
    assert route.escalation_recipients.emails == ("head@council.example",)
    assert route.escalate_after_minutes == 20
    with_bot = make_settings(data, url, HEARD_STAFF_CHAT_ID="-100777", HEARD_TELEGRAM_TOKEN="1:x")
    assert load_routes(with_bot).route_for("missing", "urgent").to.telegram_chat == "-100777"
    assert delivery_problems(with_bot, load_routes(with_bot)) == []


def test_nobody_to_tell_is_said_loudly_at_start_and_on_the_page(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path / "data", f"sqlite:///{tmp_path / 'h.sqlite3'}")
    with caplog.at_level(logging.ERROR, logger="heard.notices"):
        check_at_start(settings)
    assert [r.getMessage() for r in caplog.records] == [
        "Alerts are not being sent to anyone: set HEARD_SAFEGUARDING_EMAIL "
        "(or HEARD_STAFF_CHAT_ID with a bot token)"
    ]
    assert for_pages(settings)["alert_delivery_problems"] == [NOBODY]


def test_a_routes_file_that_cannot_be_sent_stops_the_start(tmp_path: Path) -> None:
    path = write(tmp_path)
    data, url = tmp_path / "data", f"sqlite:///{tmp_path / 'h.sqlite3'}"
    no_relay = make_settings(data, url, HEARD_ALERT_ROUTES_FILE=str(path))
    with pytest.raises(CommandError, match="HEARD_SMTP_URL is not set"):
        check_at_start(no_relay)
    problems = for_pages(no_relay)["alert_delivery_problems"]
    assert (
        "Alerts for the route 'LADO' are not being sent to anyone: HEARD_SMTP_URL is not set"
        in problems
    )
    write(tmp_path, ROUTES.replace("  - category: homelessness", "  - category: homeless"))
    with pytest.raises(DataFileError, match="did you mean 'homelessness'"):
        check_at_start(no_relay)
    assert "has a mistake" in for_pages(no_relay)["alert_delivery_problems"][0]


def test_a_broken_edit_keeps_the_last_good_routes_and_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path)
    settings = make_settings(
        tmp_path / "data",
        f"sqlite:///{tmp_path / 'h.sqlite3'}",
        HEARD_ALERT_ROUTES_FILE=str(path),
        HEARD_SMTP_URL="smtp://relay:25",
        HEARD_SMTP_FROM="heard@council.example",
    )
    assert current_routes(settings).route_for("homelessness", "concern").key == "housing_duty"
    path.write_text(ROUTES.replace("route: housing_duty", "route: housing"), encoding="utf-8")
    os.utime(path, (1, 1))  # a different modification time, as an edit would give
    with caplog.at_level(logging.ERROR, logger="heard.notices"):
        kept = current_routes(settings)
    assert kept.route_for("homelessness", "concern").key == "housing_duty"
    assert "last good routes" in caplog.text and "did you mean 'housing_duty'" in caplog.text
    path.write_text(ROUTES.replace(f"email: {HOUSING}", "email: new.duty@council.example"))
    os.utime(path, (2, 2))
    fixed = current_routes(settings)
    assert fixed.route_for("homelessness", "concern").to.emails == ("new.duty@council.example",)


def test_a_relay_url_is_read_and_only_loopback_may_have_a_password_in_clear() -> None:
    relay = SmtpRelay.parse("smtp://heard%40council:p%2Fss@relay.council.example:587")
    assert (relay.scheme, relay.host, relay.port) == ("smtp", "relay.council.example", 587)
    assert (relay.username, relay.password) == ("heard@council", "p/ss")
    assert "p/ss" not in repr(relay) and relay.where == "relay.council.example:587"
    assert not relay.on_this_machine
    assert SmtpRelay.parse("smtps://relay").port == 465 and SmtpRelay.parse("smtp://r").port == 25
    assert SmtpRelay.parse("smtp://127.0.0.1:2525").on_this_machine
    assert SmtpRelay.parse("smtp://localhost").on_this_machine


def test_a_notice_says_only_what_it_may() -> None:
    notice = Notice(
        alert_id=12,
        category="allegation_about_carer",
        level="urgent",
        route_name="LADO",
        raised_at=datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
        link="https://heard.council.example/staff/alerts/12",
    )
    assert notice.subject() == "Heard: urgent safeguarding alert 12"  # no category: lock screens
    assert notice.chat_text() == (
        "Safeguarding alert 12 needs attention.\nUrgent: please look now\n"
        "About: Allegation about a carer\nRoute: LADO\nRaised: 09:30 on 05 Jan 2026 (GMT)\n"
        "https://heard.council.example/staff/alerts/12"
    )
    body = notice.email_body()
    assert (
        "Alert:   12\nLevel:   Urgent: please look now\nAbout:   Allegation about a carer\n" in body
    )
    assert "Open it (sign-in needed): https://heard.council.example/staff/alerts/12" in body


def _run(args: list[str], environment: dict[str, str], workdir: Path) -> HeardProcess:
    return HeardProcess(args, environment, workdir).start()


@pytest.mark.slow
def test_heard_scheduler_says_at_start_that_alerts_reach_nobody_and_heard_run_refuses_a_typo(
    tmp_path: Path,
) -> None:
    settings = make_settings(tmp_path / "data", f"sqlite:///{tmp_path / 'h.sqlite3'}")
    scheduler = _run(["scheduler"], heard_environment(settings), tmp_path)
    try:
        scheduler.wait_for("this scheduler leads", 60)
        lines = [line for line in scheduler.lines if "not being sent to anyone" in line]
        assert len(lines) == 1 and lines[0].endswith(
            "ERROR heard.notices: Alerts are not being sent to anyone: set "
            "HEARD_SAFEGUARDING_EMAIL (or HEARD_STAFF_CHAT_ID with a bot token)"
        )
        assert "Safeguarding alert notices by email and Telegram" in scheduler.output
    finally:
        assert scheduler.stop() == 0, scheduler.output

    broken = write(tmp_path, ROUTES.replace("route: lado", "route: ldao"))
    environment = heard_environment(
        settings,
        HEARD_ALERT_ROUTES_FILE=str(broken),
        HEARD_SMTP_URL="smtp://127.0.0.1:25",
        HEARD_SMTP_FROM="heard@council.example",
    )
    run = _run(["run", "--port", "0"], environment, tmp_path)
    assert run.process is not None and run.process.wait(timeout=60) == 2
    run.stop()
    assert run.lines == [
        f"heard: {broken}:22: rules[1].route: there is no route 'ldao'. Fix: did you mean "
        "'lado'? use one of safeguarding_lead, lado, housing_duty, missing_from_care"
    ], run.output
