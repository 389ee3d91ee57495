"""The local offer's own words around its entries, in each language Heard speaks.

An answer from the local offer is an entry's words (localoffer/data/<id>.yaml and its
translations <id>.<code>.yaml) put together with the offer's own: "How to get it:",
"Other things that might help:", "I'm not sure...", what has ended or is not yet for
someone, and the names of the topics ("Somewhere to live"). Those are in words.yaml, and
in another language in words.<code>.yaml beside it (words.ar.yaml, words.ps.yaml), which
a council edits like bot/texts.ar.yaml:

    language: ar       # must match the file name
    status: draft      # draft: to be checked by a qualified translator;
                       # reviewed: with reviewed_by and reviewed_on
    not_sure: "..."    # any of words.yaml's names; one left out is shown in English
    areas:
      money: "..."

A translation keeps every {placeholder} and every number (ages) of the English line, and
adds none. Searching and the log stay English: only what a person reads changes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NoReturn

from storage.datafiles import DataFileError, key_line, line_of, load_yaml, require_mapping

WORDS_FILE = Path(__file__).with_name("words.yaml")
DEFAULT = "en"
STATUSES = ("draft", "reviewed")
STATUS_MEANING = {
    "draft": "to be checked by a qualified translator",
    "reviewed": "checked by a qualified translator",
}
# The topics, in display order (bot menus, web pages, `heard offer list`); their names
# are words.yaml's 'areas:'.
AREAS: tuple[str, ...] = (
    "accommodation",
    "money",
    "education_and_work",
    "health_and_wellbeing",
    "relationships",
    "participation_in_society",
    "rights_and_support",
)
# Each line and what it says; a line's {placeholders} are filled in by the reply.
WORDS: dict[str, str] = {
    "how_to_get_it": "how to get an entry, before its words: {how_to_get_it}",
    "contact": "who to contact, before the entry's words: {contact}",
    "others": "before the list of other entries that might help",
    "ask_about_others": "after that list",
    "not_sure": "when Heard is not sure what was asked",
    "look_through": "the topics to look through when not sure: {areas}",
    "ask_pa": "who to ask instead: {contact} is the leaving care service's contact",
    "leaving_care_service": "{contact} when the offer has no leaving care entry",
    "ended_tag": "after another entry's title, when it has ended: {max_age}",
    "not_yet_tag": "after another entry's title, when it is not yet for them: {min_age}",
    "ended": "an entry that has ended for them: {ages}, {age}, {instead}",
    "instead": "{instead} when something else is open to them: {title}",
    "instead_ask_pa": "{instead} when nothing else is",
    "not_yet": "an entry not yet for them: {min_age}, {age}",
    "for_ages": "who an entry is for, when their age is known: {ages}",
    "any_age": "{ages} with no age limit",
    "from_age": "{ages} from an age on: {min_age}",
    "up_to_age": "{ages} up to an age: {max_age}",
    "ages_from_to": "{ages} between two ages: {min_age}, {max_age}",
    "list_comma": "between the names in a list (a comma)",
    "list_and": "the last two names in a list: {earlier}, {last}",
}
_HEADER = ("language", "status", "reviewed_by", "reviewed_on")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Said:
    """Some words and the language they are in ("en" where no translation has them yet),
    so a web page can mark English inside Arabic as English."""

    text: str
    lang: str


Words = list[Said]


def plain(said: Words) -> str:
    return "".join(part.text for part in said)


@dataclass(frozen=True)
class OfferWords:
    """The offer's words in one language, English wherever its file has no line."""

    language: str
    texts: Mapping[str, str]
    areas: Mapping[str, str]
    translated: frozenset[str]  # the names (and "areas.<id>") in `language`
    path: str = str(WORDS_FILE)
    status: str = ""
    reviewed_by: str | None = None
    reviewed_on: str | None = None

    def lang_of(self, name: str) -> str:
        return self.language if name in self.translated else DEFAULT

    def say(self, name: str, **values: str | Said | Words) -> Words:
        """A line with its {placeholders} filled: text (in the line's language), or words
        that say their own language (an entry's title, which may still be English)."""
        lang = self.lang_of(name)
        said: Words = []
        at = 0
        template = self.texts[name]
        for found in _PLACEHOLDER.finditer(template):
            said.append(Said(template[at : found.start()], lang))
            value = values[found.group(1)]
            if isinstance(value, Said):
                said.append(value)
            elif isinstance(value, list):
                said.extend(value)
            else:
                said.append(Said(str(value), lang))
            at = found.end()
        said.append(Said(template[at:], lang))
        return _merged(said)

    def text(self, name: str, **values: str | Said | Words) -> str:
        return plain(self.say(name, **values))

    def area(self, area: str) -> Said:
        return Said(self.areas[area], self.lang_of(f"areas.{area}"))

    def join(self, items: list[Said]) -> Words:
        """ "Money, Health and wellbeing and Having your say" in this language."""
        if len(items) == 1:
            return [items[0]]
        comma = Said(self.texts["list_comma"].rstrip() + " ", self.lang_of("list_comma"))
        earlier: Words = [items[0]]
        for item in items[1:-1]:
            earlier += [comma, item]
        return self.say("list_and", earlier=earlier, last=items[-1])

    def ages(self, min_age: int, max_age: int | None) -> Words:
        """Who an entry is for, by age ("ages 16 to 21"), as Eligibility.ages_text."""
        if max_age is None:
            if min_age:
                return self.say("from_age", min_age=str(min_age))
            return self.say("any_age")
        if min_age == 0:
            return self.say("up_to_age", max_age=str(max_age))
        return self.say("ages_from_to", min_age=str(min_age), max_age=str(max_age))

    @property
    def in_english(self) -> list[str]:
        """What a person reading this language still sees in English."""
        if self.language == DEFAULT:
            return []
        names = [*WORDS, *(f"areas.{area}" for area in AREAS)]
        return [name for name in names if name not in self.translated]

    @property
    def status_text(self) -> str:
        if self.status == "reviewed":
            return f"reviewed by {self.reviewed_by} on {self.reviewed_on}"
        return f"{self.status} ({STATUS_MEANING.get(self.status, '')})"


