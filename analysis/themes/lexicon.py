"""The theme lexicon: YAML data a council can edit, checked thoroughly on load.

Every mistake (an unknown theme id, a regex that does not compile, the same
term twice) stops loading with the file, the line, the item and the fix,
because a silently broken lexicon would quietly skew the themes in reports.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from analysis.themes.text import SPELLINGS_FILE, Tokeniser, find_line, load_spellings, stem
from storage.datafiles import DataFileError, line_of, load_yaml, require_mapping

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")
CARERS_LEXICON_FILE = Path(__file__).with_name("carers_lexicon.yaml")

Audience = Literal["young_people", "carers"]
AUDIENCES: tuple[Audience, ...] = ("young_people", "carers")

#: Young people's themes (children in care and care leavers): the Ambassadors' 14
#: (shared brief, G25 §12.4), then the three issue 17 found people raise often.
YOUNG_PEOPLE_THEME_IDS: tuple[str, ...] = (
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
    "support_from_council",
    "identity_and_culture",
    "activities_and_hobbies",
)

#: Foster carers' themes: what carers raise about the support they get, then the
#: young people's themes carers raise about the child they look after.
CARER_THEME_IDS: tuple[str, ...] = (
    "support_from_council",
    "payments_and_allowances",
    "carer_training",
    "respite_and_breaks",
    "delegated_authority",
    "being_informed_and_included",
    "carer_wellbeing",
    "peer_support",
    "health",
    "education_and_work",
    "family_time",
    "moves_and_transitions",
    "stability",
    "home_and_belonging",
    "identity_and_culture",
    "activities_and_hobbies",
    "feeling_safe",
    "emotional_wellbeing",
)

#: Every theme id, in report order: young people's, then carers' own.
THEME_IDS: tuple[str, ...] = YOUNG_PEOPLE_THEME_IDS + tuple(
    t for t in CARER_THEME_IDS if t not in YOUNG_PEOPLE_THEME_IDS
)

#: Which themes each audience's comments are tagged with.
AUDIENCE_THEMES: dict[Audience, tuple[str, ...]] = {
    "young_people": YOUNG_PEOPLE_THEME_IDS,
    "carers": CARER_THEME_IDS,
}
AUDIENCE_FILES: dict[Audience, Path] = {
    "young_people": LEXICON_FILE,
    "carers": CARERS_LEXICON_FILE,
}

THEME_TITLES: dict[str, str] = {
    "friendship": "Friendship",
    "stability": "Consistency and stability",
    "trusted_adults": "Trusted adults",
    "boundaries_and_care": "Boundaries and care",
    "moves_and_transitions": "Moves and transitions",
    "education_and_work": "Education and work",
    "being_heard": "Being heard",
    "feeling_safe": "Feeling safe",
    "family_time": "Family time",
    "home_and_belonging": "Home and belonging",
    "emotional_wellbeing": "Emotional wellbeing",
    "money": "Money",
    "housing": "Housing",
    "health": "Health",
    "support_from_council": "Support from the council",
    "identity_and_culture": "Identity and culture",
    "activities_and_hobbies": "Activities and hobbies",
    "payments_and_allowances": "Payments and allowances",
    "carer_training": "Training for carers",
    "respite_and_breaks": "Respite and breaks",
    "delegated_authority": "Delegated authority: everyday decisions",
    "being_informed_and_included": "Being told and included",
    "carer_wellbeing": "Carers' own wellbeing",
    "peer_support": "Support from other carers",
}


def audience_for_cohort(cohort: str | None) -> Audience:
    """Foster carers' comments get carers' themes; everyone else's get young people's."""
    return "carers" if cohort == "carer" else "young_people"


Kind = Literal["word", "phrase", "pattern"]
_LIST_KEYS = ("words", "phrases", "patterns", "affirmed_only", "except_in", "except_patterns")
_TEXT_KEYS = ("reason",)


@dataclass(frozen=True, slots=True)
class Entry:
    """One piece of evidence for a theme, as written in the lexicon."""

    theme: str
    term: str
    kind: Kind
    stems: tuple[str, ...] = ()
    regex: re.Pattern[str] | None = None
    affirmed_only: bool = False
    line: int | None = None


@dataclass(frozen=True)
class Lexicon:
    """The validated lexicon: entries, per-theme exception phrases and patterns, spellings.

    ``except_patterns`` are regular expressions (read like ``patterns``) inside which a
    theme's evidence does not count: a word mentioned only in passing, as a place or a
    time ("my carer drove me to school" is not about school).
    """

    path: Path
    entries: tuple[Entry, ...]
    exceptions: Mapping[str, tuple[tuple[str, ...], ...]]
    spellings: Mapping[str, str] = field(default_factory=dict)
    audience: Audience = "young_people"
    except_patterns: Mapping[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)


def load_lexicon(
    path: str | Path | None = None,
    spellings_path: str | Path = SPELLINGS_FILE,
    audience: Audience = "young_people",
) -> Lexicon:
    """Read and validate a lexicon file; raises DataFileError naming line, item and fix.

    `audience` says whose comments it tags: each audience has its own theme set
    (AUDIENCE_THEMES) and its own file (lexicon.yaml, carers_lexicon.yaml), and the
    file must have a block for every theme of that set and no other.
    """
    if audience not in AUDIENCE_THEMES:
        raise ValueError(f"unknown audience {audience!r}: use one of {', '.join(AUDIENCES)}")
    path = Path(path) if path is not None else AUDIENCE_FILES[audience]
    theme_ids = AUDIENCE_THEMES[audience]
    whose = "young people's" if audience == "young_people" else "foster carers'"
    spellings = load_spellings(spellings_path)
    reader = _Reader(path, Tokeniser(spellings, known=lambda word: True))
    data = require_mapping(path, load_yaml(path), "the file")
    for key in data:
        if key not in ("themes", "version"):
            raise DataFileError(
                path,
                "unknown top-level key",
                line=line_of(data),
                item=str(key),
                fix="the file has 'themes:' (and optionally 'version:') at the top level",
            )
    if "themes" not in data:
        raise DataFileError(
            path,
            "there is no 'themes:' block",
            line=line_of(data),
            item="themes",
            fix="add 'themes:' with one block per theme id",
        )
    themes = require_mapping(path, data["themes"], "themes")
    for theme in themes:
        if theme not in theme_ids:
            close = difflib.get_close_matches(str(theme), theme_ids, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise DataFileError(
                path,
                f"this is not one of the {whose} theme ids",
                line=find_line(path, line_of(themes), f"{theme}:"),
                item=f"themes.{theme}",
                fix=f"{hint}use one of: {', '.join(theme_ids)}",
            )
    for theme in theme_ids:
        if theme not in themes:
            raise DataFileError(
                path,
                "this theme has no block, so it could never be tagged",
                line=line_of(themes),
                item=f"themes.{theme}",
                fix=f"add a '{theme}:' block with at least one word, phrase or pattern",
            )
    for theme in theme_ids:
        reader.read_theme(theme, themes[theme])
    return Lexicon(
        path=path,
        entries=tuple(reader.entries),
        exceptions={t: tuple(p) for t, p in reader.exceptions.items() if p},
        spellings=spellings,
        audience=audience,
        except_patterns={t: tuple(p) for t, p in reader.except_patterns.items() if p},
    )


class _Reader:
    """Collects entries while remembering where each term was first seen."""

    def __init__(self, path: Path, tokeniser: Tokeniser) -> None:
        self.path = path
        self.tokeniser = tokeniser
        self.entries: list[Entry] = []
        self.exceptions: dict[str, list[tuple[str, ...]]] = {}
        self.except_patterns: dict[str, list[re.Pattern[str]]] = {}
        self.seen: dict[tuple[str, ...], tuple[str, str, int | None]] = {}

    def read_theme(self, theme: str, block: Any) -> None:
        block = require_mapping(self.path, block, f"themes.{theme}")
        for key in block:
            if key in _TEXT_KEYS:
                if not isinstance(block[key], str) or not block[key].strip():
                    raise DataFileError(
                        self.path,
                        f"'{key}' must be a sentence of text",
                        line=find_line(self.path, line_of(block), f"{key}:"),
                        item=f"themes.{theme}.{key}",
                        fix="write why the theme is here in plain words, or remove the key",
                    )
                continue
            if key not in _LIST_KEYS:
                raise DataFileError(
                    self.path,
                    "unknown key in a theme block",
                    line=find_line(self.path, line_of(block), f"{key}:"),
                    item=f"themes.{theme}.{key}",
                    fix=f"use only: {', '.join(_LIST_KEYS + _TEXT_KEYS)}",
                )
        if not any(block.get(key) for key in ("words", "phrases", "patterns", "affirmed_only")):
            raise DataFileError(
                self.path,
                "this theme has no words, phrases or patterns",
                line=line_of(block),
                item=f"themes.{theme}",
                fix="add at least one entry under words:, phrases: or patterns:",
            )
        for key in _LIST_KEYS:
            items = block.get(key) or []
            if not isinstance(items, list):
                raise DataFileError(
                    self.path,
                    f"'{key}' must be a list",
                    line=find_line(self.path, line_of(block), f"{key}:"),
                    item=f"themes.{theme}.{key}",
                    fix="write it as a list: one '- term' per line, or [a, b, c]",
                )
            for term in items:
                self.read_term(theme, key, term, line_of(items))

    def read_term(self, theme: str, key: str, term: Any, start: int | None) -> None:
        item = f"themes.{theme}.{key}: {term!r}"
        line = find_line(self.path, start, str(term))
        if not isinstance(term, str) or not term.strip():
            raise DataFileError(
                self.path,
                "each entry must be non-empty text",
                line=line,
                item=item,
                fix="quote the entry, e.g. '- \"b&b\"', and remove empty items",
            )
        if key == "patterns":
            self.entries.append(self._pattern(theme, term, item, line))
            return
        if key == "except_patterns":
            # Not evidence, so the same pattern may be one theme's evidence and another's
            # exception; listed twice for one theme is still a mistake.
            regex = self._pattern(theme, term, item, line, register=False).regex
            assert regex is not None
            if any(r.pattern == regex.pattern for r in self.except_patterns.get(theme, ())):
                raise DataFileError(
                    self.path,
                    "this exception is listed twice for the theme",
                    line=line,
                    item=item,
                    fix="remove one of them",
                )
            self.except_patterns.setdefault(theme, []).append(regex)
            return
        stems = tuple(stem(t.text) for t in self.tokeniser.tokens(term) if not t.is_punct)
        if not stems:
            raise DataFileError(
                self.path,
                "this entry has no letters or digits to match",
                line=line,
                item=item,
                fix="use words; put symbols and emoji in patterns",
            )
        self._check_shape(key, stems, item, line)
        if key == "except_in":
            phrases = self.exceptions.setdefault(theme, [])
            if stems in phrases:
                raise DataFileError(
                    self.path,
                    "this exception is listed twice for the theme",
                    line=line,
                    item=item,
                    fix="remove one of them",
                )
            phrases.append(stems)
            return
        self._check_duplicate(theme, term, stems, item, line)
        kind: Kind = "word" if len(stems) == 1 else "phrase"
        self.entries.append(
            Entry(theme, term, kind, stems=stems, affirmed_only=key == "affirmed_only", line=line)
        )

    def _check_shape(self, key: str, stems: tuple[str, ...], item: str, line: int | None) -> None:
        if key == "words" and len(stems) > 1:
            raise DataFileError(
                self.path,
                f"this reads as {len(stems)} words ({' '.join(stems)}) after spellings",
                line=line,
                item=item,
                fix="move it under phrases:",
            )
        if key == "phrases" and len(stems) == 1:
            raise DataFileError(
                self.path,
                "this is a single word",
                line=line,
                item=item,
                fix="move it under words:",
            )

    def _check_duplicate(
        self, theme: str, term: str, stems: tuple[str, ...], item: str, line: int | None
    ) -> None:
        first = self.seen.get(stems)
        if first is not None:
            other_theme, other_term, other_line = first
            where = f"line {other_line}" if other_line else "earlier"
            same = (
                ""
                if other_term == term
                else f" ('{other_term}' once plurals and endings are ignored)"
            )
            raise DataFileError(
                self.path,
                f"duplicate of {other_theme} {where}{same}",
                line=line,
                item=item,
                fix="keep one; a term belongs to one theme (a comment may still get several)",
            )
        self.seen[stems] = (theme, term, line)

    def _pattern(
        self, theme: str, term: str, item: str, line: int | None, *, register: bool = True
    ) -> Entry:
        key = ("\0pattern", term)
        if register and key in self.seen:
            other_theme, _, other_line = self.seen[key]
            raise DataFileError(
                self.path,
                f"duplicate of the pattern in {other_theme} (line {other_line})",
                line=line,
                item=item,
                fix="keep one of them",
            )
        try:
            regex = re.compile(term, re.IGNORECASE)
        except re.error as exc:
            raise DataFileError(
                self.path,
                f"this is not a valid regular expression ({exc.msg} at position {exc.pos})",
                line=line,
                item=item,
                fix="escape ( ) [ ] { } + ? * . with a backslash, or list plain words under "
                "words: or phrases: instead",
            ) from exc
        if regex.search("") is not None:
            raise DataFileError(
                self.path,
                "this pattern matches empty text, so it would tag every comment",
                line=line,
                item=item,
                fix="make at least one part of it required (avoid patterns that are all ? or *)",
            )
        if register:
            self.seen[key] = (theme, term, line)
        return Entry(theme, term, "pattern", regex=regex, line=line)
