"""Safeguarding detection and the reply: a child who says they are not safe must be caught.

Covers the shipped lexicon and replies, the errors a council sees when it breaks
them, detection (slang, typos, negation, past tense, hard negatives), the reply
wording, the quality bars from issue 8, and robustness on any text.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from script_support import benchmark_script

from analysis.safeguarding import (
    CATEGORIES,
    Detector,
    Disclosure,
    compile_lexicon,
    compile_replies,
    detect,
    detect_with_lexicon,
    lexicon_version,
    safeguarding_reply,
)
from analysis.safeguarding.detector import combine, detector
from analysis.safeguarding.lexicon import LEXICON_PATH
from analysis.safeguarding.model import shipped_model
from analysis.safeguarding.replies import REPLIES_PATH
from storage.datafiles import DataFileError

ROOT = Path(__file__).resolve().parents[1]
ROLE = "the person at the council whose job is keeping children and young people safe"


# --- the shipped lexicon -----------------------------------------------------------


def test_shipped_lexicon_is_valid_and_versioned():
    lexicon = compile_lexicon(LEXICON_PATH)
    assert lexicon.version and lexicon.version == lexicon_version()
    assert {rule.category for rule in lexicon.rules} == set(CATEGORIES)
    assert sorted(lexicon.priority) == sorted(CATEGORIES)
    assert detect("i want to die").lexicon_version == lexicon.version


def _minimal_lexicon(*swaps: tuple[str, str]) -> str:
    """A small valid lexicon; each (old, new) swap breaks one thing in it."""
    others = "\n".join(
        f"  {name}:\n    concern:\n      - 'xyz{i}'"
        for i, name in enumerate(CATEGORIES)
        if name != "self_harm_suicide"
    )
    text = f"""version: "t1"
priority: [{", ".join(CATEGORIES)}]
words:
  me: "me|meh"
tokens:
  im: i am
fuzzy:
  words:
    - suicide
cues:
  negation: "not|never"
  past: "used to"
  current: "still"
  now: "tonight"
not_risky:
  - 'killing me lol'
