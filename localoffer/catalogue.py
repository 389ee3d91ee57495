"""The care-leaver local offer as data: typed entries loaded and checked from YAML.

A council replaces the shipped example with its own files, so every mistake in a
file must come back as a DataFileError naming the file, the line, the entry and
the fix, and the offer must say which entries are past their review date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from localoffer.words import AREAS, load_offer_words
from storage.datafiles import DataFileError, key_line, line_of, load_yaml, require_mapping

DATA_DIR = Path(__file__).parent / "data"


class _AreaLabels(Mapping[str, str]):
    """Each topic's English name, from localoffer/words.yaml (read when first asked, so
    a mistake in it is reported as that file's); words.<code>.yaml names them in another
    language (localoffer.words.load_offer_words)."""

    def __getitem__(self, area: str) -> str:
        return load_offer_words().areas[area]

    def __contains__(self, area: object) -> bool:
        return area in AREAS

    def __iter__(self) -> Iterator[str]:
        return iter(AREAS)

    def __len__(self) -> int:
        return len(AREAS)


# Display order and labels for browsing (bot menus, web pages, `heard offer list`).
AREA_LABELS: Mapping[str, str] = _AreaLabels()

# Who an entry is for; the bot and web can check these against what a person tells them.
COHORTS: dict[str, str] = {
    "child_in_care": "children and young people in care",
    "care_leaver": "care leavers (16 and over, left care or about to)",
    "unaccompanied_asylum_seeking": "young people who came to the UK on their own",
    "any_young_person": "any young person, in care or not",
}
LIVED_IN: dict[str, str] = {
    "foster_care": "living with foster carers",
    "residential_care": "living in a children's home",
}
DOING: dict[str, str] = {
    "school": "at school",
    "college": "at college or sixth form",
    "university": "at university or on a higher education course",
    "apprenticeship": "on an apprenticeship",
    "training": "on a training course",
    "work": "in work",
}
SOURCE_KINDS = ("local", "national")
MAX_SUMMARY_WORDS = 100
ENTRY_FIELDS = (
    "id",
    "title",
    "area",
    "summary",
    "details",
    "who_can_get_it",
    "how_to_get_it",
    "contact",
    "source",
    "last_reviewed",
)
OPTIONAL_FIELDS = ("also_known_as",)
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Eligibility:
    """Who can get an entry, as fields code can check (age, cohort, living situation)."""

    min_age: int
    max_age: int | None = None
    cohorts: tuple[str, ...] = ()
    lived_in: tuple[str, ...] = ()
    doing: tuple[str, ...] = ()
    note: str = ""

    def age_status(self, age: int | None) -> str:
        """'available', 'ended' (too old now) or 'not_yet' (too young) for an age."""
        if age is None:
            return "available"
        if age < self.min_age:
            return "not_yet"
        if self.max_age is not None and age > self.max_age:
            return "ended"
        return "available"

    def ages_text(self) -> str:
        if self.max_age is None:
            return f"from age {self.min_age}" if self.min_age else "any age"
        if self.min_age == 0:
            return f"up to age {self.max_age}"
        return f"ages {self.min_age} to {self.max_age}"


@dataclass(frozen=True)
class Source:
    """Where an entry comes from: a local document, or a national statutory basis."""

    kind: str
    document: str = ""
    basis: str = ""

    def text(self) -> str:
        return self.document if self.kind == "local" else self.basis


@dataclass(frozen=True)
class OfferEntry:
    """One item of support in the local offer."""

    id: str
    title: str
    area: str
    summary: str
    details: str
    who_can_get_it: Eligibility
    how_to_get_it: str
    contact: str
    source: Source
    last_reviewed: date
    also_known_as: tuple[str, ...] = ()
    file: str = ""
    line: int | None = None
    # Set by Offer.localise: the language asked for, and which fields are in it (the
    # rest are still the English words, and say so with lang_of).
    language: str = "en"
    translated: frozenset[str] = frozenset()

    @property
    def area_label(self) -> str:
        return AREA_LABELS[self.area]

    def lang_of(self, field_name: str) -> str:
        """The language a field's words are in: the translation's, or "en" (fallback)."""
        return self.language if field_name in self.translated else "en"

    def review_due(self, months: int = 12) -> date:
        return _add_months(self.last_reviewed, months)


@dataclass(frozen=True)
class Offer:
    """The whole local offer, in a stable order (area, then file name)."""

    entries: tuple[OfferEntry, ...]
    directory: Path | None = None
    # language code -> entry id -> the translated words (see TranslatedEntry)
    translations: Mapping[str, Mapping[str, TranslatedEntry]] = field(default_factory=dict)
    _by_id: dict[str, OfferEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {entry.id: entry for entry in self.entries})

    def __iter__(self) -> Iterator[OfferEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> OfferEntry | None:
        return self._by_id.get(entry_id)

    def by_area(self, area: str) -> list[OfferEntry]:
        """Entries in one area; an unknown area is a mistake, so it raises."""
        if area not in AREA_LABELS:
            raise ValueError(f"unknown area {area!r}; use one of: {', '.join(AREAS)}")
        return [entry for entry in self.entries if entry.area == area]

    def areas(self) -> list[str]:
        """Areas that have at least one entry, in display order."""
        present = {entry.area for entry in self.entries}
        return [area for area in AREAS if area in present]

    def due_for_review(self, today: date, months: int = 12) -> list[OfferEntry]:
        """Entries whose last review is `months` or more ago, oldest first."""
        due = [entry for entry in self.entries if entry.review_due(months) <= today]
        return sorted(due, key=lambda entry: (entry.last_reviewed, entry.id))

    def localise(self, entry: OfferEntry, language: str | None) -> OfferEntry:
        """The entry with the words a person reads in `language` where a translation has
        them; every other field stays English (entry.lang_of says which is which)."""
        if not language or language == "en":
            return entry
        words = self.translations.get(language, {}).get(entry.id)
        if words is None:
            return replace(entry, language=language, translated=frozenset())
        texts = words.fields
        note = texts.get("note")
        eligibility = entry.who_can_get_it
        if note is not None:
            eligibility = replace(eligibility, note=note)
        return replace(
            entry,
            title=texts.get("title", entry.title),
            summary=texts.get("summary", entry.summary),
            details=texts.get("details", entry.details),
            how_to_get_it=texts.get("how_to_get_it", entry.how_to_get_it),
            contact=texts.get("contact", entry.contact),
            who_can_get_it=eligibility,
            language=language,
            translated=frozenset(texts),
        )

    def localise_answer(self, answer: Any, language: str | None) -> Any:
        """A localoffer.search.OfferAnswer with each answer's entry localised (the
        search's scores and order unchanged)."""
        if not language or language == "en":
            return answer
        answers = [replace(a, entry=self.localise(a.entry, language)) for a in answer.answers]
        return replace(answer, answers=answers)

    def in_english(self, language: str) -> dict[str, tuple[str, ...]]:
        """Entry id -> the fields a person reading `language` still sees in English."""
        table = self.translations.get(language, {})
        missing: dict[str, tuple[str, ...]] = {}
        for entry in self.entries:
            have = table[entry.id].fields if entry.id in table else {}
            gaps = tuple(name for name in translatable_fields(entry) if name not in have)
            if gaps:
                missing[entry.id] = gaps
        return missing


