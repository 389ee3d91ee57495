"""Theme lexicon validation, tagging (slang, negation, exceptions) and the quality bar."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.themes import (
    AUDIENCE_THEMES,
    CARER_THEME_IDS,
    THEME_IDS,
    YOUNG_PEOPLE_THEME_IDS,
    Audience,
    ThemeTagger,
    default_tagger,
    load_lexicon,
)
from analysis.themes.quality import evaluate, load_labelled
from analysis.themes.text import SPELLINGS_FILE, load_spellings, stem
from storage.datafiles import DataFileError

DATA = Path(__file__).parent / "data" / "theme_comments.yaml"


def tags(text: str) -> list[str]:
    return default_tagger().tag(text)


# --- the shipped lexicon --------------------------------------------------------


def test_taxonomy_ids_and_order_match_the_brief() -> None:
    assert YOUNG_PEOPLE_THEME_IDS[:14] == (
        "friendship",
        "stability",
        "trusted_adults",
        "boundaries_and_care",
        "moves_and_transitions",
        "education_and_work",
        "being_heard",
        "feeling_safe",
        "family_time",
        "home_and_belonging",
        "emotional_wellbeing",
        "money",
        "housing",
        "health",
    )
    # issue 17: three themes people raise often, then carers' own set
    assert YOUNG_PEOPLE_THEME_IDS[14:] == (
        "support_from_council",
        "identity_and_culture",
        "activities_and_hobbies",
    )
    assert CARER_THEME_IDS[:8] == (
        "support_from_council",
        "payments_and_allowances",
        "carer_training",
        "respite_and_breaks",
        "delegated_authority",
        "being_informed_and_included",
        "carer_wellbeing",
        "peer_support",
    )
    assert set(THEME_IDS) == set(YOUNG_PEOPLE_THEME_IDS) | set(CARER_THEME_IDS)
    assert len(THEME_IDS) == len(set(THEME_IDS))


@pytest.mark.parametrize("audience", ["young_people", "carers"])
def test_shipped_lexicon_loads_and_covers_every_theme(audience: str) -> None:
    lexicon = load_lexicon(audience=audience)  # type: ignore[arg-type]
    themes = {entry.theme for entry in lexicon.entries}
    assert themes == set(AUDIENCE_THEMES[audience])  # type: ignore[index]
    assert all(entry.line for entry in lexicon.entries)
    assert {e.kind for e in lexicon.entries} >= {"word", "phrase"}


def test_shipped_spellings_load() -> None:
    spellings = load_spellings()
    assert spellings["sw"] == "social worker"
    assert spellings["dont"] == "don't"


# --- broken lexicons: file, line, item and fix ----------------------------------


def write_lexicon(tmp_path: Path, override: dict[str, str] | None = None) -> Path:
    """A minimal valid lexicon, one word per theme, with some theme blocks replaced."""
    override = override or {}
    lines = ["version: 1", "themes:"]
    for theme in YOUNG_PEOPLE_THEME_IDS:
        block = override.get(theme, f"    words: [x{theme.replace('_', '')}]")
        lines += [f"  {theme}:", block]
    lines += override.get("__extra__", "").splitlines()
    path = tmp_path / "lexicon.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def line_containing(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def error_for(path: Path) -> DataFileError:
    with pytest.raises(DataFileError) as caught:
        load_lexicon(path)
    return caught.value


def assert_names_everything(error: DataFileError, path: Path, line: int, item: str) -> None:
    assert error.file == str(path)
    assert error.line == line
    assert error.item is not None and item in error.item
    assert error.fix
    assert f"{path}:{line}" in str(error) and "Fix:" in str(error)


def test_minimal_lexicon_fixture_is_valid(tmp_path: Path) -> None:
    tagger = ThemeTagger(load_lexicon(write_lexicon(tmp_path)))
    assert tagger.tag("xfriendship and XHEALTHs!") == ["friendship", "health"]


def test_unknown_theme_id_suggests_the_right_one(tmp_path: Path) -> None:
    path = write_lexicon(tmp_path, {"__extra__": "  frendship:\n    words: [pal]"})
    error = error_for(path)
    assert_names_everything(error, path, line_containing(path, "frendship:"), "frendship")
    assert "did you mean 'friendship'" in (error.fix or "")


def test_bad_regex_names_its_line(tmp_path: Path) -> None:
    path = write_lexicon(
        tmp_path,
        {"money": "    words: [cash]\n    patterns:\n      - 'ok'\n      - '\\bskint(s?'"},
    )
    error = error_for(path)
    assert_names_everything(error, path, line_containing(path, "skint(s?"), "skint(s?")
    assert "regular expression" in error.problem
    assert "backslash" in (error.fix or "")


def test_duplicate_after_plural_handling(tmp_path: Path) -> None:
    path = write_lexicon(tmp_path, {"friendship": "    words: [mate,\n            mates]"})
    error = error_for(path)
    assert_names_everything(error, path, line_containing(path, "mates]"), "mates")
    assert "'mate'" in error.problem


def test_duplicate_across_themes(tmp_path: Path) -> None:
    path = write_lexicon(
        tmp_path,
        {
            "housing": "    words: [flat]",
            "money": "    words: [cash,\n            flats]",
        },
    )
    error = error_for(path)  # money comes first in the file, so housing's "flat" is the copy
    assert error.line == line_containing(path, "words: [flat]")
    assert "money" in error.problem and "'flats'" in error.problem


def test_word_with_spaces_must_be_a_phrase(tmp_path: Path) -> None:
    path = write_lexicon(tmp_path, {"feeling_safe": "    words: [county lines]"})
    error = error_for(path)
    assert_names_everything(error, path, line_containing(path, "county lines"), "county lines")
    assert "phrases" in (error.fix or "")


def test_pattern_matching_empty_text_is_refused(tmp_path: Path) -> None:
    path = write_lexicon(tmp_path, {"health": "    patterns: ['(?:meds)?']"})
    error = error_for(path)
    assert "empty text" in error.problem
    assert error.line == line_containing(path, "(?:meds)?")


def test_missing_theme_and_unknown_key(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.yaml"
    path.write_text("themes:\n  friendship:\n    words: [mate]\n", encoding="utf-8")
    error = error_for(path)
    assert error.item == "themes.stability" and error.fix

    path = write_lexicon(tmp_path, {"money": "    word: [cash]"})
    error = error_for(path)
    assert_names_everything(error, path, line_containing(path, "word: [cash]"), "money.word")


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write_lexicon(tmp_path, {"money": "    words: [cash"})
    error = error_for(path)
    assert error.line is not None and error.fix


def test_broken_spellings_file(tmp_path: Path) -> None:
    path = tmp_path / "spellings.yaml"
    path.write_text("spellings:\n  m8: mate\n  'b and b': b&b\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_spellings(path)
    assert caught.value.line == 3
    assert "b and b" in (caught.value.item or "") and caught.value.fix


# --- tagging ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i miss my m8s", ["friendship"]),
        ("MATES!!! 😍", ["friendship"]),
        ("im so lonelyyyy", ["friendship", "emotional_wellbeing"]),
        ("my sw never turns up", ["trusted_adults"]),
        ("moved AGAIN", ["stability", "moves_and_transitions"]),
        ("skl is boring", ["education_and_work"]),
        ("skooool", ["education_and_work"]),
        ("pa never answers", ["support_from_council"]),
        ("stuck in a b&b", ["housing"]),
        ("uc got sanctioned", ["money"]),
        ("camhs waiting list", ["health"]),  # issue 17: a service's wait is health
        ("my foster mum is lovely", ["trusted_adults"]),
        ("i want to see my mum", ["family_time"]),
        ("my old foster carers", []),  # a mention, not birth family or a relationship
        ("how long can i stay here", ["stability"]),
        ("turning 18 next month", ["moves_and_transitions"]),
        ("nobody asked me", ["being_heard"]),
        ("i want my own flat", ["housing"]),
        ("dentist appointment", ["health"]),
        ("my carer is kind of strict", ["boundaries_and_care"]),
        # issue 17: a carer or PA mentioned is not "trusted adults" when the comment is
        # about money or rules
        ("my carer keeps my pocket money", ["money"]),
        ("my pa said the grant wont cover a bed", ["money"]),
        ("carer says bedtime is 8", ["boundaries_and_care"]),
        ("my carer always listens to me", ["trusted_adults", "being_heard"]),
        # issue 17: said indirectly
        ("dont no how long im staying here", ["stability"]),
        ("they feel like my real family now", ["home_and_belonging"]),
        ("been on the camhs waitin list 8 months", ["health"]),
        # issue 17: the new themes, typos and no punctuation
        ("my sw changed again thats 4 this yr", ["stability", "support_from_council"]),
        ("no1 from the council rang me back", ["support_from_council"]),
        ("i want to go to the mosque on fridays", ["identity_and_culture"]),
        ("nobody here can do my hair", ["identity_and_culture"]),
        ("i dont know why i was taken into care", ["identity_and_culture"]),
        ("got picked 4 the football team", ["activities_and_hobbies"]),
        ("can i join the gym pls", ["activities_and_hobbies"]),
        ("no worries, all good", []),
        ("", []),
        ("😂😂😂", []),
        ("can we have pizza on friday", []),
    ],
)
def test_tagging(text: str, expected: list[str]) -> None:
    assert tags(text) == expected


def test_negation_keeps_the_topic_and_is_reported() -> None:
    # Topic tagging is about what they talk about; sentiment handles the "not".
    assert tags("not lonely anymore") == ["friendship", "emotional_wellbeing"]
    assert tags("I don't feel safe") == ["feeling_safe"]
    assert tags("i dont feel safe") == ["feeling_safe"]
    [match] = default_tagger().explain("I don't feel safe")
    assert match.negated and match.text == "safe"
    assert [m.negated for m in default_tagger().explain("I feel safe, not scared")] == [
        False,
        True,
    ]


def test_affirmed_only_entries_need_no_negation() -> None:
    assert tags("my mind is all over the place") == ["emotional_wellbeing"]
    assert tags("never mind") == []
    assert tags("i don't mind my carer") == []


def test_negation_does_not_cross_a_clause() -> None:
    matches = [m for m in default_tagger().explain("not bad, lonely though") if m.text == "lonely"]
    assert matches and not any(m.negated for m in matches)


def test_themes_come_in_taxonomy_order() -> None:
    # The lexicon's order (the theme model, on by default, vetoes "money" here: 0.13
    # against its bar of 0.13, one of the slips noted in benchmarks/README.md).
    result = ThemeTagger.from_files().tag("my flat is damp, money is tight and i miss my mates")
    assert result == ["friendship", "money", "housing"]
    assert result == [t for t in THEME_IDS if t in result]


def test_explain_points_at_the_original_text() -> None:
    text = "My SW is the best, I miss my m8s 😢"
    matches = default_tagger().explain(text)
    assert [(m.theme, text[m.start : m.end]) for m in matches] == [
        ("trusted_adults", "My SW is the best"),
        ("friendship", "m8s"),
    ]
    assert matches[0].kind == "pattern" and matches[1].term == "mate"


def test_stemmer_is_symmetric_for_common_forms() -> None:
    for forms in (
        ("mate", "mates"),
        ("move", "moved", "moving", "moves"),
        ("worry", "worried", "worries", "worrying"),
        ("cancel", "cancelled", "cancelling"),
        ("miss", "missing", "missed"),
        ("sibling", "siblings"),
    ):
        assert len({stem(word) for word in forms}) == 1, forms
    assert stem("housing") != stem("house")
    assert stem("feelings") != stem("feel")


def test_council_lexicon_from_files(tmp_path: Path) -> None:
    path = write_lexicon(tmp_path, {"housing": "    words: [trevone]"})
    tagger = ThemeTagger.from_files(path, SPELLINGS_FILE)
    assert tagger.tag("moving to Trevone next week") == ["housing"]


# --- the quality bar ---------------------------------------------------------


def test_labelled_set_is_big_and_varied() -> None:
    comments = load_labelled(DATA)
    assert len(comments) >= 170
    assert {t for c in comments for t in c.themes} == set(YOUNG_PEOPLE_THEME_IDS[:14])
    assert sum(1 for c in comments if not c.themes) >= 10
    assert sum(1 for c in comments if len(c.themes) >= 2) >= 40


def test_old_set_does_not_fall_back() -> None:
    """The team's own set the earlier lexicon was tuned on, scored on its 14 themes.

    Its labels follow the old rules (any carer or worker mentioned is "trusted adults",
    previous carers are "family time"), which issue 17 changed on purpose, so precision
    on it is lower than before (0.875); the bars that count are on the held-out test
    split of tests/data/themes (tests/test_themes_corpus.py).
    """
    quality = evaluate(default_tagger(), load_labelled(DATA), only=YOUNG_PEOPLE_THEME_IDS[:14])
    assert quality.overall.precision >= 0.80, quality.overall
    assert quality.overall.recall >= 0.85, quality.overall


# --- issue 17: the carers' lexicon and reasons -------------------------------------


def write_carers_lexicon(tmp_path: Path, extra: str = "") -> Path:
    lines = ["version: 1", "themes:"]
    for theme in CARER_THEME_IDS:
        lines += [f"  {theme}:", f"    words: [x{theme.replace('_', '')}]"]
    path = tmp_path / "carers_lexicon.yaml"
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def test_carers_lexicon_refuses_a_young_peoples_theme(tmp_path: Path) -> None:
    path = write_carers_lexicon(tmp_path, "  friendship:\n    words: [pal]\n")
    with pytest.raises(DataFileError) as caught:
        load_lexicon(path, audience="carers")
    error = caught.value
    assert error.line == line_containing(path, "friendship:")
    assert "foster carers' theme ids" in error.problem
    assert "payments_and_allowances" in (error.fix or "")


def test_carers_lexicon_needs_every_carers_theme(tmp_path: Path) -> None:
    path = write_carers_lexicon(tmp_path)
    text = path.read_text(encoding="utf-8").replace(
        "  peer_support:\n    words: [xpeersupport]\n", ""
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_lexicon(path, audience="carers")
    assert caught.value.item == "themes.peer_support" and caught.value.fix


def test_a_reason_must_be_words(tmp_path: Path) -> None:
    path = write_lexicon(tmp_path, {"money": "    words: [cash]\n    reason: [1, 2]"})
    error = error_for(path)
    assert error.item == "themes.money.reason" and "sentence" in error.problem
    ok = write_lexicon(tmp_path, {"money": "    words: [cash]\n    reason: people ask often"})
    assert ThemeTagger(load_lexicon(ok)).tag("no cash") == ["money"]


def test_carers_tagger_uses_carers_words() -> None:
    carers = default_tagger("carers")
    assert carers.audience == "carers"
    assert carers.tag("training on attachment would help") == ["carer_training"]
    # the same words from a young person are about school or work, not carers' training
    assert "carer_training" not in tags("training on attachment would help")
    assert set(carers.tag("no respite and the fee was paid late")) == {
        "payments_and_allowances",
        "respite_and_breaks",
    }


# --- fifth look: words that are only a place, a time or someone else's ----------------
# Each of these was tagged by lexicon 2 (carers' 1) and is not about the theme under
# LABELLING.md (benchmarks/README.md, "Fifth look"). Written for these tests.

PASSING_MENTIONS: list[tuple[Audience, str, str]] = [
    ("young_people", "after school me and jordan play footy in the park", "education_and_work"),
    ("young_people", "a girl at school keeps calling me names", "education_and_work"),
    ("young_people", "my carers daughter is at uni in leeds", "education_and_work"),
    ("young_people", "they moved my review to next friday without asking", "moves_and_transitions"),
    ("young_people", "my best mate moved to wales last month", "moves_and_transitions"),
    ("young_people", "this is my sixth placement and im only 12", "moves_and_transitions"),
    ("young_people", "went to my carers sisters for sunday dinner", "family_time"),
    ("young_people", "i call them mum and dad now", "family_time"),
    ("young_people", "auntie jen takes me swimming on saturdays", "family_time"),
    ("young_people", "my dads side are from ghana and i want to know more", "family_time"),
    ("young_people", "im not allowed to see my little brother anymore", "boundaries_and_care"),
    ("young_people", "my carer shouts at me for nothing", "boundaries_and_care"),
    ("young_people", "went bowling with the children in care council", "support_from_council"),
    ("young_people", "went round my mums new flat on saturday", "housing"),
    ("young_people", "my flat is next to the chippy lol", "housing"),
    ("young_people", "i feel sick with nerves before every review", "health"),
    ("young_people", "got new trainers and they are well sick", "health"),
    ("carers", "my sister babysits so we can have a night out", "family_time"),
    ("carers", "he calls us mum and dad now", "family_time"),
    ("carers", "contact got moved to thursdays", "moves_and_transitions"),
    ("carers", "her dad turned up at the school gates", "education_and_work"),
]


@pytest.mark.parametrize(("audience", "text", "theme"), PASSING_MENTIONS)
def test_a_word_only_in_passing_is_not_the_theme(audience: Audience, text: str, theme: str) -> None:
    assert theme not in ThemeTagger.from_files(audience=audience).tag(text)


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("this is my sixth placement and im only 12", "stability"),
        ("im not allowed to see my little brother anymore", "family_time"),
        ("my carer shouts at me for nothing", "trusted_adults"),
        ("i call them mum and dad now", "home_and_belonging"),
    ],
)
def test_the_theme_it_is_about_stays(text: str, theme: str) -> None:
    assert theme in ThemeTagger.from_files().tag(text)


# --- seventh look (issue 17): the commonest false tags on dev and the training sets ---
# Each family below was a frequent false tag (benchmarks/README.md, "Seventh look"); the
# sentences are written for these tests, not taken from the corpus. NOT_THE_THEME must
# lose the theme; each look-alike in STILL_THE_THEME keeps it.

NOT_THE_THEME: list[tuple[Audience, str, str]] = [
    # the school as the thing that keeps changing, or only where a meeting, a visit or
    # the bus happened
    ("young_people", "been to five schools since year 3", "education_and_work"),
    ("young_people", "had to change schools again in march", "education_and_work"),
    ("young_people", "this is my second school this year", "education_and_work"),
    ("young_people", "they had the planning meeting while i was at school", "education_and_work"),
    ("young_people", "my PA came to my college to see me", "education_and_work"),
    ("young_people", "on the bus to college thinking about stuff", "education_and_work"),
    ("carers", "picked him up from school early because of the snow", "education_and_work"),
    ("carers", "sat waiting outside school for an hour", "education_and_work"),
    ("carers", "he lost his school and his football team in one day", "education_and_work"),
    # a move only feared or repeated is stability; an old or new school only as where
    # friends are
    ("young_people", "please dont make me move again", "moves_and_transitions"),
    (
        "young_people",
        "i worry about being moved every time there is a review",
        "moves_and_transitions",
    ),
    ("young_people", "you move so much you stop unpacking", "moves_and_transitions"),
    ("young_people", "my mates from my old school still text me", "moves_and_transitions"),
    ("young_people", "loads of people at my new school play football", "moves_and_transitions"),
    ("carers", "he is so scared of being moved that he wont unpack", "moves_and_transitions"),
    # friends as the yardstick for a rule, a sleepover as a permission, lonely with
    # people around
    ("young_people", "i need a form signed before i can have a sleepover", "friendship"),
    ("young_people", "my friends are allowed out till 10", "friendship"),
    ("young_people", "i feel lonely even when there are people round me", "friendship"),
    # family words said of someone who is not birth family, a parent's consent, contact
    # only as a place
    ("young_people", "my youth worker is more of a dad to me", "family_time"),
    ("young_people", "the younger kids call me their big sister", "family_time"),
    ("carers", "the passport needs mum's consent and she won't reply", "family_time"),
    ("carers", "he kicked off at contact and we had to leave early", "family_time"),
    # nothing to say, an adult who listens when they are sad, retelling their story to a
    # new worker, their own choice still to make
    ("young_people", "nothing much to tell this week", "being_heard"),
    ("young_people", "ask me again next week", "being_heard"),
    ("young_people", "my carer listens when im sad", "being_heard"),
    ("young_people", "new worker so i had to tell my whole story again", "being_heard"),
    ("young_people", "i havent decided about college yet", "being_heard"),
    # someone else crying, or not crying
    ("young_people", "mum cried at the end of contact", "emotional_wellbeing"),
    ("young_people", "i didnt even cry at the dentist", "emotional_wellbeing"),
    # a hostel only as a place stays a passing mention
    ("young_people", "met my best mate in the hostel", "housing"),
    ("young_people", "i was lonely in the hostel at christmas", "housing"),
    # "take no notice" is ignoring, not notice of a move; the carers' family as
    # belonging, not birth family or friends
    ("young_people", "they never take any notice of what i say", "moves_and_transitions"),
    ("young_people", "my carers feel like my real mum and dad", "family_time"),
    ("young_people", "i get left out when their family comes round", "friendship"),
    ("young_people", "i feel like i fit in with this family", "friendship"),
    # a worker changing again is the council; a permanent contract is a job
    ("young_people", "new social worker again and she doesnt know me", "stability"),
    ("young_people", "got a permanent contract at the warehouse", "stability"),
    # a friend who gets me, a threat to get me
    ("young_people", "my best mate gets me", "trusted_adults"),
    ("young_people", "a lad on the estate says he will get me", "trusted_adults"),
    # lessons and tests for driving, sport training, their own child's nursery, a music
    # teacher, sport kit, the neighbours' music
    ("young_people", "saving up for driving lessons", "education_and_work"),
    ("young_people", "passed my driving theory test", "education_and_work"),
    ("young_people", "swimming training on tuesdays", "education_and_work"),
    ("young_people", "my son starts nursery next week", "education_and_work"),
    (
        "carers",
        "he has drum lessons now and the teacher says he is a natural",
        "education_and_work",
    ),
    ("young_people", "my carer irons my football kit every sunday", "activities_and_hobbies"),
    ("young_people", "the neighbours play loud music all night", "activities_and_hobbies"),
]


@pytest.mark.parametrize(("audience", "text", "theme"), NOT_THE_THEME)
def test_seventh_look_false_tags_are_gone(audience: Audience, text: str, theme: str) -> None:
    assert theme not in ThemeTagger.from_files(audience=audience).tag(text)


STILL_THE_THEME: list[tuple[Audience, str, str]] = [
    ("young_people", "my school is really good at maths", "education_and_work"),
    ("young_people", "i was at school all day revising for my mocks", "education_and_work"),
    ("young_people", "cant afford the bus to college every day", "education_and_work"),
    ("carers", "his school has been brilliant with his EHCP", "education_and_work"),
    ("young_people", "moving into my own flat next month, bit scared", "moves_and_transitions"),
    ("young_people", "starting my new school on monday", "moves_and_transitions"),
    ("young_people", "my old school was better", "moves_and_transitions"),
    ("carers", "the move to his adopters was rushed", "moves_and_transitions"),
    ("young_people", "i dont have anyone to hang out with", "friendship"),
    ("young_people", "my friends are the best thing about this year", "friendship"),
    ("young_people", "i miss my big sister so much", "family_time"),
    ("young_people", "my dad is more of a stranger now", "family_time"),
    ("carers", "contact with mum is going really well", "family_time"),
    ("young_people", "nobody listens to what i want at my reviews", "being_heard"),
    ("young_people", "they decided without asking me", "being_heard"),
    ("young_people", "they havent decided where im going and nobody asks me", "being_heard"),
    ("young_people", "i cried all night", "emotional_wellbeing"),
    ("young_people", "mum cried and i felt awful after", "emotional_wellbeing"),
    # recall: the hostel's own conditions, the rent going up, choosing their room
    ("young_people", "in the hostel people are dealing on the stairs", "housing"),
    ("young_people", "i dont feel safe at the hostel", "housing"),
    ("young_people", "my rent went up again", "housing"),
    ("young_people", "they asked me what colour i wanted my room", "home_and_belonging"),
    # recall said indirectly: being heard, home and belonging, housing, feeling safe
    ("young_people", "it was all sorted before anyone spoke to me", "being_heard"),
    ("young_people", "it feels like im invisible in meetings", "being_heard"),
    ("young_people", "they never take any notice of what i say", "being_heard"),
    ("young_people", "my carers feel like my real mum and dad", "home_and_belonging"),
    ("young_people", "i get left out when their family comes round", "home_and_belonging"),
    ("young_people", "i feel like i fit in with this family", "home_and_belonging"),
    ("young_people", "it doesnt feel like my house, i just live here", "home_and_belonging"),
    ("young_people", "i am just the foster kid to them", "home_and_belonging"),
    (
        "young_people",
        "i know i will always have a home with them even after 18",
        "home_and_belonging",
    ),
    ("young_people", "the council offered me a place miles from everyone i know", "housing"),
    ("young_people", "the council wont put me on the list until im 18", "housing"),
    ("young_people", "there is nowhere for care leavers to live round here", "housing"),
    ("young_people", "i cant get a private rent because nobody will be my guarantor", "housing"),
    ("young_people", "a lad on the estate says he will get me", "feeling_safe"),
    # their look-alikes keep their own themes
    ("young_people", "my foster carers are nice but i miss my mum and dad", "family_time"),
    ("young_people", "i got left out at school", "friendship"),
    ("young_people", "my carer really gets me", "trusted_adults"),
    ("young_people", "my carer said she will get me a new coat", "trusted_adults"),
    ("young_people", "i want to stay here permanently", "stability"),
    ("young_people", "we had no notice before i had to move", "moves_and_transitions"),
    ("young_people", "i failed my maths test", "education_and_work"),
    ("young_people", "i go to training college", "education_and_work"),
    ("carers", "his teacher says he is doing well", "education_and_work"),
    ("young_people", "i play football every saturday", "activities_and_hobbies"),
    ("young_people", "i love playing music with my mates", "activities_and_hobbies"),
]


@pytest.mark.parametrize(("audience", "text", "theme"), STILL_THE_THEME)
def test_seventh_look_look_alikes_keep_the_theme(audience: Audience, text: str, theme: str) -> None:
    assert theme in ThemeTagger.from_files(audience=audience).tag(text)