categories:
  self_harm_suicide:
    urgent:
      - 'want to die'
{others}
"""
    for old, new in swaps:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _error(tmp_path: Path, text: str) -> DataFileError:
    path = tmp_path / "lexicon.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        compile_lexicon(path)
    return caught.value


def test_minimal_lexicon_fixture_is_valid(tmp_path):
    path = tmp_path / "lexicon.yaml"
    path.write_text(_minimal_lexicon(), encoding="utf-8")
    assert Detector(compile_lexicon(path)).detect("i want to die").level == "urgent"


def _line_containing(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_broken_pattern_names_file_line_item_and_fix(tmp_path):
    text = _minimal_lexicon(("want to die", "want to (die"))
    error = _error(tmp_path, text)
    assert error.file == str(tmp_path / "lexicon.yaml")
    assert error.line == _line_containing(text, "want to (die")
    assert error.item == "categories.self_harm_suicide.urgent[1]"
    assert error.fix and "bracket" in error.fix
    assert f"lexicon.yaml:{error.line}" in str(error) and "Fix:" in str(error)


def test_unknown_word_group_is_named(tmp_path):
    text = _minimal_lexicon(("want to die", "want to <dye>"))
    error = _error(tmp_path, text)
    assert "<dye>" in error.problem and error.line == _line_containing(text, "<dye>")
    assert "me" in error.fix


def test_missing_version_unknown_category_and_bad_yaml(tmp_path):
    assert _error(tmp_path, _minimal_lexicon(('version: "t1"', ""))).item == "version"
    text = _minimal_lexicon(("  bullying:", "  bulying:"))
    error = _error(tmp_path, text)
    assert error.item == "categories.bulying" and "bullying" in error.fix
    assert error.line == _line_containing(text, "bulying:")
    error = _error(tmp_path, _minimal_lexicon(('me: "me|meh"', 'me: "me|meh')))
    assert error.line is not None and "YAML" in error.problem


def test_gap_after_optional_part_is_refused(tmp_path):
    error = _error(tmp_path, _minimal_lexicon(("want to die", "want (?:to )?~2 die")))
    assert "~" in error.problem and error.item == "categories.self_harm_suicide.urgent[1]"


def _with_doer_stop(category: str, not_across: str, *swaps: tuple[str, str]) -> str:
    block = f"doer_stops:\n  {category}:\n    doer: 'carer'\n    not_across: '{not_across}'\n"
    return _minimal_lexicon(("categories:", block + "categories:"), *swaps)


def test_ongoing_harm_needs_its_cue_and_real_categories(tmp_path):
    no_cue = _minimal_lexicon(("not_risky:", "ongoing_urgent: [abuse_physical]\nnot_risky:"))
    error = _error(tmp_path, no_cue)
    assert error.item == "ongoing_urgent" and "cues.ongoing" in error.fix
    assert error.line == _line_containing(no_cue, "ongoing_urgent")
    wrong = _minimal_lexicon(
        ('  now: "tonight"', '  now: "tonight"\n  ongoing: "again"'),
        ("not_risky:", "ongoing_urgent: [abuse_physcial]\nnot_risky:"),
    )
    error = _error(tmp_path, wrong)
    assert error.item == "ongoing_urgent" and "'abuse_physcial'" in error.problem
    assert "abuse_physical" in error.fix


def test_harm_that_keeps_happening_is_urgent_only_in_its_categories(tmp_path):
    text = _minimal_lexicon(
        ('  now: "tonight"', '  now: "tonight"\n  ongoing: "again|every day"'),
        ("not_risky:", "ongoing_urgent: [abuse_physical]\nnot_risky:"),
        (
            "  abuse_physical:\n    concern:\n      - 'xyz1'",
            "  abuse_physical:\n    concern:\n      - 'hits me'",
        ),
        (
            "  bullying:\n    concern:\n      - 'xyz9'",
            "  bullying:\n    concern:\n      - 'picks on me'",
        ),
    )
    path = tmp_path / "lexicon.yaml"
    path.write_text(text, encoding="utf-8")
    engine = Detector(compile_lexicon(path))
    assert engine.detect("he hits me").level == "concern"
    assert engine.detect("he hits me again").level == "urgent"
    assert engine.detect("every day he hits me").level == "urgent"
    assert engine.detect("he used to hit me every day, he hits me").level == "concern"
    assert engine.detect("he picks on me every day").level == "concern"  # not listed
    # the cue must be in the match's own clause
    assert engine.detect("i go every day to school. he hits me").level == "concern"


def test_doer_stops_are_checked(tmp_path):
    error = _error(tmp_path, _with_doer_stop("bulying", "dad"))
    assert error.item == "doer_stops.bulying" and "bullying" in error.fix
    text = _with_doer_stop("bullying", "dad ~ mum")
    error = _error(tmp_path, text)
    assert error.item == "doer_stops.bullying.not_across" and "~" in error.problem
    assert error.line == _line_containing(text, "dad ~ mum")


def test_a_match_with_someone_else_after_the_doer_is_dropped(tmp_path):
    """'my carer said my dad hits me': the dad did it, so the carer's match is dropped."""
    path = tmp_path / "lexicon.yaml"
    carer_hits = "  allegation_about_carer:\n    concern:\n      - "
    text = _with_doer_stop(
        "allegation_about_carer",
        "dad|<me>",
        (carer_hits + "'xyz12'", carer_hits + "'carer ~5 hits'"),
    )
    path.write_text(text, encoding="utf-8")
    detector = Detector(compile_lexicon(path))
    assert detector.detect("my carer always hits").category == "allegation_about_carer"
    assert detector.detect("my carer said my dad hits") is None
    assert detector.detect("my carer said to meh it hits") is None


# --- detection ---------------------------------------------------------------------