# ---------------------------------------------------------------- translations
#
# Beside each entry, one file per language: <entry id>.<language code>.yaml, e.g.
#
#     language: ar                 # must match the file name and surveys/languages.yaml
#     entry: staying-put           # must match the file name and an entry's id
#     status: draft                # draft: to be checked by a qualified translator
#     # status: reviewed           # once checked, with who and when:
#     # reviewed_by: A. Translator (Council interpreting service)
#     # reviewed_on: 2026-12-01
#     title: ...                   # any of the words a young person reads:
#     summary: ...                 # title, summary, details, how_to_get_it, contact,
#     how_to_get_it: ...           # note (who_can_get_it's note)
#
# Anything left out is shown in English, field by field. Ids, ages, the source and the
# review date are never translated. Numbers (phone numbers, amounts, ages in the words)
# must be exactly the English field's, in the digits 0-9.

TRANSLATION_STATUSES = ("draft", "reviewed")
STATUS_MEANING = {
    "draft": "to be checked by a qualified translator",
    "reviewed": "checked by a qualified translator",
}
# Other languages take more words than English to say the same (Pashto especially).
MAX_TRANSLATED_SUMMARY_WORDS = MAX_SUMMARY_WORDS * 3 // 2
TRANSLATED_FIELDS = ("title", "summary", "details", "how_to_get_it", "contact", "note")
_TRANSLATION_HEADER = ("language", "entry", "status", "reviewed_by", "reviewed_on")
_TRANSLATION_NAME = re.compile(r"^(?P<entry>[a-z0-9-]+)\.(?P<language>[a-z]{2,3})\.ya?ml$")
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


