"""Load, check and compile the safeguarding lexicon (lexicon.yaml).

The lexicon is data a safeguarding lead can review and a council can extend, so a
mistake in it must say which file, line and item is wrong and how to fix it, and it
must fail when Heard starts rather than silently miss a disclosure later.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from storage.datafiles import DataFileError, line_of, load_yaml

Level = Literal["urgent", "concern"]

LEXICON_PATH = Path(__file__).with_name("lexicon.yaml")
CATEGORIES: tuple[str, ...] = (
    "self_harm_suicide",
    "abuse_physical",
    "abuse_sexual",
    "abuse_emotional_neglect",
    "exploitation",
    "online_harm",
    "substance_misuse",
    "missing",
    "domestic_abuse",
    "bullying",
    "unsafe_home",
    "homelessness",
    "allegation_about_carer",
)
LEVELS: tuple[Level, ...] = ("urgent", "concern")
CUES = ("negation", "past", "current", "now")
# frame: a story, film, game or lesson: what follows it in the sentence is not about the
# child. joke: the writer marks the message as a joke; worry: the writer says it worries
# them, which no joke marker outweighs (detector.combine). ongoing: in the sentence of a
# match in an `ongoing_urgent` category, the harm keeps happening, so it is urgent.
OPTIONAL_CUES = (
    "frame",
    "frame_after",
    "frame_end",
    "joke",
    "worry",
    "it_is_me",
    "ongoing",
    "habitual",
)
DEFAULT_GAP = 3

_GROUP = re.compile(r"<([a-z_]+)>")
_GAP = re.compile(r"\s*~(\d*)\s*")


@dataclass(frozen=True)
class Rule:
    """All the patterns for one category at one level, as one compiled expression.

    Each pattern is a named group, so a match says which pattern fired: `ids` maps the
    group name to the pattern's id, e.g. "self_harm_suicide.urgent[3]" (the third
    pattern in that list), which is what an alert records.
    """

    category: str
    level: Level
    regex: re.Pattern[str]
    ids: Mapping[str, str]
    # The patterns `regex` is the alternation of, as written out (groups expanded).
    sources: tuple[str, ...] = ()

    def rule_id(self, match: re.Match[str]) -> str:
        return self.ids.get(match.lastgroup or "", f"{self.category}.{self.level}")

    def branches(self) -> tuple[re.Pattern[str], ...]:
        """Each pattern alone, as `regex` with only that pattern in its alternation (the
        same group name, the same surroundings), in order; () when `sources` is empty.
        The detector's prefilter runs only those a sentence may match."""
        return tuple(
            re.compile(_named_alternatives([source], "p", first=n))
            for n, source in enumerate(self.sources, 1)
        )


@dataclass(frozen=True)
class Promotion:
    """Harm named with who did it or where: also file it under a more specific category."""

    category: str
    sources: frozenset[str]
    who: re.Pattern[str]
    window: int
    after: bool
    level: Level | None = None
    # Words naming someone else: `who` must have none of them between it and the harm.
    not_across: re.Pattern[str] | None = None
    who_before: re.Pattern[str] | None = None


@dataclass(frozen=True)
class DoerStop:
    """A match in this category is someone else's harm when every `doer` in it ("my
    foster carer") has another person (`not_across`: "my boyfriend") named after it."""

    doer: re.Pattern[str]
    nearest: re.Pattern[str]  # a doer with nobody else named between it and the end

    def someone_else(self, text: str, span: tuple[int, int]) -> bool:
        """The match's last word is the harm's own ("makes me call her mum"), never
        someone else named before it."""
        start, end = span
        last = text.rfind(" ", start, end)
        before = (start, last) if last > start else span
        return bool(self.doer.search(text, *span)) and not self.nearest.search(text, *before)


@dataclass(frozen=True)
class FuzzySettings:
    """Which misspellings are read as lexicon words; kept narrow to avoid false alarms."""

    words: tuple[str, ...]
    keep: frozenset[str]
    min_length: int
    long_from: int
    max_distance_short: int
    max_distance_long: int