# Grading (issue 14, docs/safeguarding.md): ongoing abuse by a carer or someone the
# child lives with or still sees, sexual abuse and exploitation in progress are urgent
# whatever the tense, so several examples that issue 8 graded `concern` ("my dad hit
# me", "my carer touches me", "i got cuckooed") are `urgent` now. Harm by someone not
# named said once ("he hit me") stays `concern` unless a "now" cue is present; said in
# the present ("he hits me", "hes hurting me") it is going on, so urgent (2026.12-18).
RISKY = [
    # the issue's own examples and the slang the brief lists
    ("he hits me when she's out", "abuse_physical", "urgent"),
    ("i want to die", "self_harm_suicide", "urgent"),
    ("my bf makes me carry stuff to other towns", "exploitation", "urgent"),
    ("kms", "self_harm_suicide", "urgent"),
    ("wanna die tbh", "self_harm_suicide", "urgent"),
    ("gonna unalive myself", "self_harm_suicide", "urgent"),
    ("i cut myself again", "self_harm_suicide", "urgent"),
    ("im going to od on my tablets", "self_harm_suicide", "urgent"),
    ("want to slit my wrists", "self_harm_suicide", "urgent"),
    ("i feel sucidal", "self_harm_suicide", "urgent"),
    ("my dad hit me", "abuse_physical", "urgent"),
    ("he hurts me", "abuse_physical", "urgent"),
    ("he hit me", "abuse_physical", "concern"),
    ("hes hurting me", "abuse_physical", "urgent"),
    ("she only pushes me when i wind her up tbh", "abuse_physical", "urgent"),
    ("my stepdad strangled me", "abuse_physical", "urgent"),
    ("they took me to a trap house", "exploitation", "urgent"),
    ("i got cuckooed", "exploitation", "urgent"),
    ("i owe them money and they said i have to pay it back", "exploitation", "concern"),
    ("my older boyfriend gives me weed and money", "exploitation", "concern"),
    ("i'm going to run away", "missing", "concern"),
    ("ran off from my placement", "missing", "concern"),
    ("im not going back", "missing", "urgent"),
    ("im running away tonight", "missing", "urgent"),
    ("been sofa surfing for weeks", "homelessness", "concern"),
    ("i'm sleeping rough", "homelessness", "urgent"),
    ("kicked out and nowhere to stay tonight", "homelessness", "urgent"),
    ("my foster carer hits me", "allegation_about_carer", "urgent"),
    ("my carer touches me", "allegation_about_carer", "urgent"),
    ("staff at the home hurt", "allegation_about_carer", "urgent"),
    ("my uncle touches my privates", "abuse_sexual", "urgent"),
    ("my mums boyfriend hits her", "domestic_abuse", "urgent"),
    # issue 14: the new categories, and kinds of wording the first lexicon missed
    ("been doing coke at weekends", "substance_misuse", "concern"),
    ("i think i took too much, everything is spinning", "substance_misuse", "urgent"),
    ("he says he will send my pics to everyone unless i pay", "online_harm", "urgent"),
    ("a man i met on discord wants to meet up and says dont tell anyone", "online_harm", "urgent"),
    ("they lock me in my room at night", "allegation_about_carer", "urgent"),
    ("everyone would be better off without me", "self_harm_suicide", "urgent"),
    ("dont wait up, im not coming home tonight", "missing", "urgent"),
    ("i get bullied every day", "bullying", "concern"),
    ("i dont feel safe at home", "unsafe_home", "concern"),
    ("there's never any food in the house", "abuse_emotional_neglect", "concern"),
    ("I WANT TO DIEEEE 😭😭", "self_harm_suicide", "urgent"),
    ("i w4nt to k1ll myself", "self_harm_suicide", "urgent"),
    # locked in, and an overdose happening to someone now
    ("they put me in the quiet room and locked it for hours", "allegation_about_carer", "urgent"),
    ("my mum locks me in my room when she goes out", "abuse_emotional_neglect", "urgent"),
    (
        "my foster carer locks me in the bathroom when im naughty",
        "allegation_about_carer",
        "urgent",
    ),
    (
        "my friend took a load of xanax and shes really floppy and wont answer",
        "substance_misuse",
        "urgent",
    ),
    # whose harm it is: someone named between a carer and the harm did it (doer_stops),
    # so it is not an allegation about the carer and does not go to the LADO
    (
        "can i stay with my foster carers after 18 my boyfriend hits me",
        "domestic_abuse",
        "urgent",
    ),
    ("i told my foster carer my dad hits me when i go home", "abuse_physical", "urgent"),
    ("my carer said a boy at school hits me", "bullying", "concern"),
    # suicidal wording the lexicon lacked until 2026.12-14
    ("whats the quickest way to die that doesnt hurt", "self_harm_suicide", "urgent"),
    ("i tried to choke myself with my dressing gown belt", "self_harm_suicide", "urgent"),
    ("sometimes i think about jumping out of my window", "self_harm_suicide", "urgent"),
    ("tuk 30 paracetamol", "self_harm_suicide", "urgent"),
    ("how many paracetamol is too many. asking for a friend", "self_harm_suicide", "urgent"),
    ("when im gone will u make sure my sister gets my teddy", "self_harm_suicide", "urgent"),
    # "county lines" alone (a question, a worry about someone) needs a person, not 999;
    # the child in it is urgent
    ("what is county lines", "exploitation", "concern"),
    ("they got me doing county lines", "exploitation", "urgent"),
    ("im doing county lines and i cant get out", "exploitation", "urgent"),
    # ... but a carer's own household is still the carer's
    ("my foster carer and her husband hit me", "allegation_about_carer", "urgent"),
    # harm that keeps happening is ongoing abuse, urgent (cues.ongoing, 2026.12-17)
    ("he hit me again", "abuse_physical", "urgent"),
    ("my brother punches me really hard every day", "abuse_physical", "urgent"),
    ("the boys at school hit me every day", "bullying", "concern"),
    # no bed tonight said in the present, and a child left with no adult and no food
    # (2026.12-18)
    ("nowhere 2 sleep", "homelessness", "urgent"),
    ("I have no place for sleep. Please what I do", "homelessness", "urgent"),
    ("mum gone 3 days, no food", "abuse_emotional_neglect", "urgent"),
    ("no1 home again, no gas, its freezin n ive not had tea", "abuse_emotional_neglect", "urgent"),
    # ways of saying self-harm and suicide the lexicon lacked until 2026.12-17
    ("i tied my belt round my neck last night", "self_harm_suicide", "urgent"),
    ("the bleeding wont stop and theres blood everywhere", "self_harm_suicide", "urgent"),
    ("just took everything in mums medicine cupboard", "self_harm_suicide", "urgent"),
    ("giving my mate my trainers, i wont need them where im going", "self_harm_suicide", "urgent"),
    ("havnt eaten since monday, only water, keep nearly fainting", "self_harm_suicide", "urgent"),
    ("been making myself sick after every meal", "self_harm_suicide", "urgent"),
    ("been saving up my tablets in a box under my bed", "self_harm_suicide", "urgent"),
    ("thinking about sewer slide again", "self_harm_suicide", "urgent"),
    # debt bondage, documents held, grooming secrets and dangerous mixes
    ("i work in the kitchen until i pay back for the lorry", "exploitation", "urgent"),
    ("the boss is holding my passport and says i owe him", "exploitation", "urgent"),
    ("he says the tickling is our special game", "abuse_sexual", "urgent"),
    ("we have secret cuddles and im not allowed to tell mummy", "abuse_sexual", "urgent"),
    ("mixing xans with vodka again tonight", "substance_misuse", "urgent"),
    ("i am in a strangers car and my phone is dying", "missing", "urgent"),
    ("my foster carers boyfriend hits me", "allegation_about_carer", "urgent"),
    ("the foster carer husband come in my room when i sleep", "allegation_about_carer", "urgent"),
]


