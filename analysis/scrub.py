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
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['-])*")  # any letters: "się" is one word, not "si"
_NAME_AFTER = re.compile(r"(?P<name>[A-Za-z][A-Za-z'-]*)(?P<surname>\s+[A-Z][a-z'-]+)?")
_SURNAME = re.compile(r"\[name\](\s+)([A-Z][a-z'-]+)")
_REPEATED = re.compile(r"(\[(?:name|address|phone|email|link|school)\])(?:[\s,]+\1)+")
_SENTENCE_END = re.compile(r"(?:^\s*|[.!?\n]\s*|[\"'(]\s*)$")
_POSSESSIVE = re.compile(r"(?P<base>.+?)(?P<tail>['’][sS])?$")
_CURLY_POSSESSIVE = re.compile(r"’[sS]\b")
_LISTED_NAME = re.compile(r"[A-Za-z][A-Za-z'-]*")
# After these triggers a name that is also a word needs its capital: "I live with hope",
# "thank you joy" stay; "me and holly", "my friend grace", "called summer" do not.
_WEAK_TRIGGERS = frozenset({"with", "love you", "thanks to", "thank you"})


@dataclass(frozen=True)
class ScrubData:
    """Names, triggers and schools from ``scrub.yaml``."""

    school_names: tuple[str, ...]
    name_triggers: tuple[str, ...]
    first_names: frozenset[str]  # lower case
    word_names: frozenset[str]  # lower case
    not_names: frozenset[str]  # lower case
    capitalised_words: frozenset[str] = frozenset()  # lower case: "may", "june"
    person_words: tuple[str, ...] = ()  # lower case: "friend", "social worker", "mum"
    name_verbs: tuple[str, ...] = ()  # lower case: "said", "told me"


class Scrubber:
    """Built once from the data file; ``scrub`` replaces details with "[name]" and the like."""

    def __init__(self, data: ScrubData) -> None:
        self.data = data
        triggers = sorted(data.name_triggers, key=len, reverse=True)
        alternation = "|".join(r"\s+".join(map(re.escape, t.split())) for t in triggers)
        self._trigger = re.compile(rf"\b(?:{alternation})\s+", re.IGNORECASE)
        self._schools = _school_pattern(data.school_names)
        person = _phrases(data.person_words)
        role = rf"(?:my|our)\s+(?:best\s+|foster\s+)?(?:{person})\b"
        # after "Will's": "mum", "my best friend"; after "Rose": "is my sister"; "said"
        self._owner = re.compile(rf"\s+(?:{role}|(?:{person})\b)", re.I) if person else None
        self._is_role = re.compile(rf"\s+(?:is|was)\s+{role}", re.I) if person else None
        # "grace said", "will told me" anywhere; "will and i" only at the start of a
        # sentence ("went grey and I had to", "a favour and i can't" are words)
        said = _phrases(v for v in data.name_verbs if not v.startswith("and "))
        joined = _phrases(v for v in data.name_verbs if v.startswith("and "))
        self._said = re.compile(rf"\s+(?:{said})\b(?!['’])", re.I) if said else None
        self._and_i = re.compile(rf"\s+(?:{joined})\b(?!['’])", re.I) if joined else None

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
            if found is None:
                continue
            parts = _POSSESSIVE.match(found.group("name"))
            name = parts.group("base") if parts else found.group("name")
            weak = " ".join(trigger.group().lower().split()) in _WEAK_TRIGGERS
            if not self._is_name(name, after_trigger=True, weak=weak):
                continue
            end = found.start("name") + len(name)  # "my friend Jasmine's dog": 's stays
            surname = found.group("surname")
            if (
                surname
                and end == found.end("name")
                and surname.strip().lower() not in self.data.not_names
            ):
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

    def _kind(self, lower: str) -> str | None:
        """ "name" for a listed first name, "word" for one that is also a word, else None.

        A hyphenated word whose parts are all names is a name ("Mary-Jane", "ellie-mae"),
        or a word name if every part is one ("Rose-May")."""
        data = self.data
        if lower in data.not_names:
            return None
        if lower in data.first_names:
            return "word" if lower in data.word_names else "name"
        parts = lower.split("-")
        if len(parts) < 2 or not all(p in data.first_names for p in parts):
            return None  # "pro-ana", "x-ray"
        if any(p in data.not_names for p in parts):
            return None
        return "name" if any(p not in data.word_names for p in parts) else "word"

    def _is_name(self, word: str, *, after_trigger: bool, weak: bool = False) -> bool:
        lower = word.lower()
        if lower in self.data.not_names:
            return False
        kind = self._kind(lower)
        if kind == "name":
            return True
        if kind == "word":
            # "with hope", "thank you joy": a word; "me and holly", "with Hope": a name
            return not weak or (word[0].isupper() and not word.isupper())
        # Any other capitalised word straight after a trigger: "my carer Sioned".
        return after_trigger and word[0].isupper() and not word.isupper() and len(word) > 1

    def _name_like(self, possessive: bool, after: str, at_start: bool = False) -> bool:
        """Whether what follows a word makes it a person: "Jasmine's my best friend",
        "Will's mum", "Rose is my sister", "grace said"; not "Summer's my favourite"."""
        if possessive:
            return self._owner is not None and self._owner.match(after) is not None
        if self._and_i is not None and at_start and self._and_i.match(after):
            return True
        return any(p is not None and p.match(after) for p in (self._is_role, self._said))

    def _bare_name(self, text: str) -> Callable[[re.Match[str]], str]:
        """Replace listed first names met without a trigger, and a surname after them.

        A name that is also an ordinary word ("Grace", "Will", "Summer") goes only where
        it stands as a name: mid-sentence with a capital, or anywhere, in any case, when
        what follows makes it a person ("Jasmine's my best friend", "will said").
        A possessive keeps its 's: "[name]'s".
        """

        def replace(match: re.Match[str]) -> str:
            parts = _POSSESSIVE.match(match.group())
            assert parts is not None
            word, tail = parts.group("base"), parts.group("tail") or ""
            after = text[match.end() :]
            if not tail and (curly := _CURLY_POSSESSIVE.match(after)):
                after = after[curly.end() :]
                possessive = True
            else:
                possessive = bool(tail)
            kind = self._kind(word.lower())
            if kind is None:
                return match.group()
            at_start = _SENTENCE_END.search(text[: match.start()]) is not None
            if kind == "word" and not self._name_like(possessive, after, at_start):
                titled = word[0].isupper() and not word.isupper()
                if not titled or at_start or word.lower() in self.data.capitalised_words:
                    return match.group()
            return "[name]" + tail

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


def _phrases(phrases: Iterable[str]) -> str | None:
    """One alternation of phrases, longest first, any spacing between their words."""
    cleaned = sorted({p.strip().lower() for p in phrases if p.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in cleaned)


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
    allowed = (
        "school_names",
        "name_triggers",
        "first_names_file",
        "first_names",
        "word_names",
        "not_names",
        "capitalised_words",
        "person_words",
        "name_verbs",
    )
    for key in data:
        if key not in allowed:
            raise DataFileError(
                path,
                "unknown key",
                line=line_of(data),
                item=str(key),
                fix=f"use only: {', '.join(allowed)}",
            )
    lists = {key: _strings(path, data, key) for key in allowed if key != "first_names_file"}
    listed = _first_names_file(path, data)
    words = {w.lower() for w in lists["word_names"]}
    for word in lists["capitalised_words"]:
        if word.lower() not in words:
            raise DataFileError(
                path,
                f"{word!r} is under capitalised_words but not under word_names",
                line=line_of(data.get("capitalised_words")),
                item=f"capitalised_words: {word!r}",
                fix="add it to word_names too, or remove it from capitalised_words",
            )
    return ScrubData(
        school_names=tuple(lists["school_names"]),
        name_triggers=tuple(t.lower() for t in lists["name_triggers"]),
        first_names=frozenset(n.lower() for n in lists["first_names"]) | listed,
        word_names=frozenset(n.lower() for n in lists["word_names"]),
        not_names=frozenset(n.lower() for n in lists["not_names"]),
        capitalised_words=frozenset(w.lower() for w in lists["capitalised_words"]),
        person_words=tuple(w.lower() for w in lists["person_words"]),
        name_verbs=tuple(v.lower() for v in lists["name_verbs"]),
    )


def _first_names_file(path: str | Path, data: Any) -> frozenset[str]:
    """The names in ``first_names_file`` (one a line, ``#`` comments)."""
    name = data.get("first_names_file")
    if name is None:
        return frozenset()
    if not isinstance(name, str) or not name.strip():
        raise DataFileError(
            path,
            f"{name!r} is not a file name",
            line=line_of(data),
            item="first_names_file",
            fix="give the list's file name, e.g. first_names.txt, or remove the key",
        )
    # beside the YAML, else the shipped list (a council's own scrub.yaml elsewhere)
    beside = Path(path).parent / name.strip()
    shipped = SCRUB_FILE.parent / name.strip()
    names_path = shipped if not beside.exists() and shipped.exists() else beside
    try:
        lines = names_path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise DataFileError(
            path,
            f"cannot read {names_path}: {error.strerror or error}",
            line=line_of(data),
            item=f"first_names_file: {name}",
            fix="put the file beside scrub.yaml (python -m analysis.build_first_names builds it)",
        ) from None
    names: set[str] = set()
    for number, line in enumerate(lines, start=1):
        word = line.strip()
        if not word or word.startswith("#"):
            continue
        if not _LISTED_NAME.fullmatch(word):
            raise DataFileError(
                names_path,
                f"{word!r} is not one first name",
                line=number,
                item=word,
                fix="one name a line, letters, hyphens and apostrophes only; comments start with #",
            )
        names.add(word.lower())
    return frozenset(names)


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