@dataclass(frozen=True)
class Lexicon:
    """The compiled lexicon the detector runs."""

    version: str
    path: str
    priority: tuple[str, ...]
    outranks: Mapping[str, frozenset[str]]
    emoji: Mapping[str, str]
    tokens: Mapping[str, tuple[str, ...]]
    replacements: tuple[tuple[re.Pattern[str], str], ...]
    fuzzy: FuzzySettings
    vocabulary: frozenset[str]
    cues: Mapping[str, re.Pattern[str]]
    not_risky: re.Pattern[str] | None
    rules: tuple[Rule, ...]
    promotions: tuple[Promotion, ...] = ()
    model_urgent: frozenset[str] = frozenset()
    model_keep_concern: frozenset[str] = frozenset()
    doer_stops: Mapping[str, DoerStop] = field(default_factory=dict)
    ongoing_urgent: frozenset[str] = frozenset()


class _Checker:
    """Raises DataFileError with the line of the offending item in this file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            self.lines = []

    def fail(self, problem: str, *, item: str, fix: str, line: int | None = None) -> DataFileError:
        return DataFileError(self.path, problem, line=line, item=item, fix=fix)

    def line_of_text(self, start: int | None, needle: str) -> int | None:
        """The first line at or after `start` that contains `needle` (items in a list)."""
        first = (start or 1) - 1
        probe = needle.strip()[:40]
        for number in range(first, len(self.lines)):
            if probe and probe in self.lines[number]:
                return number + 1
        return start

    def line_of_key(self, block: Any, key: str) -> int | None:
        return self.line_of_text(line_of(block), f"{key}:")

    def mapping(self, value: Any, item: str, line: int | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(
                f"expected a block of 'key: value' lines, found {type(value).__name__}",
                item=item,
                line=line_of(value) or line,
                fix=f"write {item} as indented 'key: value' lines",
            )
        return value

    def string_list(self, value: Any, item: str, line: int | None = None) -> list[str]:
        if not isinstance(value, list) or not value:
            raise self.fail(
                "expected a list with at least one '- ...' line",
                item=item,
                line=line_of(value) or line,
                fix=f"write each entry of {item} on its own line starting with '- '",
            )
        for index, entry in enumerate(value):
            if not isinstance(entry, str) or not entry.strip():
                raise self.fail(
                    f"entry {index + 1} is {entry!r}, not text",
                    item=f"{item}[{index + 1}]",
                    line=self.line_of_text(line_of(value), str(entry)),
                    fix="write the entry as text in single quotes, e.g. - 'want to die'",
                )
        return list(value)


def _expand(
    checker: _Checker, pattern: str, groups: Mapping[str, str], item: str, line: int | None
) -> str:
    """Replace <group> and ~N gaps so the pattern becomes a plain regular expression."""

    def group(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in groups:
            known = ", ".join(sorted(groups))
            raise checker.fail(
                f"the word group <{name}> is not defined",
                item=item,
                line=line,
                fix=f"use one of {known}, or add '{name}:' under 'words:'",
            )
        return f"(?:{groups[name]})"

    expanded = _GROUP.sub(group, pattern)
    if re.search(r"\)[?*]\s*~", expanded):
        raise checker.fail(
            "a ~ gap straight after an optional part leaves two spaces to match",
            item=item,
            line=line,
            fix="put the gap after a plain word, e.g. 'waiting ~6 to jump me'",
        )
    if expanded.strip().startswith("~") or expanded.strip().endswith("~"):
        raise checker.fail(
            "a ~ gap must have words on both sides",
            item=item,
            line=line,
            fix="write the gap between two words, e.g. 'he ~ hits me'",
        )
    return _GAP.sub(lambda m: rf" (?:\S+ ){{0,{int(m.group(1) or DEFAULT_GAP)}}}", expanded)


def _alternatives(sources: Iterable[str]) -> str:
    """One expression for many patterns, each on whole words (one boundary check is faster)."""
    return "(?<!\\S)(?:" + "|".join(f"(?:{s})" for s in sources) + ")(?!\\S)"


def _named_alternatives(sources: Iterable[str], prefix: str, *, first: int = 1) -> str:
    """Like _alternatives, with each pattern a named group `{prefix}{n}` (n from `first`)."""
    parts = "|".join(f"(?P<{prefix}{n}>{s})" for n, s in enumerate(sources, first))
    return "(?<!\\S)(?:" + parts + ")(?!\\S)"


def _compile(checker: _Checker, source: str, item: str, line: int | None) -> re.Pattern[str]:
    try:
        return re.compile(rf"(?<!\S)(?:{source})(?!\S)")
    except re.error as exc:
        raise checker.fail(
            f"this pattern is not a valid regular expression ({exc.msg})",
            item=item,
            line=line,
            fix="check the brackets ( ) and | in this pattern; write a literal ( as \\(",
        ) from None


def _words(checker: _Checker, raw: dict[str, Any]) -> dict[str, str]:
    block = checker.mapping(raw.get("words", {}), "words", line_of(raw))
    groups: dict[str, str] = {}
    for name, value in block.items():
        line = checker.line_of_key(block, str(name))
        if not isinstance(name, str) or not re.fullmatch(r"[a-z_]+", name):
            raise checker.fail(
                f"the group name {name!r} is not lowercase letters and _",
                item=f"words.{name}",
                line=line,
                fix="rename it using only a-z and _",
            )
        if not isinstance(value, str) or not value.strip():
            raise checker.fail(
                "a word group must be text such as 'dad|mum|carer'",
                item=f"words.{name}",
                line=line,
                fix="write the alternatives separated by | in quotes",
            )
        groups[name] = value
    for _ in range(3):  # groups may name other groups
        known = dict(groups)

        def expand(match: re.Match[str], known: dict[str, str] = known) -> str:
            return f"(?:{known.get(match[1], match[0])})"

        for name, value in known.items():
            groups[name] = _GROUP.sub(expand, value)
    for name, value in groups.items():
        _compile(checker, value, f"words.{name}", checker.line_of_key(block, name))
    return groups


def _alternation(
    checker: _Checker, raw: dict[str, Any], key: str, groups: Mapping[str, str]
) -> re.Pattern[str]:
    value = raw.get(key)
    line = checker.line_of_key(raw, key)
    if not isinstance(value, str) or not value.strip():
        raise checker.fail(
            "expected text with the cue words separated by |",
            item=f"cues.{key}",
            line=line,
            fix=f"write e.g. {key}: 'used to|years ago'",
        )
    return _compile(
        checker, _expand(checker, value, groups, f"cues.{key}", line), f"cues.{key}", line
    )


def _patterns(
    checker: _Checker, value: Any, item: str, groups: Mapping[str, str], line: int | None
) -> list[str]:
    sources = []
    for index, pattern in enumerate(checker.string_list(value, item, line)):
        where = f"{item}[{index + 1}]"
        at = checker.line_of_text(line_of(value), pattern)
        source = _expand(checker, pattern, groups, where, at)
        _compile(checker, source, where, at)
        sources.append(source)
    return sources


def _check_category(
    checker: _Checker, name: object, item: str, line: int | None, fix: str = "use one of"
) -> None:
    """Refuse a name that is not one of the safeguarding categories, naming them all."""
    if name not in CATEGORIES:
        raise checker.fail(
            f"{name!r} is not a safeguarding category",
            item=item,
            line=line,
            fix=f"{fix} {', '.join(CATEGORIES)}",
        )


def _stop_pattern(
    checker: _Checker, value: Any, item: str, groups: Mapping[str, str], line: int | None
) -> str:
    """A pattern of words naming someone else, that a doer or a promotion's `who` must not
    have between it and the harm."""
    if not isinstance(value, str) or not value.strip():
        raise checker.fail(
            "expected a pattern of the words that name someone else",
            item=item,
            line=line,
            fix="write e.g. '<partner>|<family>'",
        )
    if "~" in value:
        raise checker.fail(
            "a list of words to stop at can not hold a ~ gap",
            item=item,
            line=line,
            fix="list words or word groups only, e.g. '<partner>|<family>'",
        )
    source = _expand(checker, value, groups, item, line)
    _compile(checker, source, item, line)
    return source


def _required_pattern(
    checker: _Checker, block: Mapping[str, Any], key: str, item: str, line: int | None
) -> str:
    """The pattern naming who did it (`who:` of a promotion, `doer:` of a doer stop)."""
    value = block.get(key)
    if not isinstance(value, str) or not value.strip():
        raise checker.fail(
            f"{key} must be a pattern",
            item=f"{item}.{key}",
            line=line,
            fix=f"write e.g. {key}: '<carer>'",
        )
    return value


def _nearest(who: str, stop: str) -> str:
    """`who` followed by none of the `stop` words before the end of the text searched:
    written into the pattern so "my carers son" is still tried whole."""
    return rf"(?:{who})(?=(?:\s+(?!(?:{stop})(?!\S))\S+)*\s*$)"


def _doer_stops(
    checker: _Checker, raw: dict[str, Any], groups: Mapping[str, str]
) -> dict[str, DoerStop]:
    """Category -> whose harm its matches must be (`doer_stops`)."""
    if raw.get("doer_stops") is None:
        return {}
    block = checker.mapping(raw["doer_stops"], "doer_stops", checker.line_of_key(raw, "doer_stops"))
    stops = {}
    for name, value in block.items():
        item = f"doer_stops.{name}"
        line = checker.line_of_key(block, str(name))
        _check_category(checker, name, item, line)
        entry = checker.mapping(value, item, line)
        doer = _required_pattern(checker, entry, "doer", item, line)
        who = _expand(checker, doer, groups, f"{item}.doer", line)
        at = checker.line_of_key(entry, "not_across") if "not_across" in entry else line
        stop = _stop_pattern(checker, entry.get("not_across"), f"{item}.not_across", groups, at)
        stops[str(name)] = DoerStop(
            doer=_compile(checker, who, f"{item}.doer", line),
            nearest=_compile(checker, _nearest(who, stop), f"{item}.doer", line),
        )
    return stops


def _rules(checker: _Checker, raw: dict[str, Any], groups: Mapping[str, str]) -> list[Rule]:
    block = checker.mapping(raw.get("categories"), "categories", line_of(raw))
    rules: list[Rule] = []
    for name, levels in block.items():
        line = checker.line_of_key(block, str(name))
        _check_category(checker, name, f"categories.{name}", line)
        levels = checker.mapping(levels, f"categories.{name}", line)
        for level, patterns in levels.items():
            at = checker.line_of_key(levels, str(level))
            if level not in LEVELS:
                raise checker.fail(
                    f"{level!r} is not a level",
                    item=f"categories.{name}.{level}",
                    line=at,
                    fix="use 'urgent' or 'concern'",
                )
            sources = _patterns(checker, patterns, f"categories.{name}.{level}", groups, at)
            regex = re.compile(_named_alternatives(sources, "p"))
            ids = {f"p{n}": f"{name}.{level}[{n}]" for n in range(1, len(sources) + 1)}
            rules.append(Rule(name, level, regex, ids, tuple(sources)))
    missing = [c for c in CATEGORIES if c not in block]
    if missing:
        raise checker.fail(
            f"no patterns for {', '.join(missing)}",
            item="categories",
            line=line_of(block),
            fix="add each missing category with at least a 'concern:' list",
        )
    return rules


def _priority(checker: _Checker, raw: dict[str, Any]) -> tuple[str, ...]:
    value = checker.string_list(raw.get("priority"), "priority", line_of(raw))
    if sorted(value) != sorted(CATEGORIES):
        raise checker.fail(
            "priority must list every category exactly once",
            item="priority",
            line=line_of(raw.get("priority")),
            fix=f"list these in order of importance: {', '.join(CATEGORIES)}",
        )
    return tuple(value)


def _outranks(checker: _Checker, raw: dict[str, Any]) -> dict[str, frozenset[str]]:
    block = checker.mapping(raw.get("outranks", {}), "outranks", line_of(raw))
    result: dict[str, frozenset[str]] = {}
    for name, others in block.items():
        line = checker.line_of_key(block, str(name))
        names = [name, *others] if isinstance(others, list) else [name, others]
        for each in names:
            _check_category(checker, each, f"outranks.{name}", line)
        result[name] = frozenset(names[1:])
    return result


def _promotions(
    checker: _Checker, raw: dict[str, Any], groups: Mapping[str, str]
) -> list[Promotion]:
    if raw.get("promote") is None:
        return []
    value = raw["promote"]
    if not isinstance(value, list):
        raise checker.fail(
            "expected a list of '- category: ...' blocks",
            item="promote",
            line=checker.line_of_key(raw, "promote"),
            fix="write each promotion as a '- category:' block with from, who and window",
        )
    result = []
    for index, entry in enumerate(value):
        item = f"promote[{index + 1}]"
        block = checker.mapping(entry, item, line_of(value))
        line = line_of(block)
        names = [block.get("category"), *(block.get("from") or [])]
        bad = [n for n in names if n not in CATEGORIES]
        if bad or not block.get("from"):
            raise checker.fail(
                f"{bad[0] if bad else 'from'!r} is not a list of safeguarding categories",
                item=item,
                line=line,
                fix=f"use categories from {', '.join(CATEGORIES)}",
            )
        window = block.get("window", 6)
        if not isinstance(window, int) or isinstance(window, bool) or not 1 <= window <= 20:
            raise checker.fail(
                f"window {window!r} is not a whole number from 1 to 20",
                item=f"{item}.window",
                line=line,
                fix="write e.g. window: 6",
            )
        who = _required_pattern(checker, block, "who", item, line)
        source = _expand(checker, who, groups, f"{item}.who", line)
        not_across = who_before = None
        if block.get("not_across") is not None:
            stop = _stop_pattern(checker, block["not_across"], f"{item}.not_across", groups, line)
            not_across = _compile(checker, stop, f"{item}.not_across", line)
            # Searched up to the harm, `who` counts only with none of these words after it.
            who_before = _compile(checker, _nearest(source, stop), f"{item}.who", line)
        level = block.get("level")
        if level is not None and level not in LEVELS:
            raise checker.fail(
                f"{level!r} is not a level",
                item=f"{item}.level",
                line=line,
                fix="use 'urgent', or leave level out to keep the level of the match",
            )
        result.append(
            Promotion(
                category=block["category"],
                sources=frozenset(block["from"]),
                who=_compile(checker, source, f"{item}.who", line),
                window=window,
                after=bool(block.get("after", False)),
                level=level,
                not_across=not_across,
                who_before=who_before,
            )
        )
    return result


def _string_map(checker: _Checker, raw: dict[str, Any], key: str) -> dict[str, str]:
    block = checker.mapping(raw.get(key, {}), key, line_of(raw))
    for name, value in block.items():
        if not isinstance(value, str) or not isinstance(name, str):
            raise checker.fail(
                f"{name!r} must map to text",
                item=f"{key}.{name}",
                line=checker.line_of_key(block, str(name)),
                fix=f"write it as '{name}: word'",
            )
    return {str(k).casefold(): v.casefold() for k, v in block.items()}


def _fuzzy(checker: _Checker, raw: dict[str, Any]) -> FuzzySettings:
    block = checker.mapping(raw.get("fuzzy"), "fuzzy", line_of(raw))
    numbers = {}
    for key, default in (
        ("min_length", 5),
        ("long_from", 9),
        ("max_distance_short", 1),
        ("max_distance_long", 2),
    ):
        value = block.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 20:
            raise checker.fail(
                f"{value!r} is not a small whole number",
                item=f"fuzzy.{key}",
                line=checker.line_of_key(block, key),
                fix=f"write a whole number such as {default}",
            )
        numbers[key] = value
    lists: dict[str, list[str]] = {"keep": []}
    for key in ("words", "keep"):
        if key == "keep" and "keep" not in block:
            continue
        words = checker.string_list(block.get(key), f"fuzzy.{key}", line_of(block))
        for index, word in enumerate(words):
            if not re.fullmatch(r"[a-z]+", word):
                raise checker.fail(
                    f"{word!r} is not a single lowercase word",
                    item=f"fuzzy.{key}[{index + 1}]",
                    line=checker.line_of_text(line_of(block.get(key)), word),
                    fix="write one word in lowercase letters only",
                )
        lists[key] = words
    return FuzzySettings(words=tuple(lists["words"]), keep=frozenset(lists["keep"]), **numbers)


def _vocabulary(sources: Iterable[str]) -> frozenset[str]:
    """Every literal word the patterns mention: such words are never 'corrected'."""
    words: set[str] = set()
    for source in sources:
        words.update(re.findall(r"[a-z]{2,}", re.sub(r"\\[a-zA-Z]", " ", source)))
    return frozenset(words)


def compile_lexicon(path: str | Path) -> Lexicon:
    """Read and check a lexicon file; raises DataFileError naming file, line, item and fix."""
    path = Path(path)
    checker = _Checker(path)
    raw = load_yaml(path)
    raw = checker.mapping(raw, "the lexicon", 1)
    version = raw.get("version")
    if (
        not isinstance(version, str | int | float)
        or isinstance(version, bool)
        or not str(version).strip()
    ):
        raise checker.fail(
            "the lexicon has no version",
            item="version",
            line=checker.line_of_key(raw, "version") if "version" in raw else 1,
            fix='add a line such as version: "2026.11-1" and change it on every edit',
        )
    groups = _words(checker, raw)
    rules = _rules(checker, raw, groups)
    cue_block = checker.mapping(raw.get("cues"), "cues", line_of(raw))
    cues = {key: _alternation(checker, cue_block, key, groups) for key in CUES}
    for key in OPTIONAL_CUES:
        if key in cue_block:
            cues[key] = _alternation(checker, cue_block, key, groups)
    if raw.get("ongoing_urgent") is not None and "ongoing" not in cues:
        raise checker.fail(
            "ongoing_urgent names categories but there is no cue saying harm keeps happening",
            item="ongoing_urgent",
            line=checker.line_of_key(raw, "ongoing_urgent"),
            fix='add cues.ongoing (e.g. "again|every day|all the time") or remove ongoing_urgent',
        )
    not_risky = None
    if raw.get("not_risky") is not None:
        line = checker.line_of_key(raw, "not_risky")
        sources = _patterns(checker, raw["not_risky"], "not_risky", groups, line)
        not_risky = re.compile(_alternatives(sources))
    replacements_raw = _string_map(checker, raw, "replacements")
    replacements = tuple(
        (_compile(checker, k, f"replacements.{k}", checker.line_of_text(1, k)), v)
        for k, v in replacements_raw.items()
    )
    tokens = {k: tuple(v.split()) for k, v in _string_map(checker, raw, "tokens").items()}
    fuzzy = _fuzzy(checker, raw)
    vocabulary = _vocabulary(
        [r.regex.pattern for r in rules]
        + [c.pattern for c in cues.values()]
        + list(fuzzy.words)
        + [" ".join(v) for v in tokens.values()]
        + list(replacements_raw.values())
    )
    return Lexicon(
        version=str(version),
        path=str(path),
        priority=_priority(checker, raw),
        outranks=_outranks(checker, raw),
        emoji=_string_map(checker, raw, "emoji"),
        tokens=tokens,
        replacements=replacements,
        fuzzy=fuzzy,
        vocabulary=vocabulary,
        cues=cues,
        not_risky=not_risky,
        rules=tuple(rules),
        promotions=tuple(_promotions(checker, raw, groups)),
        doer_stops=_doer_stops(checker, raw, groups),
        model_urgent=_model_urgent(checker, raw),
        ongoing_urgent=_category_set(checker, raw, "ongoing_urgent"),
        model_keep_concern=_model_keep_concern(checker, raw, rules),
    )


def _model_urgent(checker: _Checker, raw: dict[str, Any]) -> frozenset[str]:
    """Categories in which a disclosure the model found alone is urgent (model_grading)."""
    if raw.get("model_grading") is None:
        return frozenset()
    block = checker.mapping(raw["model_grading"], "model_grading", line_of(raw))
    names = checker.string_list(block.get("urgent"), "model_grading.urgent", line_of(block))
    for name in names:
        at = checker.line_of_key(raw, "model_grading")
        _check_category(checker, name, "model_grading.urgent", at, fix="use categories from")
    return frozenset(names)


def _category_set(checker: _Checker, raw: dict[str, Any], key: str) -> frozenset[str]:
    """A top-level list of category names (empty when the key is absent)."""
    if raw.get(key) is None:
        return frozenset()
    at = checker.line_of_key(raw, key)
    names = checker.string_list(raw[key], key, at)
    for name in names:
        _check_category(checker, name, key, at, fix="use categories from")
    return frozenset(names)


def _model_keep_concern(
    checker: _Checker, raw: dict[str, Any], rules: list[Rule]
) -> frozenset[str]:
    """Concern patterns whose level is a grading rule, which the model may not raise."""
    block = raw.get("model_grading")
    if not isinstance(block, dict) or block.get("keep_concern") is None:
        return frozenset()
    ids = checker.string_list(block["keep_concern"], "model_grading.keep_concern", line_of(block))
    known = {rule_id for rule in rules if rule.level == "concern" for rule_id in rule.ids.values()}
    for rule_id in ids:
        if rule_id not in known:
            raise checker.fail(
                f"{rule_id!r} is not the id of a concern pattern",
                item="model_grading.keep_concern",
                line=checker.line_of_text(line_of(block), rule_id),
                fix="write an id such as abuse_physical.concern[1] (the first concern pattern)",
            )
    return frozenset(ids)


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Real English words (TextBlob's spelling list), which fuzzy matching must not change.

    Found without importing TextBlob, so start-up stays fast; empty if it is missing,
    in which case only the lexicon's own `fuzzy.keep` list protects common words.
    """
    spec = importlib.util.find_spec("textblob")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "en" / "en-spelling.txt"
        if path.is_file():
            lines = path.read_text(encoding="utf-8", errors="ignore").splitlines()
            return frozenset(
                line.split()[0].lower()
                for line in lines
                if line.strip() and not line.startswith(";")
            )
    return frozenset()


@lru_cache(maxsize=8)
def load_lexicon(path: str | Path = LEXICON_PATH) -> Lexicon:
    """The compiled lexicon, cached: compiling once keeps detection fast."""
    return compile_lexicon(path)