@pytest.mark.parametrize(("text", "category", "level"), RISKY)
def test_detects_disclosures(text, category, level):
    found = detect(text)
    assert found is not None, text
    assert found.flag and found.category == category and found.level == level
    assert category in found.categories and found.matched


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I'm not going to hurt myself", "self_harm_suicide"),
        ("I used to self harm but I'm ok now", "self_harm_suicide"),
        ("he doesn't hit me anymore", "abuse_physical"),
        ("i tried to kill myself last year", "self_harm_suicide"),
        ("i dont want to die", "self_harm_suicide"),
        ("he used to hit me every day", "abuse_physical"),
    ],
)
def test_negation_and_past_lower_to_concern_but_still_flag(text, category):
    found = detect(text)
    assert found is not None and found.category == category and found.level == "concern"


def test_current_cue_overrides_past_and_now_cue_raises():
    assert detect("i used to cut but i still do").level == "urgent"
    assert detect("he hit me").level == "concern"
    assert detect("he is hitting me right now please help").level == "urgent"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # the present simple and progressive say the harm goes on (cues.habitual)
        ("he hits me", "urgent"),
        ("she hurts me when nobody is home", "urgent"),
        ("he is hurting me", "urgent"),
        ("he hits me but only when i wind him up so its kinda my fault", "urgent"),
        # once, over, denied, a feeling or pressure: the level the rules gave before
        ("he hit me", "concern"),
        ("he used to hit me", "concern"),
        ("he doesnt hit me or anything", "concern"),
        ("he keeps pushing me for pics", "concern"),
    ],
)
def test_harm_said_in_the_present_is_going_on(text, level):
    found = detect_with_lexicon(text)
    assert found is not None and found.level == level, text


