"""Pictures beside answers (`symbol:` on an option, `symbol_required: true` on a survey):
checked when the catalogue loads, shipped as plain SVG in webforms/static/symbols/."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from surveys.definition import (
    SCALE_SYMBOLS,
    SYMBOLS_DIR,
    check_survey,
    load_catalogue,
    load_survey,
)
from surveys.translations import localise

SURVEY = """id: little
title: Little
audience: {cohorts: [child_in_care], age_bands: ["4-7"]}
estimated_minutes: 2
intro: Hi.
consent: OK.
symbol_required: true
questions:
  - id: home_feel
    type: faces5
    text: How do you feel about your home?
    domain: home_and_care
    themes: [home_and_belonging]
  - id: pet
    type: choice
    text: Do you have a pet?
    domain: home_and_care
    themes: [home_and_belonging]
    options:
      - value: "yes"
        label: "Yes"
        symbol: "yes"
      - value: "no"
        label: "No"
        symbol: "no"
  - id: life
    type: scale0_10
    text: How is life, 0 to 10?
    domain: recovery
    themes: [emotional_wellbeing]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "little.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_symbols_load_and_the_scales_get_heards_own(tmp_path: Path) -> None:
    survey = load_survey(write(tmp_path, SURVEY))
    assert survey.symbol_required
    assert [o.symbol for o in survey.question("pet").options] == ["yes", "no"]
    assert [o.symbol for o in survey.question("home_feel").options] == [
        "face-1",
        "face-2",
        "face-3",
        "face-4",
        "face-5",
    ]
    assert all(o.symbol is None for o in survey.question("life").options)  # numbers are enough
    # without the survey flag the scales keep their emoji only
    plain = load_survey(write(tmp_path, SURVEY.replace("symbol_required: true\n", "")))
    assert all(o.symbol is None for o in plain.question("home_feel").options)
    # a picture is not part of what an answer means: same version with or without
    bare = SURVEY.replace("symbol_required: true\n", "")
    bare = bare.replace('        symbol: "yes"\n', "").replace('        symbol: "no"\n', "")
    assert load_survey(write(tmp_path, bare)).version == survey.version


def test_a_picture_with_no_file_names_the_file_item_and_fix(tmp_path: Path) -> None:
    path = write(tmp_path, SURVEY.replace('symbol: "no"', "symbol: nope"))
    errors = check_survey(path)
    assert len(errors) == 1, errors
    message = str(errors[0])
    assert f"{path}:" in message
    assert "question 'pet', option 2" in message
    assert "no picture called 'nope'" in message and str(SYMBOLS_DIR / "nope.svg") in message
    assert "Fix: did you mean 'no'?" in message and "webforms/static/symbols/nope.svg" in message


@pytest.mark.parametrize(
    ("symbol", "words"),
    [
        ("no", "read as true/false"),  # bare no in YAML is false
        ("Not Sure.svg", "must be the name of a picture"),
        ("[1, 2]", "must be the name of a picture"),
    ],
)
def test_a_symbol_that_is_not_a_name_is_explained(tmp_path: Path, symbol: str, words: str) -> None:
    errors = check_survey(write(tmp_path, SURVEY.replace('symbol: "no"', f"symbol: {symbol}")))
    assert len(errors) == 1 and words in str(errors[0]), errors
    assert "question 'pet', option 2" in str(errors[0])


def test_symbol_required_wants_a_picture_on_every_choice(tmp_path: Path) -> None:
    path = write(tmp_path, SURVEY.replace('        symbol: "no"\n', ""))
    errors = check_survey(path)
    assert len(errors) == 1, errors
    message = str(errors[0])
    assert "question 'pet', option 2" in message and "symbol_required: true" in message
    assert "Fix: add a 'symbol:' line" in message
    # without the rule, pictures stay optional
    assert (
        check_survey(
            write(
                tmp_path,
                SURVEY.replace("symbol_required: true\n", "").replace('        symbol: "no"\n', ""),
            )
        )
        == []
    )


@pytest.mark.parametrize("survey_id", ["checkin-4-7", "checkin-8-11"])
@pytest.mark.parametrize("language", ["en", "ar", "ps"])
def test_the_young_check_ins_have_a_picture_on_every_answer(survey_id: str, language: str) -> None:
    survey = localise(load_catalogue()[survey_id], language)
    assert survey.symbol_required
    for question in survey.questions:
        if question.type in ("text", "scale0_10"):
            continue
        for option in question.options:
            if option.value == "prefer_not_to_say":
                assert option.symbol is None
                continue
            assert option.symbol, (question.id, option.value)
            assert (SYMBOLS_DIR / f"{option.symbol}.svg").is_file()


def test_the_older_check_ins_have_no_pictures() -> None:
    catalogue = load_catalogue()
    for survey_id in ("checkin-11-17", "checkin-care-leaver", "pulse", "carer-feedback"):
        survey = catalogue[survey_id]
        assert not survey.symbol_required
        assert all(o.symbol is None for q in survey.questions for o in q.options), survey_id


SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("path", sorted(SYMBOLS_DIR.glob("*.svg")), ids=lambda p: p.name)
def test_each_picture_is_a_plain_self_contained_svg(path: Path) -> None:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg" and root.get("viewBox") == "0 0 48 48"
    text = path.read_text(encoding="utf-8")
    # nothing fetched from anywhere, nothing run
    for banned in ("href", "http:", "https:", "<script", "<image", "url(", "on"):
        if banned == "on":
            assert not any(a.startswith("on") for el in root.iter() for a in el.attrib), path
        elif banned in ("http:",):
            assert text.count("http:") == 1  # the SVG namespace only
        else:
            assert banned not in text, (path, banned)


def test_every_scale_picture_is_shipped() -> None:
    for names in SCALE_SYMBOLS.values():
        for name in names.values():
            assert (SYMBOLS_DIR / f"{name}.svg").is_file(), name
