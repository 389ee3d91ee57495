"""A way back to the person after a disclosure: asked kindly, stored sealed on the
alert, answerable only for one's own alert, and kind about every mistake."""

from __future__ import annotations

import pytest
import test_web_staff_support as staff_support
from browser_support import PSEUDONYM_KEY, csrf_token, hidden_fields, issue_link, make_app
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from test_web_public_chat import join_chat, say, text_of

from heard.wiring import Database
from storage import models
from storage.db import transaction
from storage.sealing import ContactDetails, ContactSeal, SealError
from surveys.contact import BAD_PHONE, NEED_ONE, TOO_LONG, ContactDesk, check_contact
from surveys.safeguarding_seam import FreeTextContext, check_free_text

KEY = b"contact-test-key-0123456789abcdef"
fast_hashing = staff_support.fast_hashing  # a fixture


@pytest.fixture
def app(database: Database) -> Flask:
    return make_app(database)


def _alert(database: Database) -> models.SafeguardingAlert:
    with transaction(database.sessions) as session:
        alert = session.scalar(select(models.SafeguardingAlert))
        assert alert is not None
        session.expunge(alert)
        return alert


def _disclose(database: Database, pseudonym: str = "p-1") -> int:
    """A disclosure typed on the web by `pseudonym`; the alert it raised."""
    with transaction(database.sessions) as session:
        outcome = check_free_text(
            session,
            "my foster dad hits me",
            FreeTextContext(
                pseudonym=pseudonym, channel="web", cohort="child_in_care", age_band="11-17"
            ),
        )
        assert outcome is not None and outcome.alert_id is not None
        return outcome.alert_id


def _offer_fields(page: str) -> dict[str, str]:
    form = page[page.index('class="contact-offer"') :]
    form = form[: form.index("</form>")]
    return {"csrf_token": csrf_token(page), **{k: v for k, v in hidden_fields(form).items()}}


# ------------------------------------------------------------------ sealing and checks


def test_details_are_sealed_and_open_only_with_the_same_key() -> None:
    details = ContactDetails(first_name="Jolene", worker="Karen Smith", phone="07700 900123")
    sealed = ContactSeal(KEY).seal(details)
    # Words long enough that a random token cannot hold them by chance ("Jo" once did).
    assert "Jolene" not in sealed and "07700" not in sealed and "Karen" not in sealed
    assert ContactSeal(KEY).open(sealed) == details
    assert ContactSeal(KEY).seal(details) != sealed  # a fresh nonce every time
    with pytest.raises(SealError):
        ContactSeal(b"another-key-0123456789abcdef0000").open(sealed)
    altered = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    with pytest.raises(SealError):
        ContactSeal(KEY).open(altered)
    with pytest.raises(SealError):
        ContactSeal(KEY).open("not a token")


@pytest.mark.parametrize(
    ("name", "worker", "phone", "problem"),
    [
        ("", "", "", NEED_ONE),
        ("   ", "\t", "\n", NEED_ONE),
        ("Jo", "", "12", BAD_PHONE),
        ("", "", "call me maybe", BAD_PHONE),
        ("", "", "0" * 40, BAD_PHONE),
        ("", "", "+44 7700 900123; DROP TABLE", BAD_PHONE),
        ("J" * 61, "", "", TOO_LONG),
        ("", "K" * 81, "", TOO_LONG),
    ],
)
def test_what_is_typed_is_checked_kindly(name: str, worker: str, phone: str, problem: str) -> None:
    _, problems = check_contact(name, worker, phone)
    assert problem in problems.errors.values()


@pytest.mark.parametrize(
    "phone", ["07700 900123", "+44 7700 900123", "(01234) 567-890", "01234567890", "999 1234"]
)
def test_phone_numbers_as_people_write_them(phone: str) -> None:
    details, problems = check_contact("", "", phone)
    assert not problems and details.phone == " ".join(phone.split())


