"""The theme tagger's regex prefilter (analysis/prefilter.py, issue 17 speed):
the literals it reads out of tricky patterns, that every string matching a pattern
contains one of them, and that the tagger gives exactly the same output with and
without it on every comment of the theme corpus."""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.prefilter import CASE_EQUIVALENTS, Prefilter, fold, required_literals
from analysis.themes.lexicon import AUDIENCES, Audience, load_lexicon
from analysis.themes.model import shipped_model
from analysis.themes.quality import load_labelled
from analysis.themes.tagger import ThemeTagger

ROOT = Path(__file__).resolve().parents[1]
THEME_DATA = ROOT / "tests" / "data" / "themes"


def literals(pattern: str) -> set[str] | None:
    found = required_literals(re.compile(pattern, re.IGNORECASE))
    return None if found is None else set(found)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # plain words and alternation (the parser factors "abc|abd" into "ab[cd]")
        (r"\bschool\b", {"school"}),
        (r"\b(?:mum|mam|mom)\b", {"mum", "mam", "mom"}),
        (r"abc|abd", {"abc", "abd"}),
        (r"\bsocial worker|\bpa\b|personal adviser", None),  # "pa" is too short to test
        (r"nobody (?:listens|cares)|\w+ ignores? me", {" ignore", "nobody "}),
        (r"foo|\w+bar", {"bar", "foo"}),
        (r"foo|\w+", None),  # a branch that needs nothing
        # optional groups and repeats
        (r"\bcolou?r\b", {"color", "colour"}),
        (r"\b(?:very )?happy\b", {"happy"}),
        (r"\b(?:abc)?\b", None),
        (r"(?:abc)?def", {"def"}),
        (r"a*bcd", {"bcd"}),
        (r"(?:haha)+", {"haha"}),
        (r"(?:ha){2,}", None),  # "ha" is too short; more than three is not spelled out
        (r"\bmov\w* (?:[\w']+ ){0,3}again\b", {"again"}),
        # \b, ^ and $ consume nothing
        (r"^\bhome\b$", {"home"}),
        # character classes: a few letters are spelled out, anything else breaks the text
        (r"[ck]ids", {"cids", "kids"}),
        (r"[a-z]ids\b", {"ids"}),
        (r"[^x]ids", {"ids"}),
        (r"\d+ quid", {" quid"}),
        (r"[\w]+", None),
        (r"m.te", None),
        # lookarounds consume nothing: what they look at is not required
        (r"(?<!not )happy", {"happy"}),
        (r"(?<=my )mum", {"mum"}),
        (r"happy(?! hour)", {"happy"}),
        (r"(?=\w+ing)going", {"going"}),
        (r"(?<!not )(?:sad|lonely)", {"sad", "lonely"}),
        # backreferences and conditionals are not followed
        (r"(ha) \1", {"ha "}),
        (r"(\w+) \1", None),
        (r"(a)?(?(1)bcd|efg)", None),
        # case and flags: literals are lower-case ASCII whatever the pattern says
        (r"SCHOOL", {"school"}),
        (r"(?-i:School)", {"school"}),
        (r"(?x) s c h o o l \  trip", {"school trip"}),
        # non-ASCII letters end the text (their case-insensitive twins are many)
        (r"café", {"caf"}),
        (r"(?:£|\$|€) ?\d", None),
        # atomic groups and possessive repeats (Python 3.11)
        (r"(?>foo|bar)baz", {"foobaz", "barbaz"}),
        (r"(?:xyz)++", {"xyz"}),
    ],
)
def test_literals_of_tricky_patterns(pattern: str, expected: set[str] | None) -> None:
    assert literals(pattern) == expected


def test_a_long_alternation_is_cut_to_a_selective_part() -> None:
    found = literals(
        r"\b(?:keeps?|kept|always|constantly) (?:on )?(?:chang|mov|leav)\w*"
        r" (?:my|our|his|her|their) (?:school|home|placement|carer|worker)s?\b"
    )
    assert found is not None and 0 < len(found) <= 32
    assert all(len(s) >= 3 for s in found)


def test_case_equivalents_are_every_non_ascii_twin_of_an_ascii_character() -> None:
    everything = "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c <= 0xDFFF)
    twins = re.compile(r"[\x00-\x7f]", re.IGNORECASE).findall(everything)
    assert set(twins) == set(CASE_EQUIVALENTS)
    for twin, letter in CASE_EQUIVALENTS.items():
        matches = [chr(a) for a in range(128) if re.fullmatch(re.escape(chr(a)), twin, re.I)]
        assert sorted(matches) == sorted({letter, letter.upper()})
    assert fold("KELVIN \u212a \u0130 \u0131 \u017f School") == "kelvin k i i s school"