@pytest.mark.parametrize(
    "text",
    [
        "i will have nowhere to sleep when my tenancy ends next month",
        "we did a project on people with nowhere to sleep",
        "nowhere to sleep in this house with all the noise",
        "mum has gone to work, no food in so im having cereal",
        "my mum is not home yet and there is no food so we are getting a takeaway",
    ],
)
def test_later_worries_and_ordinary_days_are_not_raised_to_urgent(text):
    found = detect_with_lexicon(text)
    assert found is None or found.level == "concern", text


def test_harm_said_in_the_present_as_a_joke_or_a_game_is_not_raised():
    joke = detect_with_lexicon("he hits me every time we play fifa lol")
    assert joke is not None and joke.level == "concern" and not joke.ongoing
    assert detect_with_lexicon("my brother hits me with pillows") is None
    assert detect_with_lexicon("it really hurts me that mum didnt come") is None


def test_harm_by_someone_the_child_lives_with_is_urgent_unless_it_is_past():
    assert detect("my stepdad hits me and i dont want to go home").level == "urgent"
    assert detect("my dad hits me").level == "urgent"
    found = detect("my real dad used to hit me before i came into care")
    assert found is not None and found.level == "concern"


def test_fiction_and_hyperbole_are_not_disclosures():
    for text in (
        "my teacher is going to kill me, i didnt do my coursework",
        "we watched a film about a girl who goes missing",
        "in among us i killed everyone",
        "he said not to tell anyone about the surprise party",
        # a story named after the words, as something read or watched
        "my mate ran away from home in a book we read at school",
        "the film had a girl who was groomed online, it was scary",
        # a recovery milestone; being hit as the sport
        "i used to self harm but i've been clean two years and i'm proud",
        "boxing training was hard, got punched loads but loved it",
        "i lock myself in my room to get some peace",
        "we had a talk about grooming and it was really interesting",
    ):
        assert detect(text) is None, text


def test_stories_milestones_and_sport_never_hide_harm_beside_them():
    """The frames above drop only what the story or sport covers."""
    for text, category in (
        ("he hits me in the kitchen when mum is out", "abuse_physical"),
        ("my dad punched me after boxing training", "abuse_physical"),
        ("i do boxing and my dad hit me", "abuse_physical"),
        ("i've been clean 3 days but i want to cut again", "self_harm_suicide"),
        ("in pshe we talked about grooming and i think it is happening to me", "online_harm"),
        ("we read a book in english and my carer hits me when i get it wrong", None),
    ):
        found = detect(text)
        assert found is not None, text
        assert category is None or found.category == category, (text, found.category)


def test_pets_things_lessons_and_accidents_are_look_alikes():
    """Rule 4's look-alikes that writers reach for first: a pet or a thing gone missing,
    a workshop on a harm, a burn from the oven, a figure of speech."""
    for text in (
        "my cat went missing last week and came back on sunday",
        "my cats gone missing again she always comes back",
        "my phone went missing at school, turned out it was in my locker",
        "£10 went missing from my purse, i think i spent it",
        "my brother went missing from the photo cos he was hiding",
        "we had a workshop on sextortion at college, it was useful",
        "i burnt myself on the oven, just a small burn",
        "i was so embarrassed i wanted to die lol",
        "i overdosed on chocolate at easter",
        "im addicted to tiktok",
        "got smashed at fifa by my foster brother",
        "work gave me a phone for my shifts",
        "my foster brother threw a pillow at me",
        "the older kids at the home help me with homework",
        # care leavers' questions for the local offer
        "cheap train tickets to get to uni and back",
        "got a home office letter and im scared",
        "what is a return home interview",
        "do i just get left on my own at 18",
    ):
        assert detect_with_lexicon(text) is None, text


