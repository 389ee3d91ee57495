"""The survey catalogue loads, covers what young people asked for, and fails helpfully."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from storage.datafiles import DataFileError
from surveys.definition import (
    DOMAINS,
    KPI_TYPES,
    PREFER_NOT_TO_SAY,
    THEMES,
    Survey,
    catalogue_dir,
    check_catalogue,
    check_survey,
    load_catalogue,
    load_survey,
    survey_summary_json,
    survey_to_json,
)

FIXTURES = Path(__file__).parent / "fixtures" / "surveys"
SURVEY_IDS = [
    "checkin-4-7",
    "checkin-8-11",
    "checkin-11-17",
    "checkin-care-leaver",
    "carer-feedback",
    "pulse",
]
YOUNG_PEOPLE = [s for s in SURVEY_IDS if s != "carer-feedback"]
QUESTION_COUNTS = {
    "checkin-4-7": (7, 10),
    "checkin-8-11": (13, 19),
    "checkin-11-17": (22, 32),
    "checkin-care-leaver": (15, 30),
    "carer-feedback": (8, 20),
    "pulse": (4, 4),
}


@pytest.fixture(scope="module")
def catalogue() -> dict[str, Survey]:
    return load_catalogue()


# --------------------------------------------------------------------------- each survey


@pytest.mark.parametrize("survey_id", SURVEY_IDS)
def test_survey_loads_and_validates(survey_id: str) -> None:
    path = catalogue_dir() / f"{survey_id}.yaml"
    assert check_survey(path) == []
    survey = load_survey(path)
    assert survey.id == survey_id
    low, high = QUESTION_COUNTS[survey_id]
    assert low <= len(survey.questions) <= high
    assert len(survey.version) == 12 and survey.content_hash.startswith(survey.version)
    assert survey.source_file == str(path)
    for question in survey.questions:
        assert question.domain in DOMAINS
        assert question.themes and set(question.themes) <= set(THEMES)
        if question.kpi:
            assert question.type in KPI_TYPES
        if question.type in ("choice", "multi"):
            assert len(question.options) >= 2
        if question.type == "text":
            assert question.options == () and question.max_length == 2000


@pytest.mark.parametrize("survey_id", SURVEY_IDS)
def test_survey_has_several_kpi_questions(catalogue: dict[str, Survey], survey_id: str) -> None:
    assert len(catalogue[survey_id].kpi_questions) >= 3


def test_catalogue_is_exactly_the_six_surveys(catalogue: dict[str, Survey]) -> None:
    assert sorted(catalogue) == sorted(SURVEY_IDS)
    assert check_catalogue() == []


def test_pulse_is_three_kpi_questions_and_optional_text(catalogue: dict[str, Survey]) -> None:
    pulse = catalogue["pulse"]
    kpis = [q for q in pulse.questions if q.kpi]
    assert [q.type for q in kpis] == ["satisfaction5"] * 3
    assert [q.id for q in kpis] == ["home_happy", "adults_happy", "life_happy"]
    assert pulse.questions[-1].type == "text" and pulse.questions[-1].optional


def test_four_to_seven_uses_faces_and_short_sentences(catalogue: dict[str, Survey]) -> None:
    survey = catalogue["checkin-4-7"]
    faces = [q for q in survey.questions if q.type == "faces5"]
    assert len(faces) >= 5
    assert all(o.emoji for q in faces for o in q.options if o.counts)
    for question in survey.questions:
        assert len(question.text.split()) <= 16, question.id


@pytest.mark.parametrize("survey_id", YOUNG_PEOPLE)
def test_ends_with_optional_free_text(catalogue: dict[str, Survey], survey_id: str) -> None:
    last = catalogue[survey_id].questions[-1]
    assert last.type == "text" and last.optional


@pytest.mark.parametrize("survey_id", SURVEY_IDS)
def test_consent_covers_who_names_safety_and_deleting(
    catalogue: dict[str, Survey], survey_id: str
) -> None:
    consent = " ".join(catalogue[survey_id].consent.lower().split())
    assert "your answers go to" in consent  # who will see them
    assert "name" in consent and ("never" in consent or "not on them" in consent)
    assert "if you tell us something that makes us worried" in consent
    assert "might not be safe, we will tell someone who can help" in consent
    assert "see or delete your answers" in consent
    # How to do that differs by channel: the engine adds it (messages.yaml channel_hints).
    assert "/forgetme" not in consent and "link" not in consent


@pytest.mark.parametrize("survey_id", ["checkin-8-11", "checkin-11-17"])
def test_has_a_show_if_branch(catalogue: dict[str, Survey], survey_id: str) -> None:
    survey = catalogue[survey_id]
    follow_up = survey.question("move_explained")
    assert follow_up.show_if is not None and follow_up.show_if.question == "moved_home"


# --------------------------------------------------------------------------- coverage


def _all_questions(catalogue: dict[str, Survey]) -> list[tuple[str, object]]:
    return [(s.id, q) for s in catalogue.values() for q in s.questions]


def _has(catalogue: dict[str, Survey], survey_id: str, question_id: str, theme: str) -> bool:
    survey = catalogue[survey_id]
    return any(q.id == question_id and theme in q.themes for q in survey.questions)


REQUIRED_TOPICS = [
    ("a trusted adult", "checkin-11-17", "trusted_adult", "trusted_adults"),
    ("knowing your social worker", "checkin-11-17", "know_social_worker", "trusted_adults"),
    ("trusting your social worker", "checkin-11-17", "trust_social_worker", "trusted_adults"),
    ("how often social workers change", "checkin-11-17", "social_worker_changes", "stability"),
    ("knowing your PA", "checkin-care-leaver", "know_pa", "trusted_adults"),
    ("trusting your PA", "checkin-care-leaver", "pa_trust", "trusted_adults"),
    ("how often PAs change", "checkin-care-leaver", "pa_changes", "stability"),
    ("a good friend", "checkin-8-11", "good_friend", "friendship"),
    ("a good friend (11-17)", "checkin-11-17", "good_friend", "friendship"),
    ("seeing family", "checkin-11-17", "family_time_happy", "family_time"),
    ("brothers and sisters", "checkin-11-17", "siblings_time_happy", "family_time"),
    ("feeling safe", "checkin-11-17", "feel_safe", "feeling_safe"),
    ("feeling settled", "checkin-11-17", "feel_settled", "stability"),
    ("bedroom or own space", "checkin-11-17", "own_space", "home_and_belonging"),
    ("bedroom (8-11)", "checkin-8-11", "bedroom_happy", "home_and_belonging"),
    ("told why in care", "checkin-11-17", "why_in_care", "being_heard"),
    ("involved in decisions", "checkin-11-17", "have_a_say", "being_heard"),
    ("school or college", "checkin-11-17", "school_happy", "education_and_work"),
    ("hobbies", "checkin-11-17", "hobbies", "emotional_wellbeing"),
    ("being bullied", "checkin-11-17", "bullied", "feeling_safe"),
    ("moves", "checkin-11-17", "moved_home", "moves_and_transitions"),
    ("moves explained", "checkin-11-17", "move_explained", "moves_and_transitions"),
    ("life satisfaction", "checkin-11-17", "life_score", "emotional_wellbeing"),
    ("things getting better", "checkin-11-17", "getting_better", "emotional_wellbeing"),
    ("care leaver: safe where you live", "checkin-care-leaver", "feel_safe_home", "housing"),
    ("care leaver: settled home", "checkin-care-leaver", "home_suits", "stability"),
    ("care leaver: money", "checkin-care-leaver", "money_enough", "money"),
    ("care leaver: loneliness", "checkin-care-leaver", "lonely", "friendship"),
    ("care leaver: local offer", "checkin-care-leaver", "know_local_offer", "being_heard"),
    ("care leaver: education/work", "checkin-care-leaver", "doing_now", "education_and_work"),
    ("care leaver: health", "checkin-care-leaver", "health_care", "health"),
    ("care leaver: getting better", "checkin-care-leaver", "getting_better", "stability"),
    ("carer: support", "carer-feedback", "support_overall", "trusted_adults"),
    ("carer: training", "carer-feedback", "training_happy", "education_and_work"),
    ("carer: communication", "carer-feedback", "kept_informed", "being_heard"),
    ("carer: out of hours", "carer-feedback", "out_of_hours_help", "trusted_adults"),
]


@pytest.mark.parametrize(
    ("topic", "survey_id", "question_id", "theme"),
    REQUIRED_TOPICS,
    ids=[t[0] for t in REQUIRED_TOPICS],
)
def test_required_topic_is_covered(
    catalogue: dict[str, Survey], topic: str, survey_id: str, question_id: str, theme: str
) -> None:
    assert _has(catalogue, survey_id, question_id, theme), topic


def test_life_satisfaction_is_zero_to_ten_and_not_a_kpi(catalogue: dict[str, Survey]) -> None:
    for survey_id in ("checkin-8-11", "checkin-11-17", "checkin-care-leaver"):
        question = catalogue[survey_id].question("life_score")
        assert question.type == "scale0_10" and not question.kpi
        assert question.values[:11] == tuple(str(n) for n in range(11))


def test_every_domain_and_most_themes_are_used(catalogue: dict[str, Survey]) -> None:
    domains = {q.domain for _, q in _all_questions(catalogue)}
    themes = {t for _, q in _all_questions(catalogue) for t in q.themes}
    assert domains == set(DOMAINS)
    assert themes == set(THEMES)


# --------------------------------------------------------------------------- Language that Cares


def _all_words(survey: Survey) -> list[str]:
    texts = [survey.title, survey.intro, survey.consent]
    for q in survey.questions:
        texts += [q.text, q.easy_text or ""] + [o.label for o in q.options]
    return texts


BANNED = [r"\bplacements?\b", r"\bLAC\b", r"\bCLA\b", r"\blooked[- ]after\b", r"\brespite\b"]
BANNED += [r"\bcontact with (your|their) (family|mum|dad|parents)", r"\bsiblings?\b"]


@pytest.mark.parametrize("survey_id", SURVEY_IDS)
def test_language_that_cares(catalogue: dict[str, Survey], survey_id: str) -> None:
    text = "\n".join(_all_words(catalogue[survey_id]))
    for pattern in BANNED:
        assert not re.search(pattern, text, re.IGNORECASE), pattern


@pytest.mark.parametrize("survey_id", SURVEY_IDS)
def test_pa_is_explained_before_it_is_used(catalogue: dict[str, Survey], survey_id: str) -> None:
    texts = _all_words(catalogue[survey_id])
    first = next((t for t in texts if re.search(r"\bPAs?\b", t)), None)
    if first is not None:
        assert "personal adviser (PA)" in first


# --------------------------------------------------------------------------- model behaviour


def test_satisfied_or_better_and_prefer_not_to_say(catalogue: dict[str, Survey]) -> None:
    survey = catalogue["checkin-11-17"]
    home = survey.question("home_happy")
    assert [home.is_satisfied_or_better(v) for v in "12345"] == [False] * 3 + [True] * 2
    assert home.is_satisfied_or_better(PREFER_NOT_TO_SAY) is None
    assert home.is_satisfied_or_better("6") is None
    assert home.is_satisfied_or_better(None) is None
    pnts = home.option(PREFER_NOT_TO_SAY)
    assert pnts is not None and not pnts.counts and not pnts.satisfied_or_better
    safe = survey.question("feel_safe")
    assert [safe.is_satisfied_or_better(v) for v in ("yes", "sometimes", "no")] == [
        True,
        False,
        False,
    ]
    assert survey.question("life_score").is_satisfied_or_better("10") is None
    assert survey.question("moved_home").is_satisfied_or_better("no") is None
    faces = catalogue["checkin-4-7"].question("home_feel")
    assert faces.is_satisfied_or_better("4") is True
    assert [o.emoji for o in faces.options] == ["😢", "🙁", "😐", "🙂", "😀"]


def test_visible_questions_follow_show_if(catalogue: dict[str, Survey]) -> None:
    survey = catalogue["checkin-11-17"]

    def ids(answers: dict[str, str]) -> set[str]:
        return {q.id for q in survey.visible_questions(answers)}

    branch = {"move_explained", "school_moved", "trust_social_worker", "siblings_time_happy"}
    assert not ids({}) & branch
    moved = ids({"moved_home": "once", "know_social_worker": "yes", "siblings_apart": "yes"})
    assert branch <= moved
    assert not ids({"moved_home": "no"}) & {"move_explained", "school_moved"}
    assert not ids({"moved_home": PREFER_NOT_TO_SAY}) & {"move_explained", "school_moved"}
    assert len(survey.visible_questions({})) < len(survey.questions)


def test_a_stale_answer_on_a_hidden_question_is_ignored(catalogue: dict[str, Survey]) -> None:
    leaver = catalogue["checkin-care-leaver"]
    shown = {q.id for q in leaver.visible_questions({"know_pa": "no", "pa_gets_back": "yes"})}
    assert "pa_gets_back" not in shown and "pa_changes" not in shown
    shown = {q.id for q in leaver.visible_questions({"know_pa": "not_sure"})}
    assert "pa_changes" in shown and "pa_trust" not in shown


def test_question_lookup(catalogue: dict[str, Survey]) -> None:
    survey = catalogue["pulse"]
    assert survey.question("home_happy").type == "satisfaction5"
    with pytest.raises(KeyError):
        survey.question("nope")


def test_is_valid_answer(catalogue: dict[str, Survey]) -> None:
    doing = catalogue["checkin-care-leaver"].question("doing_now")
    assert doing.is_valid_answer(["job", "university"])
    assert not doing.is_valid_answer(["job", "job"])
    assert not doing.is_valid_answer([])
    assert not doing.is_valid_answer("job")
    text = catalogue["pulse"].question("anything_else")
    assert text.is_valid_answer("x" * 2000) and not text.is_valid_answer("x" * 2001)


# --------------------------------------------------------------------------- JSON


def test_show_json_shape(catalogue: dict[str, Survey]) -> None:
    for survey in catalogue.values():
        data = json.loads(json.dumps(survey_to_json(survey)))
        assert list(data) == [
            "id",
            "version",
            "title",
            "audience",
            "estimated_minutes",
            "questions",
        ]
        assert set(data["audience"]) == {"cohorts", "age_bands"}
        for question in data["questions"]:
            assert list(question) == [
                "id",
                "type",
                "text",
                "easy_text",
                "domain",
                "themes",
                "kpi",
                "optional",
                "show_if",
                "options",
            ]
            assert isinstance(question["kpi"], bool) and isinstance(question["optional"], bool)
            for option in question["options"]:
                assert list(option) == ["value", "label", "satisfied_or_better"]
                assert isinstance(option["satisfied_or_better"], bool)


def test_show_json_values(catalogue: dict[str, Survey]) -> None:
    data = survey_to_json(catalogue["checkin-11-17"])
    by_id = {q["id"]: q for q in data["questions"]}
    home = by_id["home_happy"]
    assert home["kpi"] is True and home["type"] == "satisfaction5"
    assert [o["value"] for o in home["options"]] == ["1", "2", "3", "4", "5", PREFER_NOT_TO_SAY]
    assert [o["satisfied_or_better"] for o in home["options"]] == [False] * 3 + [True] * 2 + [False]
    assert by_id["trust_social_worker"]["show_if"] == {
        "question": "know_social_worker",
        "equals": "yes",
    }
    assert by_id["move_explained"]["show_if"] == {
        "question": "moved_home",
        "in": ["once", "more_than_once"],
    }
    assert by_id["school_moved"]["show_if"] == {"question": "moved_home", "not_in": ["no"]}
    assert by_id["anything_else"]["options"] == []


def test_list_json_shape(catalogue: dict[str, Survey]) -> None:
    for survey in catalogue.values():
        summary = survey_summary_json(survey)
        assert list(summary) == ["id", "version", "title", "audience"]
        assert summary["version"] == survey.version
    assert survey_summary_json(catalogue["carer-feedback"])["audience"] == {
        "cohorts": ["carer"],
        "age_bands": ["adult"],
    }


# --------------------------------------------------------------------------- versions


def _copy(tmp_path: Path, survey_id: str = "pulse") -> Path:
    target = tmp_path / f"{survey_id}.yaml"
    shutil.copy(catalogue_dir() / f"{survey_id}.yaml", target)
    return target


def test_version_ignores_comments_and_layout(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    before = load_survey(path)
    text = path.read_text(encoding="utf-8")
    text = "# a new comment at the top\n\n" + text.replace(
        "\nquestions:", "\n\n# spacing\nquestions:"
    )
    text = text.replace("themes: [emotional_wellbeing]", "themes:\n      - emotional_wellbeing")
    path.write_text(text, encoding="utf-8")
    after = load_survey(path)
    assert after.content_hash == before.content_hash and after.version == before.version


def test_version_is_stable_across_loads() -> None:
    path = catalogue_dir() / "checkin-8-11.yaml"
    assert load_survey(path).content_hash == load_survey(path).content_hash


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("How happy are you with your home?", "How happy are you with your house?"),
        ("kpi: satisfied_or_better\n\n  - id: adults_happy", "\n  - id: adults_happy"),
        ("optional: true", "optional: false"),
        ("prefer_not_to_say: true", "prefer_not_to_say: false"),
        ("estimated_minutes: 1", "estimated_minutes: 2"),
    ],
)
def test_version_changes_when_the_survey_changes(tmp_path: Path, old: str, new: str) -> None:
    path = _copy(tmp_path)
    before = load_survey(path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    after = load_survey(path)
    assert after.version != before.version


def test_aliases_do_not_change_the_version(tmp_path: Path) -> None:
    path = _copy(tmp_path, "checkin-11-17")
    before = load_survey(path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("aliases: [a bit,", "aliases: [a little bit, a bit,", 1), "utf-8")
    assert load_survey(path).version == before.version


def test_consent_version_tracks_consent_text(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    before = load_survey(path)
    path.write_text(path.read_text("utf-8").replace("a minute", "one minute"), "utf-8")
    after = load_survey(path)
    assert after.consent_version == before.consent_version
    changed = path.read_text("utf-8").replace("delete your answers", "delete all your answers")
    path.write_text(changed, "utf-8")
    assert load_survey(path).consent_version != before.consent_version


# --------------------------------------------------------------------------- broken files

# file, line, question id, words in the problem, words in the fix
BROKEN = [
    ("unknown-key.yaml", 18, "friend", "unknown key 'domian'", "did you mean 'domain'"),
    ("show-if-later.yaml", 20, "move_explained", "comes later", "move this question after"),
    ("show-if-bad-value.yaml", 28, "move_explained", "'maybe' is not an answer", "yes, no"),
    ("show-if-unknown.yaml", 20, "move_explained", "'home_hapy'", "did you mean 'home_happy'"),
    ("unquoted-yes.yaml", 28, "move_explained", "read as true/false", "put it in quotes"),
    ("kpi-on-text.yaml", 20, "anything_else", "cannot count towards", "remove the kpi line"),
    ("unknown-theme.yaml", 19, "friend", "'friends' is not a known theme", "'friendship'"),
    ("bad-type.yaml", 16, "friend", "'faces' is not a question type", "'faces5'"),
    ("duplicate-id.yaml", 15, "home_happy", "already used by the question on line 9", "own id"),
    ("choice-without-options.yaml", 15, "living_where", "at least two options", "options:"),
    ("text-too-long.yaml", 17, "long_question", "limit is 300", "shorten the text"),
    ("missing-domain.yaml", 15, "friend", "'domain' is missing", "add a 'domain:' line"),
    ("options-on-scale.yaml", 20, "friend", "gets its options from its type", "remove"),
    ("unknown-domain.yaml", 18, "friend", "'relationship' is not a domain", "'relationships'"),
]


@pytest.mark.parametrize(
    ("name", "line", "question_id", "problem", "fix"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_broken_file_names_file_line_question_and_fix(
    name: str, line: int, question_id: str, problem: str, fix: str
) -> None:
    path = FIXTURES / name
    errors = check_survey(path)
    assert errors, name
    message = str(errors[0])
    assert name in message
    assert f"{name}:{line}:" in message
    assert f"question '{question_id}'" in message
    assert problem in message
    assert "Fix:" in message and fix in message.split("Fix:", 1)[1]
    with pytest.raises(DataFileError) as raised:
        load_survey(path)
    assert str(raised.value) == message


def test_yaml_syntax_error_names_file_and_line() -> None:
    errors = check_survey(FIXTURES / "not-yaml.yaml")
    assert len(errors) == 1
    assert "not-yaml.yaml:6:" in str(errors[0]) and "Fix:" in str(errors[0])


def test_file_name_must_match_id() -> None:
    errors = check_catalogue(FIXTURES)
    wrong = [e for e in errors if e.file.endswith("wrong-name.yaml")]
    assert len(wrong) == 1 and "rename the file to 'some-other-name.yaml'" in str(wrong[0])
    with pytest.raises(DataFileError):
        load_catalogue(FIXTURES)


def test_check_catalogue_collects_every_problem() -> None:
    errors = check_catalogue(FIXTURES)
    files = {Path(e.file).name for e in errors}
    assert files == {p.name for p in FIXTURES.glob("*.yaml")}
    unknown_key = [e for e in errors if e.file.endswith("unknown-key.yaml")]
    assert len(unknown_key) == 2  # the typo, and the domain it leaves missing


def test_files_starting_with_underscore_are_not_surveys(tmp_path: Path) -> None:
    _copy(tmp_path)
    (tmp_path / "_notes.yaml").write_text("not: [a survey", encoding="utf-8")
    assert list(load_catalogue(tmp_path)) == ["pulse"]
    assert check_catalogue(tmp_path) == []


def test_missing_folder_is_a_data_file_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError):
        load_catalogue(tmp_path / "nowhere")
    assert len(check_catalogue(tmp_path / "nowhere")) == 1


def test_many_problems_in_one_file_are_all_reported(tmp_path: Path) -> None:
    path = tmp_path / "messy.yaml"
    path.write_text(
        """id: messy
