"""The safeguarding detector's literal prefilter (analysis/prefilter.py, used by
analysis/safeguarding/detector.py): a rule's patterns run on a sentence only when it
contains the literal text they need, and the detector's output is exactly what it is
without the prefilter: on every message of the safeguarding corpus, and on patterns
and messages where a naive prefilter would go wrong.

The corpus is read only to compare the two detectors: no text or label is printed,
even on failure (a mismatch is reported as a file name and a position).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.prefilter import alternation_matches, required_literals, scannable_alone
from analysis.safeguarding import CATEGORIES, Detector, compile_lexicon
from analysis.safeguarding.lexicon import LEXICON_PATH
from storage.datafiles import load_yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = sorted((ROOT / "tests" / "data" / "safeguarding").glob("*.yaml")) + [
    ROOT / "tests" / "data" / "safeguarding_messages.yaml"
]


@lru_cache(maxsize=1)
def detectors() -> tuple[Detector, Detector]:
    lexicon = compile_lexicon(LEXICON_PATH)
    return Detector(lexicon), Detector(lexicon, prefilter=False)


def corpus_texts() -> list[tuple[str, int, str]]:
    """(file name, position, text) for every message of every corpus file; only the
    texts are taken (split.yaml has none)."""
    found = []
    for path in CORPUS:
        data = load_yaml(path)
        messages = data.get("messages", []) if isinstance(data, dict) else []
        for number, message in enumerate(messages):
            if isinstance(message, dict) and isinstance(message.get("text"), str):
                found.append((path.name, number, message["text"]))
    return found


# Text the detector normalises before its patterns run: case, look-alike letters,
# apostrophes, emoji, text-speak, typos, numbers for letters, repeated letters.
ODD = [
    "",
    "   ",
    "!!!",
    "I WANT TO DIE. He HITS me.",
    "i w4nt 2 d1e",
    "my \u212aey worker \u017ftays, he \u0130s hitting me",  # Kelvin K, long s, dotted I
    "he hit me 🔪🔪 and i\u2019m scared, i dont want to go home",
    "im thinking about suicde, noooo one cares",
    "my step dad hits me and my mum, then he says sorryyyyy",
    "ﬁne honestly ｆｉｎｅ",  # ligature and full-width letters (NFKC)
    "killing me lol, my carer said my dad hits me",
    "يريد أن يموت",
]


def test_the_prefilter_is_on_by_default_and_covers_nearly_every_pattern() -> None:
    fast, slow = detectors()
    assert fast._prefilter is not None and slow._prefilter is None
    branches = [b for rule in fast.lexicon.rules for b in rule.branches()]
    assert len(branches) == sum(len(rule.ids) for rule in fast.lexicon.rules) > 500
    assert all(found is not None for found in fast._branches)  # every rule runs by pattern
    without = [b.pattern for b in branches if required_literals(b) is None]
    assert len(without) <= len(branches) // 50


@pytest.mark.slow
def test_prefilter_changes_nothing_on_the_whole_corpus() -> None:
    fast, slow = detectors()
    texts = corpus_texts()
    assert len(texts) > 5000 and len({name for name, _, _ in texts}) == len(CORPUS) - 1
    differ = [
        (name, number)
        for name, number, text in texts
        if fast.hits(text) != slow.hits(text) or fast.detect(text) != slow.detect(text)
    ]
    assert not differ, differ  # where, never what
    for text in ODD:
        assert fast.hits(text) == slow.hits(text), text
        assert fast.detect(text) == slow.detect(text), text


# --- patterns where a naive prefilter would be wrong ---------------------------------

TRICKY_PATTERNS = {
    "self_harm_suicide": {
        "urgent": [
            "(?:really )?want to die",  # an optional group needs nothing
            "(?i:WANT TO JUMP)",  # upper case in the pattern, under an inline flag
            "(?<!dont )hurt <me>",  # a negative lookbehind: "dont " is not needed
            "about suicide",  # "suicde" in the message is corrected first
            "i am scared",  # "im" in the message is read as "i am" first
            "xyzzy alone",  # never in a message: only the other patterns are run
        ],
        "concern": [
            "(?:cuts|burns) (?:me|myself)",  # alternation: either is enough
            "xyzzy cuts",
        ],
    },
    "bullying": {
        "concern": [
            "(?:zzq)?",  # can match nothing: the rule always runs whole
            "picks on <me>",
        ],
    },
    "abuse_physical": {
        "urgent": [
            "hits <me>",  # first at the same place: it wins over the next one
            "hits <me> hard",
            "<me> hard every day",  # overlaps the match before it: never reported
            "xyzzy hits",
        ],
        "concern": [
            "punch(?:es|ed) <me>",
            # A backreference: group 1 is this pattern's "(no)" alone, the first
            # pattern's group in the rule's alternation (so it never matches there),
            # and cannot be compiled as this pattern's own group: the rule runs whole.
            "(no) \\1 hits",
        ],
    },
}


def _tricky_lexicon(tmp_path: Path) -> Path:
    categories = []
    for index, name in enumerate(CATEGORIES):
        levels = TRICKY_PATTERNS.get(name, {"concern": [f"xyz{index}"]})
        lines = [f"  {name}:"]
        for level, patterns in levels.items():
            lines.append(f"    {level}:")
            lines.extend(f"      - '{pattern}'" for pattern in patterns)
        categories.append("\n".join(lines))
    joined = "\n".join(categories)
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
{joined}
"""
    path = tmp_path / "lexicon.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("message", "rules", "phrases"),
    [
        ("I want to die", ["self_harm_suicide.urgent[1]"], ["want to die"]),
        ("i really want to die", ["self_harm_suicide.urgent[1]"], ["really want to die"]),
        ("i WANT to jump", ["self_harm_suicide.urgent[2]"], ["want to jump"]),
        ("it makes me want to hurt meh", ["self_harm_suicide.urgent[3]"], ["hurt meh"]),
        ("i dont hurt me", [], []),
        ("thinking about suicde", ["self_harm_suicide.urgent[4]"], ["about suicide"]),
        ("Im scared", ["self_harm_suicide.urgent[5]"], ["i am scared"]),
        ("she burns myself", ["self_harm_suicide.concern[1]"], ["burns myself"]),
        ("he hits me hard", ["abuse_physical.urgent[1]"], ["hits me"]),
        ("my hits me hard every day", ["abuse_physical.urgent[1]"], ["hits me"]),
        ("me hard every day", ["abuse_physical.urgent[3]"], ["me hard every day"]),
        ("no no hits", [], []),
        ("he punched me", ["abuse_physical.concern[1]"], ["punched me"]),
        ("she picks on me", ["bullying.concern[2]"], ["picks on me"]),
    ],
)
def test_tricky_patterns_match_as_without_the_prefilter(
    tmp_path: Path, message: str, rules: list[str], phrases: list[str]
) -> None:
    lexicon = compile_lexicon(_tricky_lexicon(tmp_path))
    fast, slow = Detector(lexicon), Detector(lexicon, prefilter=False)
    found = fast.hits(message)
    assert [h.rule for h in found if "+promote" not in h.rule] == rules
    assert [h.phrase for h in found if "+promote" not in h.rule] == phrases
    assert found == slow.hits(message)
    assert fast.detect(message) == slow.detect(message)