def test_look_alikes_never_hide_harm_beside_them():
    """The same words next to a disclosure, or said of a person, still reach someone."""
    for text, category in (
        ("my sister went missing last night and her phone is off", "missing"),
        ("my carers cat went missing, and i have not been home since friday", "missing"),
        ("my roommate go out yesterday and not come back. his phone is off", "missing"),
        ("when i was 6 mummy burnt my hand with the iron", None),
        ("i burnt myself on the straighteners again on purpose", "self_harm_suicide"),
        ("we had a workshop on county lines and im scared cos im in it", "exploitation"),
        ("anti-bullying week was rubbish, i get bullied every day", "bullying"),
        ("we had a lesson on grooming and thats what he is doing to me", "online_harm"),
        ("the older lads at the home help me get weed", None),
        ("my boss gave me a phone and said i owe him", "exploitation"),
        ("im addicted to weed and i cant stop", "substance_misuse"),
        ("i overdosed on paracetamol", "self_harm_suicide"),
        ("they buy me train tickets to go to other towns and i have to take a bag", None),
        ("im scared at home, my carer hits me", None),
        ("i am meeting a man from snapchat for the first time tonight", "online_harm"),
        ("they shot at my mate", "abuse_physical"),
        ("i dont know where my little sister is, she never came home", "missing"),
    ):
        found = detect_with_lexicon(text)
        assert found is not None, text
        assert category is None or found.category == category, (text, found.category)


def test_a_concern_the_writer_marks_as_a_joke_is_none_unless_it_worries_them():
    """Grading rule 7: "lol" dismisses a concern only with the model agreeing, never a
    word of worry, a "now" cue or an urgent match."""
    joke = "my little sister bullies me into doing her makeup lol"
    assert detect(joke) is None
    # Without the "clearly harmless" bar (which the shipped model also dismisses this
    # look-alike by, marker or not), the marker is what dismisses it.
    model = shipped_model()
    assert model is not None
    on_the_joke_bar_alone = replace(model, dismiss_below=0.0)
    assert combine(detector(), on_the_joke_bar_alone, joke) is None
    plain = combine(detector(), on_the_joke_bar_alone, joke.removesuffix(" lol"))
    assert plain is not None and plain.level == "concern"
    worried = detect(joke + " but honestly im scared of her")
    assert worried is not None
    assert detect(joke + " please help") is not None
    urgent = detect("i want to kill myself lol")
    assert urgent is not None and urgent.level == "urgent"
    assert detect_with_lexicon(joke) is not None  # the lexicon alone has no model to agree


def test_every_disclosure_records_what_fired():
    found = detect("my foster carer hits me")
    assert found is not None and found.source.startswith("lexicon")
    assert any(rule.startswith("allegation_about_carer.") for rule in found.rules)
    assert found.detected_by.startswith(f"lexicon {lexicon_version()}: ")
    assert len(found.detected_by) <= 200