def test_control_characters_and_markup_are_kept_as_plain_text() -> None:
    details, problems = check_contact("Jo\x00\u202e<b>", " Karen\r\nSmith ", "")
    assert not problems
    assert details.first_name == "Jo <b>" and details.worker == "Karen Smith"


def test_only_the_person_who_raised_an_alert_can_answer_for_it(database: Database) -> None:
    alert_id = _disclose(database)
    desk = ContactDesk(database.sessions, KEY)
    details = ContactDetails(first_name="Jasmine")
    assert not desk.answer(alert_id, pseudonym="p-2", wanted=True, details=details)
    assert not desk.answer(alert_id + 999, pseudonym="p-1", wanted=True, details=details)
    assert _alert(database).contact_answered_at is None
    assert desk.answer(alert_id, pseudonym="p-1", wanted=True, details=details)
    alert = _alert(database)
    assert alert.contact_wanted is True and alert.contact_sealed
    assert "Jasmine" not in alert.contact_sealed
    assert desk.view(alert).details == details
    # They change their mind: the details go with the wish
    assert desk.answer(alert_id, pseudonym="p-1", wanted=False)
    alert = _alert(database)
    assert alert.contact_wanted is False and alert.contact_sealed is None
    view = desk.view(alert)
    assert view.wanted is False and view.details is None


# ------------------------------------------------------------------ the web


def _disclose_in_chat(client: FlaskClient) -> str:
    page = join_chat(client, "child_in_care", "11-17")
    page = say(client, page, text="my foster dad hits me")
    assert "Would you like someone from the council to get in touch" in page
    return page


