"""A question's own typed words (`aliases: {value: [words]}` under a question in the
English catalogue): "Do you feel safe where you live?" answered "not safe" or "unsafe" is
a No (and its safety signal's help and alert follow), "safe" is a Yes, never "Sorry, I
didn't quite get that". The words are checked on load, leave a survey's version alone,
and a "not" around them is never read as a confident answer ("not unsafe", "safe not")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from test_negated_answers import alerts, assert_no_to_feel_safe_with_help, child, stored_answers
from test_negated_answers import at_feel_safe as reached_feel_safe

from heard.wiring import Database
from surveys.definition import Question, catalogue_dir, check_survey, load_catalogue, load_survey
from surveys.engine import ConversationEngine
from surveys.matching import match_answer
from surveys.translations import localise

CATALOGUE = load_catalogue()
SURVEY = "checkin-11-17"
FEEL_SAFE = CATALOGUE[SURVEY].question("feel_safe")
ENGLISH_FILES = sorted(p for p in catalogue_dir().glob("*.yaml") if p.name.count(".") == 1)


def _raw_aliases() -> list[tuple[str, str, str, str]]:
    """(survey, question, value, word) for every question-level alias in the catalogue."""
    found = []
    for path in ENGLISH_FILES:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for q in doc["questions"]:
            for value, words in (q.get("aliases") or {}).items():
                name = {True: "yes", False: "no"}.get(value, str(value))
                found += [(doc["id"], q["id"], name, w) for w in words]
    return found


RAW_ALIASES = _raw_aliases()


def reading(question: Question, typed: str) -> str | list[str] | None:
    result = match_answer(question, typed)
    if not result.ok:
        assert result.value is None and result.reask
        return None
    return result.value


# ---------------------------------------------------------------- the shipped words


def test_every_yes_sometimes_no_question_has_its_own_words() -> None:
    with_words = {(s, q) for s, q, _, _ in RAW_ALIASES}
    for survey in CATALOGUE.values():
        for question in survey.questions:
            if question.type == "yes_sometimes_no":
                assert (survey.id, question.id) in with_words, (survey.id, question.id)


@pytest.mark.parametrize(
    ("survey", "qid", "value", "word"),
    RAW_ALIASES,
    ids=[f"{s}.{q}.{v}:{w}" for s, q, v, w in RAW_ALIASES],
)
def test_every_listed_word_reads_as_its_answer(
    survey: str, qid: str, value: str, word: str
) -> None:
    question = CATALOGUE[survey].question(qid)
    option = question.option(value)
    assert option is not None and word in option.aliases
    expected: str | list[str] = [value] if question.type == "multi" else value
    assert reading(question, word) == expected
    assert reading(question, word.upper() + "!") == expected
    # and in the person's own language too: the English words still work in Arabic
    assert match_answer(localise(CATALOGUE[survey], "ar").question(qid), word).value == expected


FEEL_SAFE_READINGS: dict[str, str | None] = {
    "not safe": "no",
    "unsafe": "no",
    "i feel unsafe": "no",
    "not very safe": "no",
    "not that safe": "no",
    "i dont feel safe": "no",
    "i don't feel safe": "no",
    "no not safe": "no",
    "not really safe": "no",
    "never safe": "no",
    "i feel so unsafe": "no",
    "safe": "yes",
    "very safe": "yes",
    "i feel safe": "yes",
    "yes safe": "yes",
    "Safe.": "yes",
    "mostly safe": "sometimes",
    "not always safe": "sometimes",
    # the usual small typos
    "unsaf": "no",
    "not saf": "no",
    "i feel unsafee": "no",
    "not safeee": "no",
    # a "not" around them: asked again, never a confident answer
    "safe not": None,
    "unsafe not": None,
    "not unsafe": None,
    "im not unsafe": None,
    "i dont feel unsafe": None,
    "i don't feel unsafe": None,
    "never unsafe": None,
    "no safe": None,
    "safe but sometimes scared": None,
    "yes not safe": None,
}


@pytest.mark.parametrize(("typed", "meaning"), FEEL_SAFE_READINGS.items())
def test_feel_safe_in_its_own_words(typed: str, meaning: str | None) -> None:
    assert reading(FEEL_SAFE, typed) == meaning


@pytest.mark.parametrize(
    ("survey", "qid", "typed", "meaning"),
    [
        ("checkin-11-17", "feel_settled", "not settled", "no"),
        ("checkin-11-17", "feel_settled", "unsettled", "no"),
        ("checkin-11-17", "feel_settled", "settled", "yes"),
        ("checkin-11-17", "feel_settled", "unsetled", "no"),
        ("checkin-11-17", "feel_settled", "not unsettled", None),
        ("checkin-11-17", "rules_fair", "fair", "yes"),
        ("checkin-11-17", "rules_fair", "unfair", "no"),
        ("checkin-11-17", "rules_fair", "not fair", "no"),
        ("checkin-11-17", "rules_fair", "not unfair", None),
        ("checkin-11-17", "rules_fair", "fair not", None),
        ("checkin-11-17", "rules_fair", "i dont think theyre unfair", None),
        ("checkin-4-7", "safe_at_home", "not safe", "no"),
        ("checkin-8-11", "feel_safe", "unsafe", "no"),
        ("checkin-care-leaver", "feel_safe_home", "i feel unsafe", "no"),
        ("checkin-care-leaver", "money_enough", "skint", "no"),
        ("checkin-care-leaver", "pa_trust", "not unreliable", None),
        ("carer-feedback", "included_in_decisions", "left out", "no"),
        # choices with a safety signal: in their own words too
        ("checkin-11-17", "bullied", "not bullied", "no"),
        ("checkin-care-leaver", "housing_worry", "i'm worried", "yes"),
        ("checkin-care-leaver", "housing_worry", "not worried", "no"),
        ("checkin-care-leaver", "housing_worry", "a bit worried", "sometimes"),
        ("checkin-care-leaver", "housing_worry", "worried not", None),
        # the questions' words do not leak into other questions
        ("checkin-11-17", "good_friend", "safe", None),
        ("checkin-11-17", "getting_better", "unfair", None),
    ],
)
def test_other_questions_in_their_own_words(
    survey: str, qid: str, typed: str, meaning: str | None
) -> None:
    assert reading(CATALOGUE[survey].question(qid), typed) == meaning


# ---------------------------------------------------------------- the version stays


def _without_aliases(doc: Any) -> Any:
    doc = dict(doc)
    doc["questions"] = [{k: v for k, v in q.items() if k != "aliases"} for q in doc["questions"]]
    return doc


@pytest.mark.parametrize("path", ENGLISH_FILES, ids=lambda p: p.name)
def test_the_words_do_not_change_the_version(path: Path, tmp_path: Path) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    bare = tmp_path / path.name
    bare.write_text(yaml.safe_dump(_without_aliases(doc), allow_unicode=True), encoding="utf-8")
    shipped, plain = load_survey(path), load_survey(bare)
    assert (shipped.content_hash, shipped.version) == (plain.content_hash, plain.version)
    if any(q.get("aliases") for q in doc["questions"]):
        assert shipped.questions != plain.questions  # the words are there all the same


# ---------------------------------------------------------------- checked on load

SURVEY_TEMPLATE = """\
id: alias-test
title: Alias test
audience: {{cohorts: [child_in_care], age_bands: ["11-17"]}}
estimated_minutes: 2
intro: Hello.
consent: We keep your answers safe.
questions:
  - id: feel_safe
    type: yes_sometimes_no
    text: Do you feel safe where you live?
    domain: home_and_care
    themes: [feeling_safe]
{aliases}
  - id: pet
    type: choice
    text: Do you have a pet?
    domain: home_and_care
    themes: [home_and_belonging]
    options:
      - {{value: "yes", label: "Yes"}}
      - {{value: "no", label: "No"}}
{pet_aliases}
  - id: anything
    type: text
    text: Anything else?
    domain: home_and_care
    themes: [being_heard]
{text_aliases}
"""


def write_survey(tmp_path: Path, aliases: str = "", pet: str = "", text: str = "") -> Path:
    path = tmp_path / "alias-test.yaml"
    path.write_text(
        SURVEY_TEMPLATE.format(aliases=aliases, pet_aliases=pet, text_aliases=text),
        encoding="utf-8",
    )
    return path


def test_a_good_block_loads_and_bare_yes_no_keys_are_the_answers(tmp_path: Path) -> None:
    path = write_survey(
        tmp_path,
        '    aliases:\n      yes: [safe]\n      "no": [not safe, unsafe]\n'
        "      sometimes: [mostly safe]",
        pet="    aliases: {yes: [i have a dog], no: [no pets]}",
    )
    assert check_survey(path) == []
    survey = load_survey(path)
    safe = survey.question("feel_safe")
    assert safe.option("no").aliases == ("not safe", "unsafe")  # type: ignore[union-attr]
    assert reading(safe, "unsafe") == "no" and reading(safe, "mostly safe") == "sometimes"
    assert reading(survey.question("pet"), "i have a dog") == "yes"
    assert reading(survey.question("pet"), "no pets") == "no"
    bare = load_survey(write_survey(tmp_path))
    assert bare.content_hash == survey.content_hash and bare.version == survey.version


@pytest.mark.parametrize(
    ("block", "pet", "text", "item", "problem", "fix"),
    [
        (
            '    aliases: {"yes": [safe], maybe: [kind of safe]}',
            "",
            "",
            "question 'feel_safe', aliases of 'maybe'",
            "'maybe' is not an answer to this question",
            "use one of yes, sometimes, no",
        ),
        (
            '    aliases: {"yes": [safe, Not  Safe], "no": [not safe]}',
            "",
            "",
            "question 'feel_safe', aliases of 'no'",
            "'not safe' would pick both 'yes' and 'no'",
            "keep each word under one answer only",
        ),
        (
            '    aliases: {"yes": [safe], "no": []}',
            "",
            "",
            "question 'feel_safe', aliases of 'no'",
            "the aliases of 'no' must be a list of words, found []",
            "remove the line if there are none",
        ),
        (
            '    aliases: {"yes": safe}',
            "",
            "",
            "question 'feel_safe', aliases of 'yes'",
            "must be a list of words",
            'write it like "yes": [a word, another word]',
        ),
        (
            '    aliases: {"yes": [safe, ""]}',
            "",
            "",
            "question 'feel_safe', aliases of 'yes'",
            "must be a list of words",
            "quote words like 'yes'",
        ),
        (
            "    aliases: [safe, unsafe]",
            "",
            "",
            "question 'feel_safe'",
            "'aliases' must be 'value: [words]' lines",
            'aliases: {"yes": [safe, i feel safe]',
        ),
        (
            "    aliases: {}",
            "",
            "",
            "question 'feel_safe'",
            "'aliases' must be 'value: [words]' lines",
            "write it like",
        ),
        (
            "",
            '    aliases: {"no": ["Yes"]}',
            "",
            "question 'pet', aliases of 'no'",
            "'Yes' would pick both 'yes' and 'no'",
            "keep each word under one answer only",
        ),
        (
            "",
            "",
            '    aliases: {"yes": [safe]}',
            "question 'anything'",
            "a text question has no answers for typed words to pick",
            "remove 'aliases' from this question",
        ),
    ],
)
def test_a_bad_block_names_the_file_question_and_fix(
    tmp_path: Path, block: str, pet: str, text: str, item: str, problem: str, fix: str
) -> None:
    path = write_survey(tmp_path, block, pet, text)
    errors = check_survey(path)
    assert len(errors) == 1, [str(e) for e in errors]
    error = errors[0]
    assert error.file == str(path) and error.item == item
    assert problem in error.problem and error.fix is not None and fix in error.fix
    assert error.line is not None
    message = str(error)
    assert "alias-test.yaml" in message and item in message and "Fix:" in message
    with pytest.raises(ValueError, match="alias-test.yaml"):
        load_survey(path)


# ---------------------------------------------------------------- through the engine


def engine_for(database: Database) -> ConversationEngine:
    return ConversationEngine(database.sessions, CATALOGUE)


def at_feel_safe(database: Database, engine: ConversationEngine) -> str:
    pseudonym = child(database)
    reached_feel_safe(engine, pseudonym)
    return pseudonym


@pytest.mark.parametrize("typed", ["not safe", "unsafe", "i feel unsafe", "not very safe",
                                   "not that safe"])  # fmt: skip
def test_not_safe_is_stored_as_no_and_raises_the_alert(database: Database, typed: str) -> None:
    engine = engine_for(database)
    pseudonym = at_feel_safe(database, engine)
    reply = engine.handle(pseudonym, text=typed)
    assert_no_to_feel_safe_with_help(database, reply)


@pytest.mark.parametrize("typed", ["safe", "very safe", "i feel safe"])
def test_safe_is_stored_as_yes_without_an_alert(database: Database, typed: str) -> None:
    engine = engine_for(database)
    pseudonym = at_feel_safe(database, engine)
    reply = engine.handle(pseudonym, text=typed)
    assert reply.accepted and reply.alert_id is None
    assert reply.prompt is not None and reply.prompt.step == "feel_settled"
    assert stored_answers(database)["feel_safe"] == "yes" and alerts(database) == []


@pytest.mark.parametrize("typed", ["not unsafe", "safe not"])
def test_a_turned_round_word_is_asked_again(database: Database, typed: str) -> None:
    engine = engine_for(database)
    pseudonym = at_feel_safe(database, engine)
    reply = engine.handle(pseudonym, text=typed)
    assert not reply.accepted and reply.alert_id is None
    assert reply.prompt is not None and reply.prompt.step == "feel_safe"
    assert "feel_safe" not in stored_answers(database) and alerts(database) == []
    reply = engine.handle(pseudonym, text="not safe")  # then the clear answer counts
    assert reply.alert_id is not None and stored_answers(database)["feel_safe"] == "no"
