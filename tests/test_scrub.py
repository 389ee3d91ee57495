"""Scrubbing personal details out of quotes, without mangling ordinary words."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.scrub import SCRUB_FILE, Scrubber, load_scrub_data, scrub_quote
from storage.datafiles import DataFileError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # names after a trigger, with and without a capital, and surnames
        ("my carer Sarah is lovely", "my carer [name] is lovely"),
        ("my carer sarah is lovely", "my carer [name] is lovely"),
        ("thank you Sarah Jones for everything", "thank you [name] for everything"),
        ("my carer Sioned is lovely", "my carer [name] is lovely"),  # not in the list
        ("my dog is called Biscuit", "my dog is called [name]"),
        ("Miss Jones helps me read", "Miss [name] helps me read"),
        ("my teacher Mr Patel is the best", "my teacher Mr [name] is the best"),
        ("MY CARER SARAH IS MEAN", "MY CARER [name] IS MEAN"),
        # listed first names anywhere
        ("me and jake went to town", "me and [name] went to town"),
        ("Hi, I am Mohammed and I am 15", "Hi, I am [name] and I am 15"),
        ("me and Will went out", "me and [name] went out"),
        # phone numbers
        ("text me on 07700 900123", "text me on [phone]"),
        ("or +44 7700 900 123", "or [phone]"),
        ("ring 01452 123456", "ring [phone]"),
        ("or (01452) 123456", "or [phone]"),
        ("London 020 7946 0958", "London [phone]"),
        # emails, handles, links
        ("email jake.smith99@gmail.com please", "email [email] please"),
        ("follow @jakey_boi", "follow [name]"),
        ("my snap is jake_2009", "my snap is [name]"),
        ("see https://example.com/x?y=1 and www.foo.co.uk", "see [link] and [link]"),
        ("mind.org.uk helped", "[link] helped"),
        # addresses and postcodes
        ("i live at 12 park road GL1 2AB", "i live at [address]"),
        ("Flat 3, 4 Church St, Stroud", "Flat 3, [address], Stroud"),
        ("near Elm Grove shops", "near [address] shops"),
        ("postcode gl50 1ab", "postcode [address]"),
        # schools
        ("I go to Cleeve School and hate it", "I go to [school] and hate it"),
        ("year 9 at Pates Grammar School", "year 9 at [school]"),
        ("i go to example academy", "i go to [school]"),
    ],
)
def test_scrubs(text: str, expected: str) -> None:
    assert scrub_quote(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I live with Mum and Dad",
        "i miss my mum and my nan",
        "I feel like I belong here",
        "Will you help me find a flat?",
        "I said grace at dinner",
        "I have 2 close friends",
        "3 people on my road are nice",
        "Staying Close has been great",
        "The Virtual School helped me",
        "I hate school",
        "childline is 0800 1111",
        "moved 4 times in 2 years",
        "my carer is kind and my sw listens",
        "CAMHS and my IRO were good",
        "got 5 GCSEs and start college in September",
        "I'm in year 10",
    ],
)
def test_leaves_ordinary_words_alone(text: str) -> None:
    assert scrub_quote(text) == text


def test_school_names_argument_adds_to_the_configured_list() -> None:
    assert scrub_quote("we go to st marys") == "we go to st marys"
    assert scrub_quote("we go to st marys", school_names=["St Marys"]) == "we go to [school]"
    assert scrub_quote("St  Marys is ok", ["st marys"]) == "[school] is ok"


def test_repeated_placeholders_collapse() -> None:
    assert scrub_quote("me and jake and tom") == "me and [name] and [name]"
    assert scrub_quote("Sarah Jones") == "[name]"


def test_broken_scrub_file(tmp_path: Path) -> None:
    path = tmp_path / "scrub.yaml"
    text = SCRUB_FILE.read_text(encoding="utf-8").replace('"Yes", "No"', "Yes, No")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_scrub_data(path)
    assert "not_names" in (caught.value.item or "")
    assert caught.value.line is not None and "quotes" in (caught.value.fix or "")


def test_council_school_list(tmp_path: Path) -> None:
    path = tmp_path / "scrub.yaml"
    text = SCRUB_FILE.read_text(encoding="utf-8").replace(
        "  - Example Academy", "  - Example Academy\n  - Trevone House"
    )
    path.write_text(text, encoding="utf-8")
    scrubber = Scrubber(load_scrub_data(path))
    assert scrubber.scrub("i live at trevone house") == "i live at [school]"