@dataclass(frozen=True)
class TranslatedEntry:
    """One entry's words in one language, from <entry>.<code>.yaml."""

    entry_id: str
    language: str
    status: str
    path: str
    fields: Mapping[str, str]
    reviewed_by: str | None = None
    reviewed_on: str | None = None

    @property
    def status_text(self) -> str:
        if self.status == "reviewed":
            return f"reviewed by {self.reviewed_by} on {self.reviewed_on}"
        return f"draft ({STATUS_MEANING['draft']})"


def translatable_fields(entry: OfferEntry) -> tuple[str, ...]:
    """The fields of an entry a translation can give (note only if the entry has one)."""
    return tuple(name for name in TRANSLATED_FIELDS if name != "note" or entry.who_can_get_it.note)


def _english_text(entry: OfferEntry, name: str) -> str:
    return entry.who_can_get_it.note if name == "note" else str(getattr(entry, name))


def _numbers(text: str) -> list[str]:
    return sorted(found.replace(",", "") for found in _NUMBER.findall(text))


def _known_languages() -> tuple[str, ...]:
    from surveys import languages  # the one list of languages Heard speaks

    return tuple(code for code in languages.load_languages() if code != languages.DEFAULT)


def is_translation_file(path: Path) -> bool:
    return _TRANSLATION_NAME.match(path.name) is not None


def parse_translation(
    path: Path, data: Any, entries: Mapping[str, OfferEntry], known: tuple[str, ...]
) -> TranslatedEntry:
    """Check one translation file against its English entry."""
    name = _TRANSLATION_NAME.match(path.name)
    assert name is not None
    item = name["entry"]

    def fail(problem: str, fix: str, key: str | None = None, near: Any = None) -> NoReturn:
        at = near if near is not None else data
        line = (key_line(path, line_of(at), key) if key else None) or line_of(at)
        raise DataFileError(path, problem, line=line, item=item, fix=fix)

    if data is None:
        raise DataFileError(path, "the file is empty", item=item,
                            fix="write 'language:', 'entry:', 'status:' and the words")  # fmt: skip
    data = require_mapping(path, data, item)
    for key in data:
        if key not in _TRANSLATION_HEADER and key not in TRANSLATED_FIELDS:
            fail(
                f"unknown field {key!r}",
                "use only: "
                + ", ".join(_TRANSLATION_HEADER + TRANSLATED_FIELDS)
                + " (ids, ages, source and last_reviewed are never translated)",
                str(key),
            )
    language = data.get("language")
    if language != name["language"] or language not in known:
        fail(
            f"the language {language!r} does not match the file name's "
            f"{name['language']!r}, or is not a language Heard speaks",
            f"write 'language: {name['language']}' and use one of: {', '.join(known)} "
            "(surveys/languages.yaml)",
            "language",
        )
    entry_id = data.get("entry")
    if entry_id != item:
        fail(
            f"the entry {entry_id!r} does not match the file name {path.name!r}",
            f"write 'entry: {item}'",
            "entry",
        )
    english = entries.get(item)
    if english is None:
        fail(
            f"there is no entry {item!r} in the local offer",
            f"rename the file after an entry's id (a file {item}.yaml must exist), or delete it",
            "entry",
        )
    status = data.get("status")
    if status not in TRANSLATION_STATUSES:
        fail(
            f"the status is {status!r}",
            "write 'status: draft' (to be checked by a qualified translator), or "
            "'status: reviewed' with reviewed_by and reviewed_on",
            "status" if "status" in data else None,
        )
    reviewed_by, reviewed_on = data.get("reviewed_by"), data.get("reviewed_on")
    if status == "reviewed" and (not reviewed_by or not reviewed_on):
        fail(
            "a reviewed translation needs who checked it and when",
            "add 'reviewed_by: <name>' and 'reviewed_on: YYYY-MM-DD', or say 'status: draft'",
            "status",
        )
    fields: dict[str, str] = {}
    for key in TRANSLATED_FIELDS:
        if key not in data or data[key] is None:
            continue
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            fail(f"'{key}' should be text", f"write '{key}:' as a line of text, or leave it out "
                 "to show the English", key)  # fmt: skip
        text = " ".join(value.split())
        if key == "note" and not english.who_can_get_it.note:
            fail("the English entry has no note", "delete 'note:' from the translation", key)
        if any(ch.isdigit() and not ch.isascii() for ch in text):
            fail(
                f"a number in '{key}' is not written in the digits 0-9",
                "write numbers as 0123456789 (0800 1111, 2,000): they are what to dial or pay",
                key,
            )
        want = _numbers(_english_text(english, key))
        if _numbers(text) != want:
            fail(
                f"the numbers in '{key}' are not the English field's ({', '.join(want) or 'none'})",
                "keep every number (phone numbers, amounts, ages) exactly as in English, "
                "and add none",
                key,
            )
        if key == "summary" and len(text.split()) > MAX_TRANSLATED_SUMMARY_WORDS:
            fail(
                f"the summary is over {MAX_TRANSLATED_SUMMARY_WORDS} words",
                "keep it about as short as the English summary; the rest belongs in 'details'",
                key,
            )
        fields[key] = text
    return TranslatedEntry(
        entry_id=item,
        language=str(language),
        status=str(status),
        path=str(path),
        fields=fields,
        reviewed_by=str(reviewed_by) if reviewed_by else None,
        reviewed_on=str(reviewed_on) if reviewed_on else None,
    )