title: Messy
audiance: {cohorts: [child_in_care], age_bands: ["8-11"]}
estimated_minutes: 0
intro: Hi.
consent: OK.
questions:
  - id: Bad Id
    type: choice
    text: Pick one
    domain: rights
    themes: [being_heard]
    options:
      - {value: "yes", label: "Yes"}
      - {value: "yes", label: "Also yes"}
      - {value: prefer_not_to_say, label: "Rather not"}
  - id: multi_q
    type: multi
    text: Pick some
    domain: rights
    themes: [being_heard, being_heard]
    prefer_not_to_say: true
    max_length: 10
    options:
      - {value: a, label: A}
      - {value: b, label: B}
""",
        encoding="utf-8",
    )
    text = "\n".join(str(e) for e in check_survey(path))
    for expected in (
        "unknown key 'audiance'",
        "did you mean 'audience'",
        "'audience' is missing",
        "estimated_minutes must be a whole number",
        "question id 'Bad Id' is not a simple id",
        "'being_heard' is listed twice",
        "cannot offer 'I'd rather not say'",
        "only text questions have a max_length",
    ):
        assert expected in text, expected


def test_option_problems_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "options.yaml"
    path.write_text(
        """id: options
title: Options
audience: {cohorts: [care_leaver], age_bands: ["16-25"]}
estimated_minutes: 3
intro: Hi.
consent: OK.
questions:
  - id: pick
    type: choice
    text: Pick one
    domain: rights
    themes: [being_heard]
    options:
      - {value: "yes", label: "Yes"}
      - {value: "yes", label: "Also yes"}
      - {value: prefer_not_to_say, label: "Rather not"}
      - {value: other, label: "Other", aliases: ["yes"]}
      - just a string
