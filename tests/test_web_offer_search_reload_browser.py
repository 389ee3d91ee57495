"""A young person on their phone searches the local offer with what is happening to them,
is shown the help, and reloads the page: the help is still what they see, and the
safeguarding lead has one alert, not two.

The search form posts, so a reload posts it again, with JavaScript on or off (the page
has no script of its own): the form's nonce makes that post the same search, given the
same help from its first alert, raising nothing and logging nothing again. An ordinary
question reloaded is logged once. Walked both ways at 390x844; screenshots of each step
go to test-artifacts/journeys/ and /tmp/helper_shots/. (Without a browser:
tests/test_web_offer_search_resent.py.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_support import LiveServer
from journey_support import (
    assert_sees,
    javascript,
    journey_page,
    live_server,
    no_script_errors,
    snap,
    type_and_send,
    words_in_view,
)
from sqlalchemy import select

from storage import models
from storage.db import transaction

__all__ = ["javascript", "journey_page", "live_server"]  # fixtures, used by name
pytestmark = [pytest.mark.browser, pytest.mark.slow]

DISCLOSURE = "my carer hits me when he is drunk"
QUESTION = "money for uni"
SHOTS = Path("/tmp/helper_shots")


def alert_references(live_server: LiveServer) -> list[str]:
    with transaction(live_server.database.sessions) as session:
        return list(
            session.scalars(
                select(models.SafeguardingAlert.pseudonym).order_by(models.SafeguardingAlert.id)
            )
        )


def offer_log(live_server: LiveServer) -> list[str]:
    with transaction(live_server.database.sessions) as session:
        return list(session.scalars(select(models.OfferQuery.text).order_by(models.OfferQuery.id)))


def reload_posts_again(page: Any) -> None:
    """The reload button on a page that answered a post: the browser sends the form again
    (accepting "confirm form resubmission" if it is asked)."""
    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_response(
        lambda response: (
            response.url.endswith("/offer/search") and response.request.method == "POST"
        )
    ):
        page.reload()
    page.wait_for_load_state()


def seen(page: Any) -> str:
    return " ".join(words_in_view(page).split())


def test_the_help_is_still_there_after_a_reload_and_the_lead_is_told_once(
    live_server: LiveServer, journey_page: Any, javascript: bool
) -> None:
    page = journey_page
    js = "js" if javascript else "nojs"
    SHOTS.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        snap(page, f"offer-search-reload-{name}", javascript=javascript)
        page.screenshot(path=str(SHOTS / f"offer-search-reload-{name}-{js}.png"))

    # They search the local offer with what is happening to them: the help, in view.
    page.goto(f"{live_server.url}/offer")
    # Before they type, the page says what it will do with a worry (the help's "as we
    # said at the start"), as every survey's consent does.
    page.locator("#offer-q").scroll_into_view_if_needed()
    assert_sees(page, "makes us worried you might not be safe, we will tell someone who can help")
    type_and_send(page, "#offer-q", DISCLOSURE, javascript=javascript)
    help_now = page.locator("#help-now")
    first_words = help_now.locator("p").first.inner_text().strip().splitlines()[0]
    assert_sees(page, "Help is here", first_words)
    assert "0800 1111" in seen(page)
    before = seen(page)
    shot("1-help")
    references = alert_references(live_server)
    assert len(references) == 1 and references[0].startswith("search:"), references

    # They reload: the same help is what they see, and no second alert is raised.
    reload_posts_again(page)
    assert page.locator("#help-now").count() == 1, "the help is shown twice, or not at all"
    assert_sees(page, "Help is here", first_words)
    assert seen(page) == before, "a reload changed what they see"
    shot("2-reloaded")
    assert alert_references(live_server) == references, "a reload raised the alert again"
    assert offer_log(live_server) == []
    # Further down, still asked whether they would like someone to get in touch.
    page.locator(".contact-offer").scroll_into_view_if_needed()
    assert_sees(page, "get in touch with you about this")
    shot("3-reloaded-ask")

    # An ordinary question, reloaded, is one question in the offer's log.
    page.locator("#offer-q").fill("")  # the box keeps what they searched for
    type_and_send(page, "#offer-q", QUESTION, javascript=javascript)  # a fresh page's form
    assert_sees(page, "What we found")
    found = seen(page)
    reload_posts_again(page)
    assert seen(page) == found
    shot("4-question-reloaded")
    assert offer_log(live_server) == [QUESTION]
    assert alert_references(live_server) == references
    no_script_errors(page)