def _read_translations(
    directory: Path, entries: list[OfferEntry]
) -> tuple[dict[str, dict[str, TranslatedEntry]], list[DataFileError]]:
    by_id = {entry.id: entry for entry in entries}
    files = sorted(path for path in directory.glob("*.y*ml") if is_translation_file(path))
    table: dict[str, dict[str, TranslatedEntry]] = {}
    problems: list[DataFileError] = []
    known = _known_languages() if files else ()
    for path in files:
        try:
            words = parse_translation(path, load_yaml(path), by_id, known)
        except DataFileError as problem:
            problems.append(problem)
            continue
        table.setdefault(words.language, {})[words.entry_id] = words
    return table, problems


def load_offer(directory: Path | None = None) -> Offer:
    """Load and check every entry file (*.yaml, not starting with '_') in a directory.

    Raises the first DataFileError; `check_offer` lists them all.
    """
    entries, problems = _read_folder(directory)
    if problems:
        raise problems[0]
    folder = Path(directory) if directory is not None else DATA_DIR
    translations, problems = _read_translations(folder, entries)
    if problems:
        raise problems[0]
    order = {area: index for index, area in enumerate(AREAS)}
    entries.sort(key=lambda entry: (order[entry.area], Path(entry.file).name))
    return Offer(tuple(entries), folder, translations)


def check_offer(directory: Path | None = None) -> list[DataFileError]:
    """Every problem in the folder (at most one per file), for `heard offer check`:
    the English entries', then their translations'."""
    entries, problems = _read_folder(directory)
    if not problems:
        folder = Path(directory) if directory is not None else DATA_DIR
        problems = _read_translations(folder, entries)[1]
    return problems


