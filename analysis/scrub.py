"""Scrub personal details out of quotes before anyone outside the child's team reads them.

Representative quotes go to the Corporate Parenting Group and into stored
reports, so a name, phone number, address or school must not survive. The
scrubber errs towards removing too much ("[name]" for a dog called Biscuit) and
keeps the words that make a quote worth reading ("I", "Mum", "Dad", "my carer").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from storage.datafiles import DataFileError, line_of, load_yaml, require_mapping

SCRUB_FILE = Path(__file__).parent / "data" / "scrub.yaml"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"']+"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:co\.uk|org\.uk|gov\.uk|com|org|net|uk|io|me|ly|info|app|tv)"
    r"\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")
_SOCIAL = re.compile(
    r"\b(?:snap|snapchat|sc|insta|instagram|ig|tiktok|discord|psn|gamertag)"
    r"(?:\s*(?:is|:|-|=)\s*|\s+)(?P<handle>[A-Za-z0-9_.]*[0-9_.][A-Za-z0-9_.]*)",
    re.IGNORECASE,
)
_INTL = r"(?:\+44\s?(?:\(0\)\s?)?|0044\s?|0)"
_PHONE = re.compile(
    r"(?<![\d+])(?:"
    rf"{_INTL}7\d{{3}}[\s-]?\d{{3}}[\s-]?\d{{3}}"  # mobiles: 07700 900123
    rf"|{_INTL}(?:\d{{2}}[\s-]?\d{{4}}[\s-]?\d{{4}}"  # 020 7946 0958
    r"|\d{3}[\s-]?\d{3}[\s-]?\d{4}"  # 0117 496 0123
    r"|\d{4}[\s-]?\d{3}[\s-]?\d{3}"  # 01452 123 456
    r"|\d{4}[\s-]?\d{5,6})"  # 01452 123456
    r"|\(0\d{2,4}\)\s?\d{3,4}[\s-]?\d{3,4}"  # (01452) 123456
    r")(?!\d)"
)
_POSTCODE = re.compile(
    r"\b[A-Z]{1,2}\d[A-Z\d]?\s*(?!\d(?:st|nd|rd|th)\b)\d[A-Z]{2}\b", re.IGNORECASE
)
_STREET_TYPES = (
    "road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|crescent|court|ct|place|pl"
    "|gardens|gdns|terrace|grove|hill|park|walk|row|square|sq|mews|rise|view|green|parade"
)
_STOP = (
    "on|my|the|in|at|down|up|to|a|an|of|our|your|his|her|their|this|that|near|by|from|for"
    "|and|is|was|times|years|days|weeks|months|hours"
)
_NUMBERED_ADDRESS = re.compile(
    rf"\b\d{{1,4}}[a-z]?,?\s+(?:(?!(?:{_STOP})\b)[a-z'-]+\s+){{1,3}}(?:{_STREET_TYPES})\b\.?",
    re.IGNORECASE,
)
_NAMED_STREET = re.compile(
    r"\b(?:[A-Z][a-z'-]+\s+){1,3}(?:Road|Street|Avenue|Lane|Drive|Crescent|Terrace|Gardens"
    r"|Grove|Mews)\b"
)
_SCHOOL_TYPES = re.compile(
    r"\b(?:[A-Z][\w'&-]*\s+){1,4}(?:Primary School|Primary Academy|Primary|Academy|High School"
    r"|Grammar School|Grammar|Secondary School|Infant School|Junior School|Community School"
    r"|School|College)\b"
)
_GENERIC_SCHOOL_WORDS = frozenset(
    {"the", "my", "a", "an", "our", "his", "her", "their", "this", "that", "at", "in",
     "to", "from", "secondary", "primary", "high", "special", "boarding", "virtual",
     "sunday", "new", "old", "local", "sixth", "form", "i", "went", "go", "and", "but",
     "hate", "love", "like", "after", "before"}
)  # fmt: skip
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_NAME_AFTER = re.compile(r"(?P<name>[A-Za-z][A-Za-z'-]*)(?P<surname>\s+[A-Z][a-z'-]+)?")
_SURNAME = re.compile(r"\[name\](\s+)([A-Z][a-z'-]+)")
_REPEATED = re.compile(r"(\[(?:name|address|phone|email|link|school)\])(?:[\s,]+\1)+")
_SENTENCE_END = re.compile(r"(?:^\s*|[.!?\n]\s*|[\"'(]\s*)$")


@dataclass(frozen=True)
class ScrubData:
    """Names, triggers and schools from ``scrub.yaml``."""

    school_names: tuple[str, ...]
    name_triggers: tuple[str, ...]
    first_names: frozenset[str]  # lower case
    word_names: frozenset[str]  # lower case
    not_names: frozenset[str]  # lower case


class Scrubber:
    """Built once from the data file; ``scrub`` replaces details with "[name]" and the like."""

    def __init__(self, data: ScrubData) -> None:
        self.data = data
        triggers = sorted(data.name_triggers, key=len, reverse=True)
        alternation = "|".join(r"\s+".join(map(re.escape, t.split())) for t in triggers)
        self._trigger = re.compile(rf"\b(?:{alternation})\s+", re.IGNORECASE)
        self._schools = _school_pattern(data.school_names)

    def scrub(self, text: str, school_names: Iterable[str] = ()) -> str:
        """The quote with personal details replaced; ordinary words left alone."""
        text = _EMAIL.sub("[email]", text)
        text = _URL.sub("[link]", text)
        text = _SOCIAL.sub(lambda m: m.group()[: m.start("handle") - m.start()] + "[name]", text)
        text = _HANDLE.sub("[name]", text)
        text = _PHONE.sub("[phone]", text)
        text = _POSTCODE.sub("[address]", text)
        text = _NUMBERED_ADDRESS.sub("[address]", text)
        text = _NAMED_STREET.sub(self._street, text)
        extra = _school_pattern(tuple(school_names))
        for pattern in (extra, self._schools):
            if pattern is not None:
                text = pattern.sub("[school]", text)
        text = _SCHOOL_TYPES.sub(self._school, text)
        text = self._after_triggers(text)
        text = _WORD.sub(self._bare_name(text), text)
        text = _SURNAME.sub(self._surname, text)
        return _REPEATED.sub(r"\1", text)

    def _street(self, match: re.Match[str]) -> str:
        words = match.group().split()
        if words[0].lower() in _GENERIC_SCHOOL_WORDS or words[0].lower() in self.data.not_names:
            return match.group()
        return "[address]"

    def _school(self, match: re.Match[str]) -> str:
        words = match.group().split()
        keep: list[str] = []
        while words and words[0].lower() in _GENERIC_SCHOOL_WORDS:
            keep.append(words.pop(0))
        named = [w for w in words[:-1] if w.lower() not in _GENERIC_SCHOOL_WORDS]
        if not named or words[0] in ("School", "College", "Academy", "Primary"):
            return match.group()
        return " ".join([*keep, "[school]"])

    def _after_triggers(self, text: str) -> str:
        """Replace the name after each trigger; triggers may overlap ("my teacher Mr Patel")."""
        spans: list[tuple[int, int]] = []
        for trigger in self._trigger.finditer(text):
            found = _NAME_AFTER.match(text, trigger.end())
            if found is None or not self._is_name(found.group("name"), after_trigger=True):
                continue
            end = found.end("name")
            surname = found.group("surname")
            if surname and surname.strip().lower() not in self.data.not_names:
                end = found.end("surname")  # "Sarah Jones": the surname goes too
            if not spans or found.start("name") >= spans[-1][1]:
                spans.append((found.start("name"), end))
        for start, end in reversed(spans):
            text = text[:start] + "[name]" + text[end:]
        return text

    def _surname(self, match: re.Match[str]) -> str:
        """ "[name] Jones" -> "[name]"; "[name] And" stays as it is."""
        if match.group(2).lower() in self.data.not_names:
            return match.group()
        return "[name]"

    def _is_name(self, word: str, *, after_trigger: bool) -> bool:
        lower = word.lower()
        if lower in self.data.not_names:
            return False
        if lower in self.data.first_names:
            return True
        # Any other capitalised word straight after a trigger: "my carer Sioned".
        return after_trigger and word[0].isupper() and not word.isupper() and len(word) > 1

    def _bare_name(self, text: str) -> Callable[[re.Match[str]], str]:
        """Replace listed first names met without a trigger, and a surname after them."""
        first, words, stop = self.data.first_names, self.data.word_names, self.data.not_names

        def replace(match: re.Match[str]) -> str:
            word = match.group()
            lower = word.lower()
            if lower not in first or lower in stop:
                return word
            if lower in words:
                titled = word[0].isupper() and not word.isupper()
                if not titled or _SENTENCE_END.search(text[: match.start()]):
                    return word
            return "[name]"

        return replace


@lru_cache(maxsize=1)
def default_scrubber() -> Scrubber:
    """The scrubber for the shipped data file, built once per process."""
    return Scrubber(load_scrub_data())


def scrub_quote(text: str, school_names: Iterable[str] = ()) -> str:
    """Replace names, phone numbers, emails, addresses, handles, links and schools.

    ``school_names`` adds to the schools listed in ``analysis/data/scrub.yaml``.
    """
    return default_scrubber().scrub(text, school_names)


@lru_cache(maxsize=64)
def _school_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    cleaned = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    alternation = "|".join(r"\s+".join(map(re.escape, n.split())) for n in cleaned)
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


def load_scrub_data(path: str | Path = SCRUB_FILE) -> ScrubData:
    """Read ``scrub.yaml``; errors name the line, the item and the fix."""
    data = require_mapping(path, load_yaml(path), "the file")
    allowed = ("school_names", "name_triggers", "first_names", "word_names", "not_names")
    for key in data:
        if key not in allowed:
            raise DataFileError(
                path,
                "unknown key",
                line=line_of(data),
                item=str(key),
                fix=f"use only: {', '.join(allowed)}",
            )
    lists = {key: _strings(path, data, key) for key in allowed}
    return ScrubData(
        school_names=tuple(lists["school_names"]),
        name_triggers=tuple(t.lower() for t in lists["name_triggers"]),
        first_names=frozenset(n.lower() for n in lists["first_names"]),
        word_names=frozenset(n.lower() for n in lists["word_names"]),
        not_names=frozenset(n.lower() for n in lists["not_names"]),
    )


def _strings(path: str | Path, data: Any, key: str) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise DataFileError(
            path,
            "must be a list",
            line=line_of(data),
            item=key,
            fix="write it as [a, b, c] or one '- item' per line",
        )
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise DataFileError(
                path,
                f"{item!r} is not text (YAML reads Yes, No, On, Off as true/false)",
                line=line_of(value),
                item=f"{key}: {item!r}",
                fix='put the item in quotes, e.g. "No", and remove empty items',
            )
    return [v.strip() for v in value]