def test_web_chat_asks_and_keeps_the_details_sealed_on_the_alert(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    page = _disclose_in_chat(client)
    assert (
        "Name of your social worker" in page
        and "Only the person at the council whose job is keeping" in page
    )
    done = client.post(
        "/get-in-touch",
        data={**_offer_fields(page), "wanted": "yes", "first_name": "Jo", "phone": "07700 900123"},
    )
    html = text_of(done)
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    assert "young people safe, and they will get in touch" in html
    assert "0800 1111" in html  # the help is still on screen
    assert 'action="/chat"' in html  # and the way back to the chat, the help with it
    back = client.post("/chat", data={**hidden_fields(html), "csrf_token": csrf_token(html)})
    assert 'id="help-kept"' in text_of(back) and "0800 1111" in text_of(back)
    alert = _alert(database)
    assert alert.contact_wanted is True and "07700" not in (alert.contact_sealed or "")
    opened = ContactDesk(database.sessions, b"").view  # wrong key: unreadable, not a crash
    assert opened(alert).unreadable
    # The words they typed never travel in the form
    assert "hits me" not in _offer_fields(page)["offer"]


def test_no_thank_you_is_recorded_and_answered_kindly(app: Flask, database: Database) -> None:
    client = app.test_client()
    page = _disclose_in_chat(client)
    done = client.post(
        "/get-in-touch", data={**_offer_fields(page), "wanted": "no", "phone": "07700 900123"}
    )
    html = text_of(done)
    assert done.status_code == 200 and "That&#39;s OK. If you change your mind" in html
    alert = _alert(database)
    assert alert.contact_wanted is False and alert.contact_sealed is None


def test_a_mistake_keeps_what_was_typed_and_the_help(app: Flask, database: Database) -> None:
    client = app.test_client()
    page = _disclose_in_chat(client)
    fields = _offer_fields(page)
    wrong = client.post(
        "/get-in-touch", data={**fields, "wanted": "yes", "first_name": "Jo", "phone": "12"}
    )
    html = text_of(wrong)
    assert wrong.status_code == 400 and BAD_PHONE.replace("'", "&#39;") in html
    assert 'value="Jo"' in html and 'value="12"' in html and "0800 1111" in html
    assert _alert(database).contact_answered_at is None
    nothing = client.post("/get-in-touch", data={**fields, "wanted": "yes"})
    assert nothing.status_code == 400 and "at least one way to reach you" in text_of(nothing)
    neither = client.post("/get-in-touch", data={**fields, "first_name": "Jo"})
    assert neither.status_code == 400 and "Please choose" in text_of(neither)
    fixed = client.post(
        "/get-in-touch",
        data={
            **hidden_fields(html),
            "csrf_token": csrf_token(html),
            "wanted": "yes",
            "first_name": "Jo",
            "phone": "07700 900123",
        },
    )
    assert fixed.status_code == 200
    assert _alert(database).contact_wanted is True


@pytest.mark.parametrize("offer", ["", "x" * 20000, "forged.token.value", "eyJhIjoxfQ.bad.sig"])
def test_a_forged_or_missing_offer_gets_a_kind_page_and_changes_nothing(
    app: Flask, database: Database, offer: str
) -> None:
    client = app.test_client()
    page = _disclose_in_chat(client)
    fields = {**_offer_fields(page), "offer": offer, "wanted": "yes", "first_name": "Jo"}
    response = client.post("/get-in-touch", data=fields)
    assert response.status_code == 400
    html = text_of(response)
    assert "This form has closed" in html and "999" in html
    assert _alert(database).contact_answered_at is None


def test_an_offer_for_an_alert_that_is_gone_changes_nothing(app: Flask, database: Database) -> None:
    client = app.test_client()
    page = _disclose_in_chat(client)
    with transaction(database.sessions) as session:
        for row in session.scalars(select(models.SafeguardingAlert)):
            session.delete(row)
    response = client.post("/get-in-touch", data={**_offer_fields(page), "wanted": "no"})
    assert response.status_code == 400 and "This form has closed" in text_of(response)


def test_the_survey_form_asks_and_goes_back_to_the_question(app: Flask, database: Database) -> None:
    from test_web_public_survey import post, step_of, through_consent

    token = issue_link(database)
    client = app.test_client()
    page = through_consent(client, token)
    html = text_of(post(client, token, page, action="answer", text="i want to die"))
    assert step_of(html) == "@continue"
    assert "Would you like someone from the council to get in touch" in html
    done = client.post(
        "/get-in-touch",
        data={**_offer_fields(html), "wanted": "yes", "first_name": "Jasmine", "worker": "Karen"},
    )
    assert done.status_code == 200
    assert f'href="/s/{token}"' in text_of(done)
    back = text_of(client.get(f"/s/{token}"))
    assert step_of(back) == "@continue"  # still waiting on "carry on?"
    alert = _alert(database)
    assert alert.contact_wanted and alert.channel == "web"
    assert ContactDesk(database.sessions, PSEUDONYM_KEY).view(alert).details == ContactDetails(
        first_name="Jasmine", worker="Karen"
    )


def test_a_safety_signal_answer_asks_too(app: Flask, database: Database) -> None:
    from test_web_public_survey import answer_top, post, step_of, through_consent

    token = issue_link(database)
    client = app.test_client()
    page = through_consent(client, token)
    for _ in range(40):
        if step_of(page) == "feel_safe":
            break
        page = answer_top(client, token, page)
    assert step_of(page) == "feel_safe"
    html = text_of(post(client, token, page, action="answer", choice="no"))
    assert 'id="help-now"' in html and "get in touch" in html
    done = client.post("/get-in-touch", data={**_offer_fields(html), "wanted": "no"})
    assert done.status_code == 200
    assert _alert(database).contact_wanted is False


def test_the_anonymous_offer_search_asks_and_records_on_its_one_off_alert(
    app: Flask, database: Database
) -> None:
    client = app.test_client()
    areas = text_of(client.get("/offer"))
    page = text_of(
        client.post(
            "/offer/search", data={"csrf_token": csrf_token(areas), "q": "my foster dad hits me"}
        )
    )
    done = client.post(
        "/get-in-touch", data={**_offer_fields(page), "wanted": "yes", "phone": "07700 900123"}
    )
    assert done.status_code == 200 and 'href="/offer/search"' in text_of(done)
    alert = _alert(database)
    assert alert.channel == "offer_search" and alert.contact_wanted is True
    view = ContactDesk(database.sessions, PSEUDONYM_KEY).view(alert)
    assert view.details == ContactDetails(phone="07700 900123")


# ------------------------------------------------------------------ the safeguarding role


def test_the_safeguarding_role_sees_how_to_reach_them_and_nobody_else_does(
    app: Flask, database: Database, fast_hashing: None
) -> None:
    from test_web_staff_support import EMAILS, PASSWORD, ROLES, login

    from storage.staff import add_staff
    from webforms.staff.passwords import hash_password

    with transaction(database.sessions) as session:
        for role in ROLES:
            add_staff(session, email=EMAILS[role], password_hash=hash_password(PASSWORD), role=role)
    client = app.test_client()
    page = _disclose_in_chat(client)
    client.post(
        "/get-in-touch",
        data={
            **_offer_fields(page),
            "wanted": "yes",
            "first_name": "Jasmine <b>",
            "worker": "Karen Smith",
            "phone": "07700 900123",
        },
    )
    alert = _alert(database)
    staff = app.test_client()
    assert login(staff, EMAILS["safeguarding"]).status_code == 302
    queue = text_of(staff.get("/staff/alerts"))
    assert "Wants contact" in queue and "07700" not in queue  # the queue never shows how
    html = text_of(staff.get(f"/staff/alerts/{alert.id}"))
    assert "They would like someone to get in touch" in html
    assert "Jasmine &lt;b&gt;" in html and "Karen Smith" in html
    assert 'href="tel:07700900123"' in html
    for role in ("participation", "admin"):
        other = app.test_client()
        assert login(other, EMAILS[role]).status_code == 302
        response = other.get(f"/staff/alerts/{alert.id}")
        assert response.status_code in (302, 403)
        assert "07700" not in text_of(response) and "Jasmine" not in text_of(response)


def test_the_alert_page_says_when_they_would_rather_not_be_contacted(
    app: Flask, database: Database, fast_hashing: None
) -> None:
    from test_web_staff_support import EMAILS, PASSWORD, login

    from storage.staff import add_staff
    from webforms.staff.passwords import hash_password

    with transaction(database.sessions) as session:
        add_staff(
            session,
            email=EMAILS["safeguarding"],
            password_hash=hash_password(PASSWORD),
            role="safeguarding",
        )
    client = app.test_client()
    page = _disclose_in_chat(client)
    staff = app.test_client()
    assert login(staff, EMAILS["safeguarding"]).status_code == 302
    alert = _alert(database)
    html = text_of(staff.get(f"/staff/alerts/{alert.id}"))
    assert "They have not said whether they would like someone to get in touch" in html
    client.post("/get-in-touch", data={**_offer_fields(page), "wanted": "no"})
    html = text_of(staff.get(f"/staff/alerts/{alert.id}"))
    assert "They said they would rather not be contacted about this" in html
    assert "No contact, please" in text_of(staff.get("/staff/alerts"))


def test_a_yes_after_the_alert_was_closed_reopens_it_and_notices_go_again(
    database: Database,
) -> None:
    from storage.alerts import set_alert_status
    from storage.models import utcnow

    alert_id = _disclose(database)
    with transaction(database.sessions) as session:
        alert = session.get(models.SafeguardingAlert, alert_id)
        assert alert is not None
        alert.notified_at = utcnow()
        alert.notice_sent_by = "email"
        set_alert_status(session, alert, "closed", by="lead@council.example", note="seen")
    desk = ContactDesk(database.sessions, KEY)
    assert desk.answer(alert_id, pseudonym="p-1", wanted=False)
    assert _alert(database).status == "closed"  # "no, thank you" changes nothing
    assert desk.answer(
        alert_id, pseudonym="p-1", wanted=True, details=ContactDetails(phone="07700 900123")
    )
    reopened = _alert(database)
    assert reopened.status == "new" and reopened.notified_at is None
    assert reopened.notice_sent_by is None
    assert "reopened because they asked for someone to get in touch after it was closed" in (
        reopened.note or ""
    )
