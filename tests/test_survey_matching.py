"""Typed answers are read the way young people write them, or kindly asked again."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.datafiles import DataFileError
from surveys.definition import Question, load_catalogue
from surveys.matching import MatchResult, load_answer_words, match_answer
from surveys.scales import PREFER_NOT_TO_SAY, Option, standard_options


def _question(qtype: str, *, pnts: bool = False, optional: bool = False, **extra) -> Question:
    options = extra.pop("options", None)
    if options is None:
        options = standard_options(qtype, pnts) if qtype not in ("choice", "multi", "text") else ()
    return Question(
        id="q",
        text="A question?",
        type=qtype,
        domain="recovery",
        themes=("emotional_wellbeing",),
        options=tuple(options),
        optional=optional,
        max_length=2000 if qtype == "text" else None,
        **extra,
    )


SATISFACTION = _question("satisfaction5")
FACES = _question("faces5")
YES_NO = _question("yes_sometimes_no")
YES_NO_PNTS = _question("yes_sometimes_no", pnts=True)
ZERO_TEN = _question("scale0_10")
FREE_TEXT = _question("text", optional=True)
PLACES = (
    Option("foster_family", "With my foster family", aliases=("foster carers",)),
    Option("childrens_home", "In a children's home"),
    Option("own_flat", "My own flat", aliases=("flat", "tenancy")),
    Option("family", "With my birth family", aliases=("with my mum", "with my dad")),
)
CHOICE = _question("choice", options=PLACES)
MULTI = _question(
    "multi",
    options=(
        Option("school", "School or college", aliases=("school", "college")),
        Option("job", "A job", aliases=("work", "working")),
        Option("training", "An apprenticeship or training", aliases=("apprenticeship",)),
        Option("brothers_sisters", "Brothers and sisters"),
    ),
)
COUNT = _question(
    "choice",
    options=(
        Option("one", "Just one", aliases=("1",)),
        Option("two", "Two", aliases=("2",)),
        Option("three_or_more", "Three or more", aliases=("3", "4", "5", "lots")),
        Option("not_sure", "Not sure"),
    ),
)

SCALE5_CASES = [
    ("5", "5"),
    ("very happy", "5"),
    ("Very Happy", "5"),
    ("v happy", "5"),
    ("😀", "5"),
    ("😀😀😀", "5"),
    ("good", "4"),
    ("gd", "4"),
    ("ok", "3"),
    ("OK!", "3"),
    ("meh", "3"),
    ("rubbish", "1"),
    ("love it", "5"),
    ("I love it here", "5"),
    ("happy", "4"),
    ("not happy", "2"),
    ("not very happy", "2"),
    ("im not really that happy", "2"),
    ("v sad", "1"),
    ("sad", "2"),
    ("unhappy", "2"),
    ("very unhappy", "1"),
    ("not bad", "4"),
    ("not too bad", "3"),
    ("really happy thanks", "5"),
    ("sooo happy", "5"),
    ("happyyyy", "4"),
    ("hapy", "4"),
    ("vry hapy", "5"),
    ("4/5", "4"),
    ("4 out of 5", "4"),
    ("10/10", "5"),
    ("I'd say 4", "4"),
    ("about 3", "3"),
    ("three", "3"),
    ("5️⃣", "5"),
    ("👍🏽", "4"),
    ("🙂", "4"),
    ("😢", "1"),
    ("it's alright", "3"),
    ("In the middle", "3"),
    ("  good  ", "4"),
    ("１", "1"),
]


@pytest.mark.parametrize(("text", "value"), SCALE5_CASES)
def test_satisfaction5(text: str, value: str) -> None:
    assert match_answer(SATISFACTION, text) == MatchResult(value, True)


@pytest.mark.parametrize(("text", "value"), SCALE5_CASES + [("ok", "3"), ("Very sad", "1")])
def test_faces5(text: str, value: str) -> None:
    assert match_answer(FACES, text) == MatchResult(value, True)


UNREADABLE_SCALE5 = [
    "",
    "   ",
    "0",
    "6",
    "11",
    "happy but sad",
    "good and bad",
    "4 or 5",
    "banana",
    "idk",
    "not sure",
    "yes",
    "3.5",
    "-1",
    "x" * 600,
]


@pytest.mark.parametrize("text", UNREADABLE_SCALE5)
def test_satisfaction5_unreadable_is_reasked(text: str) -> None:
    result = match_answer(SATISFACTION, text)
    assert not result.ok and result.value is None
    assert result.reask and "1 very unhappy" in result.reask and "5 very happy" in result.reask


YES_NO_CASES = [
    ("yes", "yes"),
    ("Yes", "yes"),
    ("YES!!", "yes"),
    ("yep", "yes"),
    ("ya", "yes"),
    ("yeah", "yes"),
    ("y", "yes"),
    ("yesss", "yes"),
    ("of course", "yes"),
    ("always", "yes"),
    ("👍", "yes"),
    ("i think yes", "yes"),
    ("no", "no"),
    ("No.", "no"),
    ("nah", "no"),
    ("nope", "no"),
    ("n", "no"),
    ("noooo", "no"),
    ("not really", "no"),
    ("never", "no"),
    ("no never", "no"),
    ("not at all", "no"),
    ("i don't", "no"),
    ("👎", "no"),
    ("sometimes", "sometimes"),
    ("sort of", "sometimes"),
    ("kinda", "sometimes"),
    ("a bit", "sometimes"),
    ("not always", "sometimes"),
    ("not all the time", "sometimes"),
    ("yes and no", "sometimes"),
    ("somtimes", "sometimes"),
    ("sometmes", "sometimes"),
]


@pytest.mark.parametrize(("text", "value"), YES_NO_CASES)
def test_yes_sometimes_no(text: str, value: str) -> None:
    assert match_answer(YES_NO, text) == MatchResult(value, True)


@pytest.mark.parametrize("text", ["", "maybe later", "not sure", "idk", "y n", "5", "purple"])
def test_yes_sometimes_no_unreadable_is_reasked(text: str) -> None:
    result = match_answer(YES_NO, text)
    assert not result.ok and result.reask
    assert "yes, sometimes or no" in result.reask


@pytest.mark.parametrize(
    "text", ["rather not say", "I'd rather not say", "prefer not to say", "pass", "private"]
)
def test_prefer_not_to_say_where_allowed(text: str) -> None:
    assert match_answer(YES_NO_PNTS, text) == MatchResult(PREFER_NOT_TO_SAY, True)
    assert match_answer(YES_NO_PNTS, PREFER_NOT_TO_SAY).value == PREFER_NOT_TO_SAY
    refused = match_answer(YES_NO, text)
    assert not refused.ok and refused.reask and refused.reask.startswith("That's OK.")


ZERO_TEN_CASES = [
    ("7", "7"),
    ("7/10", "7"),
    ("7 / 10", "7"),
    ("7 out of 10", "7"),
    ("seven", "7"),
    ("Seven", "7"),
    ("about 8", "8"),
    ("8ish", "8"),
    ("like a 6", "6"),
    ("i'd give it a 6 tbh", "6"),
    ("0", "0"),
    ("zero", "0"),
    ("10", "10"),
    ("10/10", "10"),
    ("ten", "10"),
    ("I'm 12 and it's a 7", "7"),
]


@pytest.mark.parametrize(("text", "value"), ZERO_TEN_CASES)
def test_scale0_10(text: str, value: str) -> None:
    assert match_answer(ZERO_TEN, text) == MatchResult(value, True)


@pytest.mark.parametrize("text", ["11", "-1", "7.5", "6 or 7", "between 6 and 8", "12/10", "lots"])
def test_scale0_10_unreadable_is_reasked(text: str) -> None:
    result = match_answer(ZERO_TEN, text)
    assert not result.ok and result.reask and "0 to 10" in result.reask


CHOICE_CASES = [
    ("1", "foster_family"),
    ("2", "childrens_home"),
    ("option 3", "own_flat"),
    ("#4", "family"),
    ("With my foster family", "foster_family"),
    ("with my foster family", "foster_family"),
    ("foster carers", "foster_family"),
    ("foster", "foster_family"),
    ("my own flat", "own_flat"),
    ("flat", "own_flat"),
    ("childrens home", "childrens_home"),
    ("in a childrens home", "childrens_home"),
    ("with my mum", "family"),
    ("own_flat", "own_flat"),
]


@pytest.mark.parametrize(("text", "value"), CHOICE_CASES)
def test_choice(text: str, value: str) -> None:
    assert match_answer(CHOICE, text) == MatchResult(value, True)


@pytest.mark.parametrize("text", ["5", "0", "with my", "somewhere", "1, 2"])
def test_choice_unreadable_is_reasked(text: str) -> None:
    result = match_answer(CHOICE, text)
    assert not result.ok and result.reask
    assert "1 With my foster family" in result.reask and "4 With my birth family" in result.reask


@pytest.mark.parametrize(
    ("text", "value"),
    [("1", "one"), ("4", "three_or_more"), ("5", "three_or_more"), ("lots", "three_or_more")],
)
def test_digits_that_are_answers_are_not_positions(text: str, value: str) -> None:
    assert match_answer(COUNT, text).value == value
    reask = match_answer(COUNT, "purple").reask
    assert reask and "Just one, Two, Three or more, Not sure" in reask


MULTI_CASES = [
    ("1", ["school"]),
    ("1, 3", ["school", "training"]),
    ("1,3", ["school", "training"]),
    ("1 and 3", ["school", "training"]),
    ("1 3", ["school", "training"]),
    ("3, 1", ["school", "training"]),
    ("1, 1", ["school"]),
    ("work", ["job"]),
    ("college and a job", ["school", "job"]),
    ("school, work & apprenticeship", ["school", "job", "training"]),
    ("Brothers and sisters", ["brothers_sisters"]),
    ("brothers and sisters, school", ["school", "brothers_sisters"]),
    ("all of them", ["school", "job", "training", "brothers_sisters"]),
]


@pytest.mark.parametrize(("text", "value"), MULTI_CASES)
def test_multi(text: str, value: list[str]) -> None:
    assert match_answer(MULTI, text) == MatchResult(value, True)


@pytest.mark.parametrize("text", ["1, 9", "school and banana", "0", ""])
def test_multi_unreadable_is_reasked(text: str) -> None:
    result = match_answer(MULTI, text)
    assert not result.ok and result.reask and 'like "1, 3"' in result.reask


def test_text_is_kept_as_written() -> None:
    message = "  My carer is kind 😀\nbut school is hard.  "
    assert match_answer(FREE_TEXT, message) == MatchResult(message.strip(), True)
    assert match_answer(FREE_TEXT, "x" * 2000).ok


def test_text_too_long_is_refused_not_truncated() -> None:
    result = match_answer(FREE_TEXT, "x" * 2001)
    assert not result.ok and result.value is None
    assert result.reask and "2,001" in result.reask and "2,000" in result.reask


def test_text_with_its_own_limit() -> None:
    short = _question("text", optional=True)
    short = Question(**{**short.__dict__, "max_length": 10})
    assert match_answer(short, "0123456789").ok
    assert "10" in (match_answer(short, "0123456789a").reask or "")


def test_empty_text_is_reasked_with_skip() -> None:
    result = match_answer(FREE_TEXT, " \n ")
    assert not result.ok and result.reask and "skip" in result.reask


def test_text_drops_only_what_a_database_cannot_store() -> None:
    assert match_answer(FREE_TEXT, "a\x00b").value == "ab"
    assert match_answer(FREE_TEXT, "a\ud800b").value == "a\ufffdb"


def test_reask_mentions_skip_only_when_optional() -> None:
    optional = _question("satisfaction5", optional=True)
    assert (match_answer(optional, "??!").reask or "").endswith(", or type skip.")
    assert "skip" not in (match_answer(SATISFACTION, "??!").reask or "")


def test_faces_reask_shows_the_faces() -> None:
    reask = match_answer(FACES, "purple").reask or ""
    assert "😢 1 very sad" in reask and "😀 5 very happy" in reask


def test_unsure_gets_a_gentle_reask() -> None:
    reask = match_answer(YES_NO, "dunno").reask or ""
    assert reask.startswith("That's OK if you're not sure.")


def test_button_values_are_accepted(catalogue_questions: list[Question]) -> None:
    for question in catalogue_questions:
        for value in question.values:
            expected = [value] if question.type == "multi" else value
            assert match_answer(question, value) == MatchResult(expected, True), question.id


def test_labels_select_their_own_option(catalogue_questions: list[Question]) -> None:
    for question in catalogue_questions:
        for option in question.options:
            result = match_answer(question, option.label)
            expected = [option.value] if question.type == "multi" else option.value
            assert result.value == expected, (question.id, option.label)


@pytest.mark.parametrize("table", ["scale5", "yes_sometimes_no"])
def test_every_listed_word_means_what_the_file_says(table: str) -> None:
    words = load_answer_words()
    question = SATISFACTION if table == "scale5" else YES_NO
    for value, phrases in getattr(words, table).items():
        for phrase in phrases:
            assert match_answer(question, phrase).value == value, phrase


# --------------------------------------------------------------------------- answer words file


def test_answer_words_file_problems_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "words.yaml"
    good = (Path(__file__).parents[1] / "surveys" / "answer_words.yaml").read_text("utf-8")
    path.write_text(good.replace('"4": [happy,', '"4": [happy, no, sad,', 1), "utf-8")
    with pytest.raises(DataFileError, match="put yes, no, on and off in quotes"):
        load_answer_words(path)
    path.write_text(good.replace('"4": [happy,', '"4": [happy, sad,', 1), "utf-8")
    with pytest.raises(DataFileError, match="listed under both"):
        load_answer_words(path)
    path.write_text(good.replace('  unclear: "', '  unclearly: "', 1), "utf-8")
    with pytest.raises(DataFileError, match="message 'unclear' is missing"):
        load_answer_words(path)


# --------------------------------------------------------------------------- properties


@pytest.fixture(scope="module")
def catalogue_questions() -> list[Question]:
    return [q for survey in load_catalogue().values() for q in survey.questions]


ALL_QUESTIONS = [q for survey in load_catalogue().values() for q in survey.questions] + [
    SATISFACTION,
    FACES,
    YES_NO,
    YES_NO_PNTS,
    ZERO_TEN,
    FREE_TEXT,
    CHOICE,
    MULTI,
    COUNT,
]
_WORDS = load_answer_words()
_VOCAB = sorted(
    {w for ws in _WORDS.scale5.values() for w in ws}
    | {w for ws in _WORDS.yes_sometimes_no.values() for w in ws}
    | set(_WORDS.unsure)
    | set(_WORDS.negators)
    | set(_WORDS.intensifiers)
    | set(_WORDS.number_words)
    | {o.label for q in ALL_QUESTIONS for o in q.options}
    | {"/", ",", "and", "out of", "10", "5", "3", "0", "-", ".", "!", "?", "😀", "\u200d", "\ufe0f"}
)
_sentences = st.lists(st.sampled_from(_VOCAB), max_size=6).map(" ".join)
_any_char = st.characters(exclude_categories=())  # surrogates and control characters too
_inputs = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=_any_char, max_size=40),
    _sentences,
    st.text(alphabet="0123456789 /,.-", max_size=12),
)


def _assert_valid(question: Question, result: MatchResult) -> None:
    assert isinstance(result, MatchResult)
    if result.ok:
        assert result.reask is None
        assert question.is_valid_answer(result.value), (question.id, result.value)
    else:
        assert result.value is None
        assert isinstance(result.reask, str) and result.reask.strip()


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=st.sampled_from(ALL_QUESTIONS), text=_inputs)
def test_match_answer_never_raises_and_only_returns_valid_values(
    question: Question, text: str
) -> None:
    _assert_valid(question, match_answer(question, text))


@settings(max_examples=100, deadline=None)
@given(text=st.text(min_size=1990, max_size=2100))
def test_long_text_is_never_truncated(text: str) -> None:
    result = match_answer(FREE_TEXT, text)
    cleaned = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if result.ok:
        assert result.value == cleaned and len(cleaned) <= 2000
    else:
        assert len(cleaned) > 2000 or not cleaned