def _merged(said: Words) -> Words:
    """Neighbouring words in the same language as one; nothing empty."""
    out: Words = []
    for part in said:
        if not part.text:
            continue
        if out and out[-1].lang == part.lang:
            out[-1] = Said(out[-1].text + part.text, part.lang)
        else:
            out.append(part)
    return out


def words_path(language: str, path: Path = WORDS_FILE) -> Path:
    """words.yaml for English, words.<code>.yaml beside it for another language."""
    return path if language == DEFAULT else path.with_name(f"{path.stem}.{language}.yaml")


def _fail(
    path: Path, data: Any, problem: str, item: str, fix: str, key: str | None = None
) -> NoReturn:
    line = (key_line(path, line_of(data), key) if key else None) or line_of(data)
    raise DataFileError(path, problem, line=line, item=item, fix=fix)


def _text(path: Path, data: Any, key: str, item: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        _fail(
            path,
            data,
            "must be some text",
            item,
            "write the words in quotes, or leave the line out to show the English",
            key,
        )
    return " ".join(value.split())


def _english(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    data = require_mapping(path, load_yaml(path), "words")
    texts: dict[str, str] = {}
    for name in WORDS:
        if name not in data:
            _fail(path, data, "missing", name, f"add a '{name}:' line ({WORDS[name]})")
        texts[name] = _text(path, data, name, name)
    for key in data:
        if key not in WORDS and key != "areas":
            _fail(
                path,
                data,
                "is not one of the offer's words",
                str(key),
                f"use only: {', '.join(WORDS)}, areas",
                str(key),
            )
    areas = require_mapping(path, data.get("areas"), "areas")
    labels: dict[str, str] = {}
    for area in AREAS:
        if area not in areas:
            _fail(path, areas, "missing", f"areas.{area}", f"add '{area}:' under 'areas:'")
        labels[area] = _text(path, areas, area, f"areas.{area}")
    for area in areas:
        if area not in AREAS:
            _fail(
                path,
                areas,
                "is not a topic of the local offer",
                f"areas.{area}",
                f"use only: {', '.join(AREAS)}",
                str(area),
            )
    return texts, labels


def _same_placeholders_and_numbers(
    path: Path, data: Any, key: str, item: str, english: str, translated: str
) -> None:
    want, got = set(_PLACEHOLDER.findall(english)), set(_PLACEHOLDER.findall(translated))
    if want != got:
        _fail(
            path,
            data,
            f"has placeholders {sorted(got)} but the English line has {sorted(want)}",
            item,
            "keep every {name} in braces exactly as in words.yaml, translating only the "
            "words around it",
            key,
        )
    if any(ch.isdigit() and not ch.isascii() for ch in translated):
        _fail(
            path,
            data,
            "a number is not written in the digits 0-9",
            item,
            "write numbers as 0123456789, as in words.yaml",
            key,
        )
    numbers = sorted(_NUMBER.findall(_PLACEHOLDER.sub("", english)))
    if sorted(_NUMBER.findall(_PLACEHOLDER.sub("", translated))) != numbers:
        _fail(
            path,
            data,
            f"the numbers are not the English line's ({', '.join(numbers) or 'none'})",
            item,
            "keep every number (ages) exactly as in words.yaml, and add none",
            key,
        )


@lru_cache(maxsize=16)
def load_offer_words(language: str = DEFAULT, path: Path = WORDS_FILE) -> OfferWords:
    """The offer's words in `language` (words.<code>.yaml over words.yaml); a line not
    translated yet, or a language with no file, is in English. A mistake in either file
    raises DataFileError naming the file, the line, the item and the fix."""
    texts, areas = _english(path)
    own = words_path(language, path)
    if language == DEFAULT or not own.exists():
        return OfferWords(language, texts, areas, frozenset(), str(path))
    data = require_mapping(own, load_yaml(own), "words")
    for key in data:
        if key not in WORDS and key not in _HEADER and key != "areas":
            _fail(
                own,
                data,
                "is not one of the offer's words",
                str(key),
                f"check the name against {path.name}, or remove the line",
                str(key),
            )
    if data.get("language") != language:
        _fail(
            own,
            data,
            f"this file is for '{language}' but says language: {data.get('language')}",
            "language",
            f"write 'language: {language}' at the top",
            "language" if "language" in data else None,
        )
    status = data.get("status")
    if status not in STATUSES:
        _fail(
            own,
            data,
            f"status {status!r} is not draft or reviewed",
            "status",
            "write 'status: draft' until a qualified translator has checked it",
            "status" if "status" in data else None,
        )
    reviewed_by, reviewed_on = data.get("reviewed_by"), data.get("reviewed_on")
    if status == "reviewed" and (not reviewed_by or not reviewed_on):
        _fail(
            own,
            data,
            "a reviewed translation needs who checked it and when",
            "status",
            "add 'reviewed_by: <name>' and 'reviewed_on: YYYY-MM-DD', or say 'status: draft'",
            "status",
        )
    translated = set()
    merged = dict(texts)
    for name in WORDS:
        if name not in data or data[name] is None:
            continue
        words = _text(own, data, name, name)
        _same_placeholders_and_numbers(own, data, name, name, texts[name], words)
        merged[name] = words
        translated.add(name)
    labels = dict(areas)
    if data.get("areas") is not None:
        named = require_mapping(own, data["areas"], "areas")
        for area in named:
            if area not in AREAS:
                _fail(
                    own,
                    named,
                    "is not a topic of the local offer",
                    f"areas.{area}",
                    f"use only: {', '.join(AREAS)}",
                    str(area),
                )
            if named[area] is None:
                continue
            label = _text(own, named, area, f"areas.{area}")
            _same_placeholders_and_numbers(
                own, named, str(area), f"areas.{area}", areas[area], label
            )
            labels[area] = label
            translated.add(f"areas.{area}")
    return OfferWords(
        language,
        merged,
        labels,
        frozenset(translated),
        str(own),
        str(status),
        str(reviewed_by) if reviewed_by else None,
        str(reviewed_on) if reviewed_on else None,
    )


def check_offer_words(languages: list[str], path: Path = WORDS_FILE) -> list[DataFileError]:
    """Every problem in words.yaml and each language's file, for `heard offer check`."""
    problems: list[DataFileError] = []
    for language in [DEFAULT, *languages]:
        try:
            load_offer_words.__wrapped__(language, path)
        except DataFileError as problem:
            if language == DEFAULT:
                return [problem]
            problems.append(problem)
    return problems