def _read_folder(directory: Path | None) -> tuple[list[OfferEntry], list[DataFileError]]:
    directory = Path(directory) if directory is not None else DATA_DIR
    if not directory.is_dir():
        missing = DataFileError(directory, "no such folder", fix="point to the local offer folder")
        return [], [missing]
    files = sorted(
        path
        for path in directory.glob("*.y*ml")
        if not path.name.startswith(("_", ".")) and not is_translation_file(path)
    )
    if not files:
        empty = DataFileError(
            directory,
            "no local offer entries found",
            fix="add one .yaml file per entry (see localoffer/data for examples)",
        )
        return [], [empty]
    entries: list[OfferEntry] = []
    problems: list[DataFileError] = []
    seen: dict[str, OfferEntry] = {}
    for path in files:
        try:
            entry = parse_entry(path, load_yaml(path))
        except DataFileError as problem:
            problems.append(problem)
            continue
        if entry.id in seen:
            problems.append(
                DataFileError(
                    path,
                    f"the id is already used in {seen[entry.id].file}",
                    line=entry.line,
                    item=entry.id,
                    fix="give each entry its own id",
                )
            )
            continue
        seen[entry.id] = entry
        entries.append(entry)
    return entries, problems


def parse_entry(path: Path, data: Any) -> OfferEntry:
    """Check one entry's fields and build it; errors name the field and the fix."""
    item = path.stem
    if data is None:
        raise DataFileError(
            path, "the file is empty", item=item, fix="write one entry as 'key: value' lines"
        )
    data = require_mapping(path, data, item)
    raw_id = data.get("id")
    if isinstance(raw_id, str) and raw_id.strip():
        item = raw_id.strip()
    checker = _Checker(path, item, line_of(data))
    for key in data:
        if key not in ENTRY_FIELDS and key not in OPTIONAL_FIELDS:
            checker.fail(
                f"unknown field {key!r}",
                data,
                f"use only: {', '.join(ENTRY_FIELDS + OPTIONAL_FIELDS)}",
                str(key),
            )
    for key in ENTRY_FIELDS:
        if key not in data or data[key] is None or data[key] == "":
            checker.fail(f"the field '{key}' is missing", data, f"add '{key}:' to this entry")
    entry_id = checker.text(data, "id")
    if not _ID_RE.match(entry_id):
        checker.fail(
            f"the id {entry_id!r} is not in the right form",
            data,
            "use lower-case letters, digits and hyphens, e.g. 'staying-put'",
            "id",
        )
    if entry_id != path.stem:
        checker.fail(
            f"the id {entry_id!r} does not match the file name {path.name!r}",
            data,
            f"rename the file to {entry_id}.yaml, or change the id to {path.stem!r}",
            "id",
        )
    area = checker.text(data, "area")
    if area not in AREA_LABELS:
        checker.fail(f"unknown area {area!r}", data, f"use one of: {', '.join(AREAS)}", "area")
    summary = checker.text(data, "summary")
    words = len(summary.split())
    if words > MAX_SUMMARY_WORDS:
        checker.fail(
            f"the summary is {words} words long (at most {MAX_SUMMARY_WORDS})",
            data,
            "keep the summary to about 80 words; move the rest into 'details'",
            "summary",
        )
    return OfferEntry(
        id=entry_id,
        title=checker.text(data, "title"),
        area=area,
        summary=summary,
        details=checker.text(data, "details"),
        who_can_get_it=_eligibility(checker, data["who_can_get_it"]),
        how_to_get_it=checker.text(data, "how_to_get_it"),
        contact=checker.text(data, "contact"),
        source=_source(checker, data["source"]),
        last_reviewed=_review_date(checker, data),
        also_known_as=_phrases(checker, data),
        file=str(path),
        line=line_of(data),
    )


class _Checker:
    """Raises DataFileError for one entry, pointing at the closest known line."""

    def __init__(self, path: Path, item: str, line: int | None) -> None:
        self.path = path
        self.item = item
        self.line = line

    def fail(self, problem: str, near: Any, fix: str, key: str | None = None) -> NoReturn:
        line = _key_line(self.path, near, key) or line_of(near) or self.line
        raise DataFileError(self.path, problem, line=line, item=self.item, fix=fix)

    def text(self, data: dict, key: str) -> str:
        value = data[key]
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.fail(f"'{key}' should be text", data, f"write '{key}:' as a line of text", key)
        text = " ".join(str(value).split())
        if not text:
            self.fail(f"the field '{key}' is empty", data, f"write some text after '{key}:'", key)
        return text


def _key_line(path: Path, near: Any, key: str | None) -> int | None:
    """The line a key sits on inside a block."""
    return key_line(path, line_of(near), key) if key is not None else None