""",
        encoding="utf-8",
    )
    text = "\n".join(str(e) for e in check_survey(path))
    assert "option value 'yes' is used twice" in text
    assert "'prefer_not_to_say' is added by Heard" in text
    assert "would select both" in text
    assert "must have a value and a label" in text
    assert all("question 'pick'" in str(e) for e in check_survey(path))


@pytest.mark.parametrize(
    ("signal", "problem", "fix"),
    [
        ('{answers: ["never"], category: unsafe_home}', "must be some of this", "yes, sometimes"),
        ('{answers: ["no"], category: unsafe_hom}', "'unsafe_hom' is not a", "unsafe_home"),
        ('{answers: ["no"]}', "needs 'answers' and 'category'", "category: unsafe_home"),
    ],
)
def test_a_broken_safety_signal_names_file_line_question_and_fix(
    tmp_path: Path, signal: str, problem: str, fix: str
) -> None:
    path = tmp_path / "checkin-11-17.yaml"
    text = (catalogue_dir() / "checkin-11-17.yaml").read_text(encoding="utf-8")
    marked = '    safety_signal: {answers: ["no"], category: unsafe_home}'
    assert marked in text
    path.write_text(text.replace(marked, f"    safety_signal: {signal}", 1), encoding="utf-8")
    errors = check_survey(path)
    assert errors
    message = str(errors[0])
    assert "question 'feel_safe'" in message and problem in message
    assert fix in message.split("Fix:", 1)[1]


def test_a_safety_signal_is_part_of_the_version(tmp_path: Path) -> None:
    path = tmp_path / "checkin-11-17.yaml"
    text = (catalogue_dir() / "checkin-11-17.yaml").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    before = load_survey(path).content_hash
    path.write_text(
        text.replace("category: unsafe_home}", "category: abuse_physical}", 1), encoding="utf-8"
    )
    assert load_survey(path).content_hash != before
