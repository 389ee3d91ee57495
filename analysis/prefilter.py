"""Which literal text a lexicon pattern needs, so the pattern need not run without it.

Used by the theme tagger (analysis/themes/tagger.py) and the safeguarding detector
(analysis/safeguarding/detector.py). The theme tagger runs a few hundred
case-insensitive regular expressions (the lexicons' ``patterns`` and
``except_patterns``) over every comment, and most of them cannot match most
comments: ``\\bnot got any ?(?:one|body)\\b`` needs "not got any" in the text
before the regex engine has anything to do. :func:`required_literals` reads
a compiled pattern once, when the tagger is built, and returns a set of strings of
which every match must contain at least one (here ``{"not got any"}``), or None
when it cannot tell. A comment whose folded text (:func:`fold`) contains none of them
is skipped for that pattern: a substring test costs a fraction of a regex search.

Why hand-written: no library we found does this for Python's ``re``. Other engines
have literal extractors (Rust's ``regex-syntax`` has ``hir::literal``; RE2 and Hyperscan
do it inside), but for their own syntax and semantics, and ``re`` exposes none. So this
walks the parse tree of ``re._parser`` (the parser ``re.compile`` itself uses, so the
tree is exactly what runs) and is deliberately conservative: anything it does not understand
(classes with ranges or ``\\w``, ``.``, backreferences, conditionals, repeats of
more than three, non-ASCII letters, a parser that changed shape) gives "no
literal" for that part, and a pattern with no usable literal is always run. It can
only ever skip a regex that would have found nothing, so the tagger's output is
the same with or without it (tests/test_themes_prefilter.py checks this on every
comment of the theme corpus, and that strings generated to match each lexicon pattern
contain its literals; tests/test_safeguarding_prefilter.py checks the detector's
output on every safeguarding message).

The safeguarding lexicon compiles each category's patterns into one alternation of
named groups, so a match says which pattern fired. :func:`alternation_matches` gives
what ``finditer`` of such an alternation gives while running only the branches a
text may match, each compiled alone (:func:`scannable_alone` says when that is exact).

How it reads a pattern:

- A sequence of parts each of which can only match a few exact strings (a literal
  letter, a class of a few letters such as ``[ck]``, an alternation or optional group
  of such, ``u?``) gives the strings their concatenation can match: ``colou?r`` needs
  "color" or "colour". Zero-width parts (``\\b``, ``^``, lookahead and lookbehind)
  consume nothing, so they are transparent: ``(?<!not )happy`` needs "happy".
- Any stretch of such parts is a requirement on its own, and so is a group or a
  repeat of at least one; of all of them the one a comment is least likely to pass
  (long strings, few of them: ``_cost``) is kept.
- An alternation needs one of its branches' requirements; if any branch has none,
  the alternation has none.

Case: lexicon patterns are compiled with ``re.IGNORECASE``, under which an ASCII letter
also matches its capital and four non-ASCII letters (dotted and dotless i, long s, the
Kelvin sign). Literals are kept in lower-case ASCII only and the comment is folded the
same way, so a case-insensitive match always leaves its literal in the folded text.
A case-sensitive pattern (the safeguarding lexicon's, run on casefolded sentences)
matches a subset of that, so folding serves it too; an inline ``(?i:...)`` or
``(?-i:...)`` changes nothing either way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import product
from re import _constants as _sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

#: Most strings a requirement may stand for; past this a stretch is cut shorter.
MAX_STRINGS = 32
#: A repeat is spelled out only up to this many times (``a{2}``, ``(?:ha){1,3}``).
MAX_REPEAT = 3
#: A requirement whose shortest string is shorter than this is not worth testing.
MIN_LENGTH = 3

#: Characters an ASCII letter matches case-insensitively, mapped to its lower case.
#: ``tests/test_themes_prefilter.py`` checks the list against every Unicode character.
CASE_EQUIVALENTS: dict[str, str] = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
_FOLD = str.maketrans({**{chr(c): chr(c + 32) for c in range(65, 91)}, **CASE_EQUIVALENTS})

Literals = frozenset[str]
_Item = tuple[Any, Any]  # (opcode, argument) as re._parser gives them
_EMPTY = frozenset({""})


def fold(text: str) -> str:
    """The text as literals are compared with it: ASCII in lower case, and the four
    non-ASCII letters that match ASCII ones case-insensitively as those letters."""
    return text.lower() if text.isascii() else text.translate(_FOLD)


class Prefilter:
    """Which of a list of regexes may match a text: those whose required literals it
    contains, and those with none known (always run).

    Literals are found through their first three letters: the text's three-letter
    slices are collected once, and only literals starting with one of them are looked
    for, so the cost hardly grows with the number of literals.
    """

    def __init__(self, regexes: Iterable[re.Pattern[str]]) -> None:
        owners: dict[str, list[int]] = {}
        always: list[int] = []
        for number, regex in enumerate(regexes):
            literals = required_literals(regex)
            if literals is None:
                always.append(number)
                continue
            for literal in literals:
                owners.setdefault(literal, []).append(number)
        self.always = frozenset(always)
        by_gram: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
        for literal in sorted(owners):
            by_gram.setdefault(literal[:3], []).append((literal, tuple(owners[literal])))
        self._by_gram = {gram: tuple(found) for gram, found in by_gram.items()}
        self._grams = frozenset(self._by_gram)

    def possible(self, text: str) -> set[int]:
        """The positions (in the list given) of the regexes that may match ``text``."""
        folded = fold(text)
        found = set(self.always)
        grams = {folded[i : i + 3] for i in range(len(folded) - 2)}
        for gram in self._grams.intersection(grams):
            for literal, owners in self._by_gram[gram]:
                if literal in folded:
                    found.update(owners)
        return found


def scannable_alone(regex: re.Pattern[str]) -> bool:
    """Whether ``regex``, one branch of an alternation compiled alone, can stand in for
    that branch in :func:`alternation_matches`: it cannot match the empty string (the
    scan moves on from each match's end) and refers to no group (a backreference or
    conditional: a group's number differs when the branch stands alone)."""
    if not isinstance(regex.pattern, str):
        return False
    return _read(regex.pattern, regex.flags)[1]


def _opcodes(tree: Any) -> Iterator[Any]:
    """Every opcode anywhere in a parsed pattern (groups, branches, repeats, lookarounds;
    a class's members are not opcodes that matter here and are not walked)."""
    for op, av in tree:
        yield op
        if isinstance(av, _parser.SubPattern):  # an atomic group
            av = (av,)
        if op is _sre.IN or not isinstance(av, (tuple, list)):
            continue
        for part in av:
            if isinstance(part, _parser.SubPattern):
                yield from _opcodes(part)
            elif isinstance(part, list):
                for branch in part:
                    yield from _opcodes(branch)


def alternation_matches(branches: Sequence[re.Pattern[str]], text: str) -> Iterator[re.Match[str]]:
    """The matches ``finditer`` of an alternation gives on ``text``, from some of its
    branches each compiled alone (every one :func:`scannable_alone`).

    Each regex in ``branches`` must be the whole alternation with only one of its
    branches left (the same surroundings, the same group name), listed in the
    alternation's order. If the branches left out cannot match anywhere in ``text``
    (their literals are not in it), the matches are exactly the alternation's: it
    tries its branches in order at the leftmost position where one matches, and that
    branch matches there as it does alone; the next match is looked for from its end.
    A lookbehind sees the text before the position a search starts from, as in
    ``finditer``, so each branch is searched from there.
    """
    if len(branches) == 1:
        yield from branches[0].finditer(text)
        return
    ahead = [branch.search(text) for branch in branches]
    position = 0
    while True:
        best: re.Match[str] | None = None
        for number, branch in enumerate(branches):
            found = ahead[number]
            if found is not None and found.start() < position:
                found = ahead[number] = branch.search(text, position)
            if found is not None and (best is None or found.start() < best.start()):
                best = found
        if best is None:
            return
        if best.end() == best.start():
            raise ValueError(f"{best.re.pattern!r} matched the empty string: not scannable alone")
        yield best
        position = best.end()


def required_literals(regex: re.Pattern[str]) -> Literals | None:
    """Strings (lower-case ASCII) of which every match of ``regex`` contains one, or
    None when no such set is known or worth testing."""
    if not isinstance(regex.pattern, str):
        return None
    return _read(regex.pattern, regex.flags)[0]


@lru_cache(maxsize=4096)
def _read(pattern: str, flags: int) -> tuple[Literals | None, bool]:
    """:func:`required_literals` and :func:`scannable_alone` from one parse (a lexicon
    of hundreds of long patterns takes a second or more to parse)."""
    try:
        tree = _parser.parse(pattern, flags)
    except Exception:  # noqa: BLE001 - a changed private parser means "no prefilter"
        return None, False
    try:
        found = _required_sequence(list(tree))
    except Exception:  # noqa: BLE001 - as above
        found = None
    if found is not None and ("" in found or min(map(len, found)) < MIN_LENGTH):
        found = None
    try:
        alone = tree.getwidth()[0] > 0 and not any(
            getattr(op, "name", "").startswith("GROUPREF") for op in _opcodes(tree)
        )
    except Exception:  # noqa: BLE001 - a changed private parser means "run it whole"
        alone = False
    return found, alone


def _cost(literals: Literals) -> float:
    """Lower is better: roughly how often a comment would pass the test (a string of
    n letters taken as 4 ** -(n - 2) likely to be present), plus a little per string."""
    return sum(4.0 ** -(len(s) - 2) for s in literals) + 0.002 * len(literals)


def _best(candidates: Iterable[Literals | None]) -> Literals | None:
    usable = [_minimal(c) for c in candidates if c and "" not in c]
    return min(usable, key=lambda c: (_cost(c), sorted(c))) if usable else None


def _minimal(strings: Iterable[str]) -> Literals:
    """Drop strings that contain another: finding the shorter one is enough."""
    ordered = sorted(set(strings), key=len)
    kept: list[str] = []
    for s in ordered:
        if not any(k in s for k in kept):
            kept.append(s)
    return frozenset(kept)


def _concat(left: Literals, right: Literals) -> Literals | None:
    if len(left) * len(right) > MAX_STRINGS:
        return None
    return frozenset(a + b for a, b in product(left, right))


def _exact_sequence(items: Sequence[_Item]) -> Literals | None:
    """Every string the sequence can match, if there are few and all are known."""
    strings: Literals | None = _EMPTY
    for item in items:
        part = _exact(item)
        if part is None or strings is None:
            return None
        strings = _concat(strings, part)
    return strings


def _exact(item: _Item) -> Literals | None:
    """Every string one parsed part can match (lower-case ASCII), or None."""
    op, av = item
    if op is _sre.LITERAL:
        return frozenset({chr(av).lower()}) if av < 128 else None
    if op is _sre.IN:
        letters = set()
        for member_op, member in av:
            if member_op is not _sre.LITERAL or member >= 128:
                return None  # a range, a category (\w, \d), a negation, non-ASCII
            letters.add(chr(member).lower())
        return frozenset(letters) if len(letters) <= MAX_STRINGS else None
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
        return _EMPTY  # zero-width: consumes nothing
    if op is _sre.SUBPATTERN:
        return _exact_sequence(av[-1])
    if op is _ATOMIC_GROUP:
        return _exact_sequence(av)
    if op is _sre.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            strings = _exact_sequence(branch)
            if strings is None:
                return None
            union.update(strings)
        return frozenset(union) if len(union) <= MAX_STRINGS else None
    if op in _REPEATS:
        low, high, body = av
        inner = _exact_sequence(body)
        if inner is None or high > MAX_REPEAT:
            return None
        out: set[str] = set()
        power: Literals | None = _EMPTY
        for times in range(high + 1):
            if power is None:
                return None
            if times >= low:
                out.update(power)
            power = _concat(power, inner) if times < high else power
        return frozenset(out) if len(out) <= MAX_STRINGS else None
    return None  # ., \w, [^...], backreferences, conditionals, anything new


def _required_sequence(items: Sequence[_Item]) -> Literals | None:
    """The most selective requirement among the sequence's stretches and parts.

    Stretches of parts with exact strings are read from each part that does not
    follow a single-string part (a stretch starting one part earlier would need
    as much and more), and cut before each part with several strings, so both the
    short, few-string and the long, many-string readings are candidates.
    """
    exact = [_exact(item) for item in items]
    candidates = [
        _required(item) for item, strings in zip(items, exact, strict=True) if strings is None
    ]
    for start, first in enumerate(exact):
        if first is None or (
            start and exact[start - 1] is not None and len(exact[start - 1] or ()) == 1
        ):
            continue
        strings: Literals = _EMPTY
        for part in exact[start:]:
            if part is None:
                break
            if len(part) > 1:
                candidates.append(strings)
            grown = _concat(strings, part)
            if grown is None:
                break
            strings = grown
        candidates.append(strings)
    return _best(candidates)


def _required(item: _Item) -> Literals | None:
    """A requirement of one part whose exact strings are unknown or too many."""
    op, av = item
    if op is _sre.SUBPATTERN:
        return _required_sequence(av[-1])
    if op is _ATOMIC_GROUP:
        return _required_sequence(av)
    if op is _sre.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            strings = _required_sequence(branch)
            if strings is None or "" in strings:
                return None
            union.update(strings)
        return _minimal(union) if len(union) <= MAX_STRINGS else None
    if op in _REPEATS and av[0] >= 1:
        return _required_sequence(av[2])
    return None


_ATOMIC_GROUP = getattr(_sre, "ATOMIC_GROUP", object())
_REPEATS = tuple(
    getattr(_sre, name)
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if hasattr(_sre, name)
)