def test_rules_that_cannot_be_split_run_whole(tmp_path: Path) -> None:
    fast = Detector(compile_lexicon(_tricky_lexicon(tmp_path)))
    by_rule = dict(
        zip(((r.category, r.level) for r in fast.lexicon.rules), fast._branches, strict=True)
    )
    assert by_rule["self_harm_suicide", "urgent"] is not None
    assert by_rule["self_harm_suicide", "concern"] is not None
    assert by_rule["bullying", "concern"] is None  # "(?:zzq)?" matches nothing
    assert by_rule["abuse_physical", "concern"] is None  # "(no) \\1" refers to a group
    assert by_rule["abuse_physical", "urgent"] is not None


# --- the alternation scan itself -----------------------------------------------------

BRANCHES = [
    "hits",
    "hits me",
    "me hard",
    "(?:he )?hits me hard",
    "(?<!not )scared",
    "(?:ha)+",
    "no+ (?:way|more)",
    "hard(?= every)",
    "(?i:EVERY) day",
]
WORDS = ["he", "hits", "me", "hard", "every", "day", "not", "scared", "ha", "haha", "no", "noo"]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    chosen=st.lists(st.sampled_from(range(len(BRANCHES))), min_size=1, unique=True),
    words=st.lists(st.sampled_from(WORDS), max_size=12),
    separators=st.lists(st.sampled_from([" ", "  ", ", "]), min_size=12, max_size=12),
)
def test_the_scan_of_some_branches_is_the_alternation_of_them(
    chosen: list[int], words: list[str], separators: list[str]
) -> None:
    text = "".join(w + s for w, s in zip(words, separators, strict=False)).strip()
    chosen.sort()
    parts = [f"(?P<p{n + 1}>{BRANCHES[n]})" for n in chosen]
    whole = re.compile(r"(?<!\S)(?:" + "|".join(parts) + r")(?!\S)")
    alone = [re.compile(rf"(?<!\S)(?:(?P<p{n + 1}>{BRANCHES[n]}))(?!\S)") for n in chosen]
    assert all(scannable_alone(r) for r in alone)
    expected = [(m.span(), m.group(0), m.lastgroup) for m in whole.finditer(text)]
    got = [(m.span(), m.group(0), m.lastgroup) for m in alternation_matches(alone, text)]
    assert got == expected


@pytest.mark.parametrize(
    ("pattern", "alone"),
    [
        (r"hits me", True),
        (r"(?<=my )dad", True),
        (r"(?>hits|punches) me", True),
        (r"(?:zzq)?", False),  # the empty string
        (r"\b", False),
        (r"(no) \1", False),  # a backreference
        (r"(?P<x>no) (?P=x)", False),
        (r"(a)?(?(1)b|c)", False),  # a conditional
        (r"(?>(no) \1)", False),  # inside an atomic group
        (r"(?=(\w+) \1)\w+", False),  # inside a lookahead
    ],
)
def test_which_patterns_are_scannable_alone(pattern: str, alone: bool) -> None:
    assert scannable_alone(re.compile(pattern)) is alone


def test_the_scan_refuses_a_branch_matching_the_empty_string() -> None:
    # It would never move on; Detector runs such a rule whole (scannable_alone).
    with pytest.raises(ValueError, match="empty string"):
        list(alternation_matches([re.compile("a?"), re.compile("b")], "xb"))