HARD_NEGATIVES = [
    "we did anti bullying week at school and made posters",
    "whats the quickest way to die in minecraft so i can respawn at my bed",
    "when im gone to uni ill miss my carers",
    "this survey is killing me lol",
    "my mate's dog died",
    "I'd die for a pizza",
    "dying to see my brother",
    "the film was sick",
    "my xbox got cut off",
    "i smashed my exams",
    "beat my mate at fifa",
    "my carer hits the gym",
    "kill the game",
    "i'm struggling with my homework",
    "i feel hopeless at maths",
    "he hit me up on snap",
    "we learned about county lines at school",
    "i'm dead 💀",
    # look-alikes of the 2026.12-17 patterns
    "my nose is bleeding and it wont stop",
    "sorry i was late, there wont be a next time",
    "how long does it take to die your hair blue",
    "i put my scarf round my neck cos its freezing",
    "i tied my school tie round my neck for the photo",
    "my carer keeps my passport in the safe",
    "collecting my meds from the pharmacy later",
    "she gave away her old clothes to the charity shop",
    "i have been saving up my money for a new phone",
    "he hits me every time we play fifa he is so bad at losing lol",
    "he hits me with pillows every night lol",
    "we played a secret santa game at the home",
    "cant wake my brother up for school he is so lazy",
    "im not going to be around much longer on this chat, starting a new job",
    "",
    "   ",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_hard_negatives_do_not_fire(text):
    assert detect(text) is None


def test_common_words_are_not_misread_as_risk_words():
    engine = Detector(compile_lexicon(LEXICON_PATH))
    for word in ("struggling", "rapid", "explained", "hopeless", "overcoming", "snapped"):
        assert engine.sentences(word)[0].tokens == [word]
    assert engine.sentences("suicdal")[0].tokens == ["suicidal"]


def test_disclosure_is_plain_data():
    found = detect("my foster carer hits me and i want to die")
    assert isinstance(found, Disclosure)
    data = found.as_dict()
    assert data["level"] == "urgent" and data["category"] == "self_harm_suicide"
    assert "allegation_about_carer" in data["categories"] and data["flag"] is True


# --- the reply ---------------------------------------------------------------------


def test_urgent_reply_gives_999_and_childline_first():
    reply = safeguarding_reply(detect("i want to kill myself tonight"), "child_in_care")
    assert reply.splitlines()[0].startswith("Thank you for telling Heard")
    order = [reply.index(n) for n in ("999", "0800 1111", "116 123", "85258")]
    assert order == sorted(order)
    assert f"{ROLE} will be told" in reply and "your social worker" in reply
    assert "out-of-hours" in reply
    # What happens next belongs to the channel: the engine asks "carry on?" in a check-in,
    # and outside one there are no questions to carry on with.
    assert "carry on" not in reply.lower()


def test_a_carer_is_pointed_to_help_for_adults_not_childline():
    for text in ("the child i look after said her dad hits her", "i want to kill myself"):
        reply = safeguarding_reply(detect(text), "carer")
        assert "Childline" not in reply and "0800 1111" not in reply
        assert "0808 800 5000" in reply and "116 123" in reply
        assert "supervising social worker" in reply
        assert "your safety" not in reply


def test_concern_reply_offers_childline_worker_and_advocate_not_999():
    reply = safeguarding_reply(detect("i get bullied at school"), "care_leaver")
    assert "0800 1111" in reply and "999" not in reply
    assert "personal adviser" in reply and "advocate" in reply
    assert f"{ROLE} will be told" in reply


def test_homelessness_reply_adds_housing_help():
    reply = safeguarding_reply(detect("im sofa surfing"), "care_leaver")
    assert "housing" in reply and "personal adviser (PA)" in reply


def test_reply_never_blames_or_echoes():
    text = "my bf makes me carry stuff to other towns"
    for cohort in (None, "child_in_care", "care_leaver", "carer"):
        reply = safeguarding_reply(detect(text), cohort)
        assert "at risk" not in reply.lower() and "carry stuff" not in reply


def test_council_can_set_its_own_numbers(tmp_path):
    text = REPLIES_PATH.read_text(encoding="utf-8").replace('phone: ""', 'phone: "01452 614194"', 1)
    path = tmp_path / "replies.yaml"
    path.write_text(text, encoding="utf-8")
    reply = safeguarding_reply(detect("i want to die"), None, replies=compile_replies(path))
    assert "01452 614194" in reply


def test_who_will_be_told_is_said_in_words_each_reader_knows(tmp_path):
    """A child is told who, as the chat said before they typed; a foster carer hears the
    role's name. A council can give any cohort words of its own."""
    disclosure = detect("i want to die")
    for cohort in ("child_in_care", "care_leaver", None):
        assert f"{ROLE} will be told" in safeguarding_reply(disclosure, cohort)
    assert "our safeguarding lead will be told" in safeguarding_reply(
        detect("the child i look after said her dad hits her"), "carer"
    )
    text = REPLIES_PATH.read_text(encoding="utf-8").replace(
        "  carer: our safeguarding lead",
        "  carer: our safeguarding lead\n  care_leaver: Sam, our lead",
        1,
    )
    path = tmp_path / "replies.yaml"
    path.write_text(text, encoding="utf-8")
    replies = compile_replies(path)
    assert "Sam, our lead will be told" in safeguarding_reply(
        disclosure, "care_leaver", replies=replies
    )
    broken = text.replace("  care_leaver: Sam, our lead", "  care_leaver: ''", 1)
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        compile_replies(path)
    assert caught.value.item == "safeguarding_roles" and "carer:" in caught.value.fix


def test_broken_replies_name_line_and_fix(tmp_path):
    text = REPLIES_PATH.read_text(encoding="utf-8").replace("{worker}.", "{wroker}.", 1)
    path = tmp_path / "replies.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        compile_replies(path)
    assert "{wroker}" in caught.value.problem and caught.value.line and caught.value.fix


# --- quality bars and the labelled set ---------------------------------------------


def test_labelled_sets_are_big_enough_and_cover_every_category():
    bench = benchmark_script("safeguarding_quality")
    for part in ("dev", "test"):
        examples = bench.corpus_part(part)
        risky = [e for e in examples if e.risky]
        assert len(examples) >= 350 and len(risky) >= 200, part
        for category in CATEGORIES:
            assert sum(e.category == category for e in risky) >= 10, (part, category)
        assert sum(not e.risky for e in examples) >= 150, part


# Held-out floors: a little under the figures measured when this lexicon and model
# shipped (docs/safeguarding.md), so a change that loses ground on messages it was
# never tuned on fails here. They are floors, not the bars, which test misses.
TEST_FLOORS = {"urgent_recall": 0.72, "overall_recall": 0.83}
TEST_FALSE_POSITIVE_CEILING = 0.14  # the model no longer dismisses lexicon matches


def test_held_out_figures_do_not_regress():
    bench = benchmark_script("safeguarding_quality")
    report = bench.evaluate(bench.corpus_part("test"), name="test", keep_misses=False)
    figures = report.figures
    shown = {k: round(v, 3) for k, v in figures.items()}  # figures only, never test text
    assert report.misses == []
    for name, floor in TEST_FLOORS.items():
        assert figures[name] >= floor, shown
    assert figures["false_positive_rate"] <= TEST_FALSE_POSITIVE_CEILING, shown


def test_tuned_sets_stay_tuned():
    """Dev, legacy and the training sets were tuned on (the model learned them too):
    these only catch a change that breaks what worked, they measure nothing."""
    bench = benchmark_script("safeguarding_quality")
    sets = {"dev": bench.corpus_part("dev"), "legacy": bench.load_examples(bench.LEGACY)}
    tuned = ("train-young", "train-leavers")  # the lexicon was tuned on these two
    sets |= {name: bench.load_examples(bench.TRAINING_SETS[name]) for name in tuned}
    for name, examples in sets.items():
        figures = bench.evaluate(examples, name=name).figures
        shown = {k: round(v, 3) for k, v in figures.items()}
        assert figures["urgent_recall"] >= 0.92, (name, shown)  # the model moves it a little
        assert figures["overall_recall"] >= 0.97, (name, shown)
        assert figures["false_positive_rate"] <= 0.04, (name, shown)  # no model veto


def test_benchmark_never_shows_test_misses(capsys):
    bench = benchmark_script("safeguarding_quality")
    with pytest.raises(SystemExit) as refused:
        bench.main(["--misses", "--split", "test"])
    assert refused.value.code == 2
    assert "held out" in capsys.readouterr().err
    report = bench.evaluate(bench.corpus_part("test")[:5], name="test", keep_misses=False)
    with pytest.raises(ValueError):
        bench.render([report], misses_from=report)


def test_benchmark_never_shows_the_unlearned_sets_misses(capsys):
    bench = benchmark_script("safeguarding_quality")
    for name in bench.UNLEARNED_SETS:
        with pytest.raises(SystemExit) as refused:
            bench.main(["--misses", "--split", name])
        assert refused.value.code == 2
        err = capsys.readouterr().err
        assert f"{name} is kept unlearned" in err


# --- robustness --------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_detect_never_raises_on_any_text(text):
    found = detect(text)
    assert found is None or (found.level in ("urgent", "concern") and found.category in CATEGORIES)


_SAMPLE = "i want to die kms not he hits me lol tonight used carer . , but"
_LONG_WORDS = tuple(word for word in _SAMPLE.split(" "))
_ODD = ("😭", "\x00", "\u202e", "ǅ", "ﬀ", "\ud800", "İ")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=()), max_size=300))
def test_detect_never_raises_even_on_lone_surrogates(text):
    detect(text)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(_LONG_WORDS + _ODD), min_size=300, max_size=500))
def test_detect_is_fast_on_long_inputs(words):
    """No pattern backtracks badly: the best of three runs, so a busy machine's pause
    is not taken for one."""
    text = " ".join(words)[:2000]
    detect("warm up")
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        detect(text)
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.1


def test_detect_tolerates_non_text():
    assert detect(None) is None  # type: ignore[arg-type]
    assert detect(12) is None  # type: ignore[arg-type]