TRICKY = [
    r"\bcolou?r\b",
    r"(?<!not )(?:sad|lonely)\b",
    r"[ck]ids|\bchildren\b",
    r"(?:very )?happy(?! hour)",
    r"\b(?:keeps?|kept) (?:on )?(?:mov|chang)\w*",
    r"(ha) \1",
    r"(?:abc)?def|ghi+jk",
    r"(?x) s c h o o l \  trip",
    r"\bnot got any ?(?:one|body)\b",
]


@lru_cache(maxsize=1)
def lexicon_patterns() -> list[re.Pattern[str]]:
    found: dict[str, re.Pattern[str]] = {}
    for audience in AUDIENCES:
        lexicon = load_lexicon(audience=audience)
        for entry in lexicon.entries:
            if entry.regex is not None:
                found[entry.regex.pattern] = entry.regex
        for group in lexicon.except_patterns.values():
            found.update({r.pattern: r for r in group})
    return list(found.values())


def check_contains_literal(regex: re.Pattern[str], text: str) -> None:
    if regex.search(text) is None:
        return
    found = required_literals(regex)
    assert found is None or any(s in fold(text) for s in found), (regex.pattern, text, found)
    assert 0 in Prefilter([regex]).possible(text)


@pytest.mark.parametrize("pattern", TRICKY)
@settings(max_examples=150, deadline=None, derandomize=True)
@given(data=st.data())
def test_strings_matching_a_tricky_pattern_contain_its_literal(
    pattern: str, data: st.DataObject
) -> None:
    regex = re.compile(pattern, re.IGNORECASE)
    check_contains_literal(regex, data.draw(st.from_regex(regex)))


@settings(
    max_examples=800,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_strings_matching_a_lexicon_pattern_contain_its_literal(data: st.DataObject) -> None:
    regex = data.draw(st.sampled_from(lexicon_patterns()))
    check_contains_literal(regex, data.draw(st.from_regex(regex)))


def test_nearly_every_lexicon_pattern_gets_a_prefilter() -> None:
    # Most lexicon patterns get a prefilter (the money patterns with £ and digits do not).
    patterns = lexicon_patterns()
    without = [r.pattern for r in patterns if required_literals(r) is None]
    assert len(without) <= len(patterns) // 20, without


def corpus_texts() -> list[tuple[str, Audience]]:
    """Every comment of every corpus file (texts only: the labels are not read)."""
    texts: list[tuple[str, Audience]] = []
    for path in sorted(THEME_DATA.glob("*.yaml")) + [ROOT / "tests/data/theme_comments.yaml"]:
        if path.name == "split.yaml":
            continue
        texts.extend((c.text, c.audience) for c in load_labelled(path))
    return texts


ODD = [
    "",
    "!!!",
    "MOVED AGAIN and AGAIN, NOT GOT ANYONE",
    "my \u212aey worker \u017ftays in \u0130ouch",  # Kelvin K, long s, dotted I
    "nobody \u0131s there, I'm not got any1 2 talk 2",
    "£50 a week is not enough, 20 quid for clothes",
    "my sw NEVER turns up & i miss my m8s sooooo much",
]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_prefilter_changes_nothing_on_the_whole_corpus(audience: Audience) -> None:
    texts = [t for t, _ in corpus_texts()] + ODD
    assert len(texts) > 3000
    fast = ThemeTagger(load_lexicon(audience=audience))
    slow = ThemeTagger(fast.lexicon, prefilter=False)
    assert fast._prefilter is not None and slow._prefilter is None
    for text in texts:
        assert fast._scan(text, first_only=True) == slow._scan(text, first_only=True), text
        # explain() and why() are read from this one:
        assert fast._scan(text, first_only=False) == slow._scan(text, first_only=False), text


def test_prefilter_changes_nothing_with_the_model() -> None:
    model = shipped_model()
    if model is None:
        pytest.skip("no theme model ships")
    taggers = {
        audience: (
            ThemeTagger(load_lexicon(audience=audience), model),
            ThemeTagger(load_lexicon(audience=audience), model, prefilter=False),
        )
        for audience in AUDIENCES
    }
    for text, audience in corpus_texts():
        fast, slow = taggers[audience]
        assert fast.tag(text) == slow.tag(text), text
    for text in ODD:
        for fast, slow in taggers.values():
            assert fast.why(text) == slow.why(text), text


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