def _eligibility(checker: _Checker, raw: Any) -> Eligibility:
    if not isinstance(raw, dict):
        checker.fail(
            "'who_can_get_it' should be a block of 'key: value' lines",
            raw,
            "write min_age, max_age and cohorts indented under 'who_can_get_it:'",
            "who_can_get_it",
        )
    known = ("min_age", "max_age", "cohorts", "lived_in", "doing", "note")
    for key in raw:
        if key not in known:
            checker.fail(
                f"unknown field {key!r} in who_can_get_it",
                raw,
                f"use only: {', '.join(known)}",
                key,
            )
    if "min_age" not in raw:
        checker.fail("who_can_get_it has no min_age", raw, "add 'min_age: 16' (or the right age)")
    ages: list[int | None] = []
    for key in ("min_age", "max_age"):
        value = raw.get(key)
        if value is None and key == "max_age":
            ages.append(None)
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 120:
            checker.fail(
                f"{key} should be a whole number of years, found {value!r}",
                raw,
                f"write e.g. '{key}: 21' (leave max_age out for no upper limit)",
                key,
            )
        ages.append(value)
    min_age, max_age = ages
    assert min_age is not None
    if max_age is not None and min_age > max_age:
        checker.fail(
            f"min_age {min_age} is more than max_age {max_age}",
            raw,
            "swap them, or correct the ages",
            "min_age",
        )
    cohorts = _choices(checker, raw, "cohorts", COHORTS, required=True)
    note = raw.get("note") or ""
    if not isinstance(note, str):
        checker.fail("the note should be text", raw, "write 'note:' as a line of text", "note")
    return Eligibility(
        min_age=min_age,
        max_age=max_age,
        cohorts=cohorts,
        lived_in=_choices(checker, raw, "lived_in", LIVED_IN),
        doing=_choices(checker, raw, "doing", DOING),
        note=" ".join(note.split()),
    )


def _choices(
    checker: _Checker, raw: dict, key: str, allowed: dict[str, str], required: bool = False
) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None and not required:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        checker.fail(
            f"'{key}' should be a list",
            raw,
            f"write e.g. '{key}: [{next(iter(allowed))}]'",
            key,
        )
    for choice in value:
        if choice not in allowed:
            checker.fail(
                f"unknown {key} value {choice!r}",
                raw,
                f"use one of: {', '.join(allowed)}",
                key,
            )
    return tuple(value)


def _source(checker: _Checker, raw: Any) -> Source:
    fix = (
        "write 'source:' with 'kind: local' and 'document: ...', "
        "or 'kind: national' and 'basis: ...'"
    )
    if not isinstance(raw, dict):
        checker.fail("'source' should be a block of 'key: value' lines", raw, fix, "source")
    kind = raw.get("kind")
    if kind not in SOURCE_KINDS:
        checker.fail(f"unknown source kind {kind!r}", raw, fix, "kind")
    needed = "document" if kind == "local" else "basis"
    text = raw.get(needed)
    if not isinstance(text, str) or not text.strip():
        checker.fail(
            f"a {kind} source needs '{needed}'",
            raw,
            "name the document and section"
            if kind == "local"
            else "name the Act, regulations or guidance",
        )
    for key in raw:
        if key not in ("kind", "document", "basis"):
            checker.fail(f"unknown field {key!r} in source", raw, fix, key)
    return Source(
        kind=kind,
        document=" ".join(str(raw.get("document") or "").split()),
        basis=" ".join(str(raw.get("basis") or "").split()),
    )


def _review_date(checker: _Checker, data: dict) -> date:
    value = data["last_reviewed"]
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        checker.fail(
            f"last_reviewed {value!r} is not a date",
            data,
            "write the date as YYYY-MM-DD, e.g. 2026-04-01",
            "last_reviewed",
        )


def _phrases(checker: _Checker, data: dict) -> tuple[str, ...]:
    value = data.get("also_known_as")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        checker.fail(
            "'also_known_as' should be a list of phrases",
            data,
            "write one phrase per line, each starting with '- '",
            "also_known_as",
        )
    return tuple(" ".join(v.split()) for v in value)


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover
