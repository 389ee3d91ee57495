"""Survey definitions: YAML in, a frozen, validated, versioned `Survey` out.

The catalogue is written and edited by people, not programmers, so a mistake
must never reach a child: every problem becomes a `DataFileError` naming the
file, line, question and fix, and `check_*` collects all of them at once.
A survey's version is a hash of what it says, not of the file's bytes, so
comments and layout can change freely while any change of wording, options or
logic becomes a new version that answers are kept apart by. Option aliases are
left out of the hash: a new typed synonym changes neither the question nor what
a stored value means.

A survey file (one per survey, named after its id; files starting with _ are
skipped)::

    id: checkin-8-11                  # lower-case, digits and dashes
    title: How's life?
    audience: {cohorts: [child_in_care], age_bands: ["8-11"]}
    estimated_minutes: 8
    prefer_not_to_say: true           # optional; offer "I'd rather not say"
    easy_wording_required: true       # optional; every question must have easy_text
                                      # (set on the 4-7 and 8-11 check-ins)
    symbol_required: true             # optional; every answer has a picture (the
                                      # standard scales get Heard's own, below)
    intro: ...
    consent: ...
    questions:
      - id: moved_home                # stable for ever; never reuse an id
        type: choice                  # satisfaction5 faces5 yes_sometimes_no
                                      # scale0_10 choice multi text
        text: Have you moved home in the last year?
        easy_text: ...                # optional simpler / read-aloud wording
        domain: home_and_care
        themes: [moves_and_transitions]
        kpi: satisfied_or_better      # satisfaction5, faces5, yes_sometimes_no only
        optional: false               # may be skipped
        prefer_not_to_say: true       # per question, overrides the survey
        show_if: {question: earlier_id, equals: "yes"}   # or in: [...] / not_in: [...]
        max_length: 2000              # text only, at most 2000
        options:                      # choice and multi only
          - {value: "yes", label: "Yes", aliases: [moved], emoji: "🏠", symbol: yes}
        aliases:                      # optional: words typed for an answer, by value
          "yes": [moved, we moved]
          "no": [not moved, same place]

A question's `aliases` are typed words that pick an answer, for any question with
answers (the standard scales too: "Do you feel safe?" "not safe" is "no"). Like an
option's, they are left out of the hash. Each value must be one of the question's
answers, each list non-empty, and no word may pick two answers.

An option's `symbol` names a picture shipped with Heard in webforms/static/symbols/<symbol>.svg
(a missing file is an error). In a `symbol_required` survey every option of a choice or multi
question needs one, and the standard scales get `SCALE_SYMBOLS` (faces, tick, cross, wave);
0-10 questions (the numbers are the pictures), free text and "I'd rather not say" have none.

Standard scales get their options from `surveys.scales`. Quote "yes" and "no"
in YAML, which otherwise reads them as true and false. The equality questions
(ids in `EQUALITY_QUESTIONS`: sex, disability, ethnicity, came_to_uk_alone) must be
choices with `optional: true` and `prefer_not_to_say: true`, and no kpi.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from analysis.safeguarding.lexicon import CATEGORIES
from storage.datafiles import DataFileError, line_of, load_yaml, require_mapping
from surveys.scales import (
    KPI_TYPES,
    PREFER_NOT_TO_SAY,
    PREFER_NOT_TO_SAY_OPTION,
    SCALE_TYPES,
    Option,
    standard_options,
)

__all__ = [
    "AGE_BANDS",
    "COHORTS",
    "DOMAINS",
    "EQUALITY_QUESTIONS",
    "KPI_TYPES",
    "PREFER_NOT_TO_SAY",
    "QUESTION_TYPES",
    "TEXT_MAX_LENGTH",
    "THEMES",
    "Audience",
    "Option",
    "Question",
    "ShowIf",
    "Survey",
    "catalogue_dir",
    "check_catalogue",
    "check_survey",
    "content_hash",
    "load_catalogue",
    "load_survey",
    "survey_summary_json",
    "survey_to_json",
]

# fmt: off
COHORTS = ("child_in_care", "care_leaver", "carer")
AGE_BANDS = ("4-7", "8-11", "11-17", "16-25", "adult")
DOMAINS = (
    "relationships", "rights", "resilience", "recovery",
    "home_and_care", "leaving_care", "support_for_carers",
)
THEMES = (
    "friendship", "stability", "trusted_adults", "boundaries_and_care", "moves_and_transitions",
    "education_and_work", "being_heard", "feeling_safe", "family_time", "home_and_belonging",
    "emotional_wellbeing", "money", "housing", "health",
)
QUESTION_TYPES = (
    "satisfaction5", "faces5", "yes_sometimes_no", "scale0_10", "choice", "multi", "text",
)
# fmt: on
KPI_SATISFIED_OR_BETTER = "satisfied_or_better"
TEXT_MAX_LENGTH = 2000

EQUALITY_QUESTIONS = ("sex", "disability", "ethnicity", "came_to_uk_alone")
"""Question ids kept for equality monitoring: reports break the measure down by a
person's latest answer to each (`analysis.equality`). Wherever one is asked it must be
a choice, optional, offer "I'd rather not say" and never count towards the measure:
nobody has to say who they are to be heard."""

# Limits that keep a question readable on a phone and inside one Telegram message.
TITLE_MAX = 80
QUESTION_TEXT_MAX = 300
LABEL_MAX = 60
LONG_TEXT_MAX = 3000
MAX_MINUTES = 60

_TRANSLATION_NAME = re.compile(r"^[a-z0-9-]+\.[a-z]{2,3}\.yaml$")
_SURVEY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_OPTION_VALUE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

# fmt: off
_SURVEY_REQUIRED = (
    "id", "title", "audience", "intro", "consent", "estimated_minutes", "questions",
)
_SURVEY_KEYS = (
    *_SURVEY_REQUIRED, "prefer_not_to_say", "easy_wording_required", "symbol_required",
)
_AUDIENCE_KEYS = ("cohorts", "age_bands")
_QUESTION_REQUIRED = ("id", "type", "text", "domain", "themes")
_QUESTION_KEYS = (
    *_QUESTION_REQUIRED,
    "easy_text", "kpi", "optional", "prefer_not_to_say", "show_if", "max_length", "options",
    "safety_signal", "aliases",
)
_OPTION_KEYS = ("value", "label", "emoji", "aliases", "symbol")
# fmt: on

# Pictures shipped with Heard (SVG). Not imported from webforms: only the file is looked at.
SYMBOLS_DIR = Path(__file__).resolve().parent.parent / "webforms" / "static" / "symbols"
_SYMBOL_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The standard scales' pictures in a `symbol_required` survey, by scale type and value.
SCALE_SYMBOLS: dict[str, dict[str, str]] = {
    "faces5": {str(n): f"face-{n}" for n in range(1, 6)},
    "satisfaction5": {str(n): f"face-{n}" for n in range(1, 6)},
    "yes_sometimes_no": {"yes": "yes", "sometimes": "sometimes", "no": "no"},
}
_SHOW_IF_OPERATORS = ("equals", "in", "not_in")

Answer = str | Sequence[str] | None


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Audience:
    """Who a survey is for; used to offer the right survey to the right person."""

    cohorts: tuple[str, ...]
    age_bands: tuple[str, ...]

    def to_json(self) -> dict[str, list[str]]:
        return {"cohorts": list(self.cohorts), "age_bands": list(self.age_bands)}


@dataclass(frozen=True)
class ShowIf:
    """Ask a question only when an earlier answer is (or is not) one of `values`.

    An earlier question that was skipped, hidden or answered "I'd rather not
    say" never satisfies `equals`/`in`, and also hides a `not_in` question: when
    we do not know, we do not ask the follow-up.
    """

    question: str
    operator: str  # "equals" | "in" | "not_in"
    values: tuple[str, ...]

    def is_met(self, answer: Answer) -> bool:
        if answer is None:
            return False
        chosen = {answer} if isinstance(answer, str) else set(answer)
        if not chosen or chosen == {PREFER_NOT_TO_SAY}:
            return False
        hit = bool(chosen & set(self.values))
        return not hit if self.operator == "not_in" else hit

    def to_json(self) -> dict[str, Any]:
        if self.operator == "equals":
            return {"question": self.question, "equals": self.values[0]}
        return {"question": self.question, self.operator: list(self.values)}


@dataclass(frozen=True)
class SafetySignal:
    """Answers that say a child may not be safe ("No" to "Do you feel safe?"): choosing one
    shows help and raises an alert of `category`, as typed words would."""

    answers: tuple[str, ...]
    category: str

    def to_json(self) -> dict[str, Any]:
        return {"answers": list(self.answers), "category": self.category}


@dataclass(frozen=True)
class Question:
    """One question; `options` is empty only for free text."""

    id: str
    text: str
    type: str
    domain: str
    themes: tuple[str, ...]
    options: tuple[Option, ...] = ()
    easy_text: str | None = None
    kpi: bool = False
    optional: bool = False
    show_if: ShowIf | None = None
    max_length: int | None = None
    safety_signal: SafetySignal | None = None

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def signals_risk(self, value: Answer) -> bool:
        """Whether this answer is one the survey marks as a sign a child may not be safe."""
        if self.safety_signal is None:
            return False
        chosen = [value] if isinstance(value, str) else list(value or ())
        return any(v in self.safety_signal.answers for v in chosen)

    def is_valid_answer(self, value: Answer) -> bool:
        """Whether `value` could be stored for this question (text: length only)."""
        if self.type == "text":
            limit = self.max_length or TEXT_MAX_LENGTH
            return isinstance(value, str) and 0 < len(value) <= limit
        if self.type == "multi":
            if isinstance(value, str) or not value:
                return False
            return len(set(value)) == len(value) and all(v in self.values for v in value)
        return isinstance(value, str) and value in self.values

    def is_satisfied_or_better(self, value: Answer) -> bool | None:
        """True/False for a counted answer on a KPI-capable scale, else None.

        None means "leave out of the measure": free text, choices, 0-10,
        "I'd rather not say", no answer, or a value the question doesn't have.
        """
        if self.type not in KPI_TYPES or not isinstance(value, str):
            return None
        option = self.option(value)
        if option is None or not option.counts:
            return None
        return option.satisfied_or_better


@dataclass(frozen=True)
class Survey:
    """A whole survey as loaded from one catalogue file."""

    id: str
    title: str
    audience: Audience
    intro: str
    consent: str
    estimated_minutes: int
    questions: tuple[Question, ...]
    version: str
    content_hash: str
    source_file: str | None = None
    easy_wording_required: bool = False
    symbol_required: bool = False
    # A survey shown in another language (surveys.translations.localise) keeps the same
    # id, version and content hash, and `original` is the English survey it came from.
    language: str = "en"
    original: Survey | None = field(default=None, compare=False, repr=False)

    @property
    def english(self) -> Survey:
        """The survey as written in the catalogue (itself, unless this is a translation)."""
        return self.original or self

    @property
    def consent_version(self) -> str:
        """Short hash of the consent text, recorded with each respondent's consent.

        Always the English text's hash: a translation says the same thing, so consent
        given in Arabic counts when the person later switches to English and back."""
        consent = self.english.consent
        return hashlib.sha256(consent.encode("utf-8")).hexdigest()[:12]

    @property
    def kpi_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.kpi)

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"survey {self.id!r} has no question {question_id!r}")

    def visible_questions(self, answers: Mapping[str, Answer]) -> list[Question]:
        """The questions to ask given the answers so far, in order.

        An answer left behind on a question that is now hidden (the respondent
        went back and changed an earlier answer) is ignored, so branches chain.
        """
        shown: list[Question] = []
        shown_ids: set[str] = set()
        for q in self.questions:
            rule = q.show_if
            if rule is None or (
                rule.question in shown_ids and rule.is_met(answers.get(rule.question))
            ):
                shown.append(q)
                shown_ids.add(q.id)
        return shown


# --------------------------------------------------------------------------- JSON


def _option_json(option: Option) -> dict[str, Any]:
    return {
        "value": option.value,
        "label": option.label,
        "satisfied_or_better": option.satisfied_or_better,
    }


def _question_json(q: Question) -> dict[str, Any]:
    return {
        "id": q.id,
        "type": q.type,
        "text": q.text,
        "easy_text": q.easy_text,
        "domain": q.domain,
        "themes": list(q.themes),
        "kpi": q.kpi,
        "optional": q.optional,
        "show_if": q.show_if.to_json() if q.show_if else None,
        "options": [_option_json(o) for o in q.options],
    }


def survey_to_json(survey: Survey) -> dict[str, Any]:
    """The `heard surveys show --json` shape that import and reports rely on."""
    return {
        "id": survey.id,
        "version": survey.version,
        "title": survey.title,
        "audience": survey.audience.to_json(),
        "estimated_minutes": survey.estimated_minutes,
        "questions": [_question_json(q) for q in survey.questions],
    }


def survey_summary_json(survey: Survey) -> dict[str, Any]:
    """One entry of `heard surveys list --json`."""
    return {
        "id": survey.id,
        "version": survey.version,
        "title": survey.title,
        "audience": survey.audience.to_json(),
    }


def _canonical(
    survey_id: str,
    title: str,
    audience: Audience,
    intro: str,
    consent: str,
    minutes: int,
    questions: Sequence[Question],
) -> dict[str, Any]:
    """Everything a respondent sees or an analyst relies on; not aliases or layout.

    Nor an option's `symbol`: a picture sits beside the words and says the same, so adding
    pictures to a survey (or redrawing one) does not make its answers a new version."""

    def option(o: Option) -> dict[str, Any]:
        return _option_json(o) | {"emoji": o.emoji, "counts": o.counts}

    def question(q: Question) -> dict[str, Any]:
        return _question_json(q) | {
            "max_length": q.max_length,
            "options": [option(o) for o in q.options],
            "safety_signal": q.safety_signal.to_json() if q.safety_signal else None,
        }

    return {
        "id": survey_id,
        "title": title,
        "audience": audience.to_json(),
        "intro": intro,
        "consent": consent,
        "estimated_minutes": minutes,
        "questions": [question(q) for q in questions],
    }


def content_hash(canonical: Mapping[str, Any]) -> str:
    """sha256 of canonical JSON: sorted keys, no spaces, UTF-8."""
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- checking


def _did_you_mean(word: object, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'? " if close else ""


def _one_of(choices: Sequence[str]) -> str:
    return ", ".join(choices)


class _Checker:
    """Collects every problem in one file, with the best line number it can find."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.errors: list[DataFileError] = []
        try:
            self.lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            self.lines = []

    def error(
        self,
        problem: str,
        *,
        fix: str,
        item: str | None = None,
        line: int | None = None,
    ) -> None:
        self.errors.append(DataFileError(self.path, problem, line=line, item=item, fix=fix))

    def key_line(self, mapping: Any, key: str) -> int | None:
        """The line of `key:` inside a block mapping, else the mapping's own line."""
        start = line_of(mapping)
        if start is None:
            return None
        pattern = re.compile(rf"^\s*(?:-\s+)*['\"]?{re.escape(key)}['\"]?\s*:")
        for number in range(start - 1, min(len(self.lines), start + 200)):
            if pattern.match(self.lines[number]):
                return number + 1
        return start

    def value_line(self, container: Any, value: object) -> int | None:
        """The first line at or after a list's start that mentions `value`."""
        start = line_of(container)
        if start is None:
            return None
        needle = str(value)
        for number in range(start - 1, min(len(self.lines), start + 50)):
            if needle in self.lines[number]:
                return number + 1
        return start

    # -- field readers: each returns a clean value, or None after recording a problem

    def unknown_keys(self, mapping: Mapping[Any, Any], allowed: Sequence[str], item: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.error(
                    f"unknown key '{key}'",
                    item=item,
                    line=self.key_line(mapping, str(key)),
                    fix=f"{_did_you_mean(key, allowed)}allowed keys here are: {_one_of(allowed)}",
                )

    def missing_keys(self, mapping: Mapping[Any, Any], required: Sequence[str], item: str) -> None:
        for key in required:
            if key not in mapping:
                self.error(
                    f"'{key}' is missing",
                    item=item,
                    line=line_of(mapping),
                    fix=f"add a '{key}:' line to this block",
                )

    def text(self, mapping: Mapping[str, Any], key: str, item: str, limit: int) -> str | None:
        if key not in mapping:
            return None  # missing required keys are reported once by missing_keys
        value = mapping[key]
        line = self.key_line(mapping, key)
        if not isinstance(value, str) or not value.strip():
            self.error(
                f"'{key}' must be some text, found {value!r}",
                item=item,
                line=line,
                fix=f"write the {key} as words, in quotes if it looks like a number or yes/no",
            )
            return None
        value = value.strip()
        if len(value) > limit:
            self.error(
                f"'{key}' is {len(value)} characters long, the limit is {limit}",
                item=item,
                line=line,
                fix=f"shorten the {key} to {limit} characters or fewer",
            )
        return value

    def flag(self, mapping: Mapping[str, Any], key: str, item: str) -> bool:
        value = mapping.get(key, False)
        if isinstance(value, bool):
            return value
        self.error(
            f"'{key}' must be true or false, found {value!r}",
            item=item,
            line=self.key_line(mapping, key),
            fix=f"write '{key}: true' or '{key}: false'",
        )
        return False

    def id_list(
        self, mapping: Mapping[str, Any], key: str, allowed: Sequence[str], item: str
    ) -> tuple[str, ...]:
        if key not in mapping:
            return ()  # missing required keys are reported once by missing_keys
        value = mapping[key]
        line = self.key_line(mapping, key)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            self.error(
                f"'{key}' must be a list with at least one entry",
                item=item,
                line=line,
                fix=f"write it like '{key}: [{allowed[0]}]'; choose from {_one_of(allowed)}",
            )
            return ()
        result: list[str] = []
        for entry in value:
            if entry not in allowed:
                self.error(
                    f"'{entry}' is not a known {key[:-1] if key.endswith('s') else key}",
                    item=item,
                    line=self.value_line(value, entry) or line,
                    fix=f"{_did_you_mean(entry, allowed)}choose from {_one_of(allowed)}",
                )
            elif entry in result:
                self.error(
                    f"'{entry}' is listed twice in '{key}'",
                    item=item,
                    line=self.value_line(value, entry) or line,
                    fix="remove the second one",
                )
            else:
                result.append(entry)
        return tuple(result)


def _as_value(checker: _Checker, raw: object, item: str, line: int | None, what: str) -> str | None:
    """An answer value from YAML; YAML 1.1 reads bare yes/no as booleans, so say so."""
    if isinstance(raw, bool):
        word = "yes" if raw else "no"
        checker.error(
            f"{what} {raw!r} was read as true/false, not as an answer value",
            item=item,
            line=line,
            fix=f"put it in quotes: '{word}' (YAML reads bare yes, no, on and off as true/false)",
        )
        return None
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, str) and raw.strip():
        return raw.strip()
    checker.error(
        f"{what} must be a single answer value, found {raw!r}",
        item=item,
        line=line,
        fix="write the option's value, for example 'yes' or '4'",
    )
    return None


def _parse_options(
    checker: _Checker, q: Mapping[str, Any], qtype: str, pnts: bool, item: str
) -> tuple[Option, ...]:
    raw = q.get("options")
    line = checker.key_line(q, "options")
    if qtype in SCALE_TYPES:
        if raw is not None:
            checker.error(
                f"a {qtype} question gets its options from its type",
                item=item,
                line=line,
                fix="remove the 'options:' block; use type 'choice' if you need your own answers",
            )
        return standard_options(qtype, pnts)
    if qtype == "text":
        if raw is not None:
            checker.error(
                "a text question has no options",
                item=item,
                line=line,
                fix="remove the 'options:' block, or use type 'choice'",
            )
        return ()
    if not isinstance(raw, list) or len(raw) < 2:
        checker.error(
            f"a {qtype} question needs at least two options",
            item=item,
            line=line if raw is not None else line_of(q),
            fix="add an 'options:' list of '- value: ...' / 'label: ...' entries",
        )
        return ()
    options: list[Option] = []
    seen_words: dict[str, str] = {}
    for index, entry in enumerate(raw, start=1):
        where = f"{item}, option {index}"
        if not isinstance(entry, dict):
            checker.error(
                f"option {index} must have a value and a label, found {entry!r}",
                item=item,
                line=checker.value_line(raw, entry) or line,
                fix="write it as '- value: short_id' with 'label: What people see' underneath",
            )
            continue
        checker.unknown_keys(entry, _OPTION_KEYS, where)
        checker.missing_keys(entry, ("value", "label"), where)
        value = (
            _as_value(checker, entry["value"], where, checker.key_line(entry, "value"), "value")
            if "value" in entry
            else None
        )
        label = checker.text(entry, "label", where, LABEL_MAX)
        if value is not None and not _OPTION_VALUE.match(value):
            checker.error(
                f"option value '{value}' is not a simple id",
                item=where,
                line=checker.key_line(entry, "value"),
                fix="use lower-case letters, digits and _ only, starting with a letter",
            )
            value = None
        if value == PREFER_NOT_TO_SAY:
            checker.error(
                f"'{PREFER_NOT_TO_SAY}' is added by Heard, not listed as an option",
                item=where,
                line=checker.key_line(entry, "value"),
                fix="remove this option and write 'prefer_not_to_say: true' on the question",
            )
            value = None
        if value is not None and value in {o.value for o in options}:
            checker.error(
                f"option value '{value}' is used twice",
                item=where,
                line=checker.key_line(entry, "value"),
                fix="give every option its own value",
            )
            value = None
        aliases = _parse_aliases(checker, entry, where)
        emoji = entry.get("emoji")
        if emoji is not None and not isinstance(emoji, str):
            checker.error(
                "'emoji' must be a single emoji",
                item=where,
                line=checker.key_line(entry, "emoji"),
                fix="write it in quotes, for example emoji: '🙂'",
            )
            emoji = None
        symbol = _parse_symbol(checker, entry, where)
        if value is None or label is None:
            continue
        for word in (label, *aliases):
            key = word.casefold()
            if key in seen_words and seen_words[key] != value:
                checker.error(
                    f"'{word}' would select both '{seen_words[key]}' and '{value}'",
                    item=where,
                    line=line_of(entry),
                    fix="make each label and alias belong to one option only",
                )
            seen_words[key] = value
        options.append(
            Option(value=value, label=label, emoji=emoji, aliases=aliases, symbol=symbol)
        )
    if pnts:
        options.append(PREFER_NOT_TO_SAY_OPTION)
    return tuple(options)


def symbol_file(name: str) -> Path:
    """Where the picture called `name` is shipped."""
    return SYMBOLS_DIR / f"{name}.svg"


def _parse_symbol(checker: _Checker, entry: Mapping[str, Any], item: str) -> str | None:
    raw = entry.get("symbol")
    if raw is None:
        return None
    line = checker.key_line(entry, "symbol")
    if isinstance(raw, bool):
        word = "yes" if raw else "no"
        checker.error(
            f"'symbol' {raw!r} was read as true/false, not as a picture's name",
            item=item,
            line=line,
            fix=f"put it in quotes: symbol: '{word}' (YAML reads bare yes and no as true/false)",
        )
        return None
    if not isinstance(raw, str) or not _SYMBOL_NAME.match(raw):
        checker.error(
            f"'symbol' must be the name of a picture, found {raw!r}",
            item=item,
            line=line,
            fix="write the picture's file name without '.svg', for example symbol: not-sure",
        )
        return None
    if not symbol_file(raw).is_file():
        shipped = sorted(p.stem for p in SYMBOLS_DIR.glob("*.svg"))
        close = difflib.get_close_matches(raw, shipped, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        checker.error(
            f"there is no picture called '{raw}' (no file {symbol_file(raw)})",
            item=item,
            line=line,
            fix=(
                f"{hint}use one of {', '.join(shipped) or 'none shipped'}, or add "
                f"webforms/static/symbols/{raw}.svg"
            ),
        )
        return None
    return raw


def _parse_aliases(checker: _Checker, entry: Mapping[str, Any], item: str) -> tuple[str, ...]:
    raw = entry.get("aliases")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(a, str) and a.strip() for a in raw):
        checker.error(
            "'aliases' must be a list of words",
            item=item,
            line=checker.key_line(entry, "aliases"),
            fix="write it like aliases: [mum, my mum] and quote words like 'yes' or 'no'",
        )
        return ()
    return tuple(a.strip() for a in raw)


def _alias_value(raw: object) -> str:
    # YAML reads bare yes/no as true/false: as a key they can only mean the answers (here
    # and in the translation files).
    if raw is True:
        return "yes"
    if raw is False:
        return "no"
    return str(raw).strip()


def _parse_question_aliases(
    checker: _Checker,
    q: Mapping[str, Any],
    qtype: object,
    options: tuple[Option, ...],
    item: str,
) -> tuple[Option, ...]:
    """A question's `aliases: {value: [words]}`, added to its options' own aliases."""
    raw = q.get("aliases")
    if raw is None:
        return options
    line = checker.key_line(q, "aliases")
    example = 'aliases: {"yes": [safe, i feel safe], "no": [not safe, unsafe]}'
    if qtype == "text":
        checker.error(
            "a text question has no answers for typed words to pick",
            item=item,
            line=line,
            fix="remove 'aliases' from this question",
        )
        return options
    if not isinstance(raw, dict) or not raw:
        checker.error(
            "'aliases' must be 'value: [words]' lines, one per answer",
            item=item,
            line=line,
            fix=f"write it like {example}",
        )
        return options
    values = [o.value for o in options]
    # every label and option alias already picks its own option
    owner = {
        " ".join(w.casefold().split()): o.value for o in options for w in (o.label, *o.aliases)
    }
    added: dict[str, list[str]] = {}
    for key, words in raw.items():
        value = _alias_value(key)
        where = f"{item}, aliases of '{value}'"
        if value not in values:
            checker.error(
                f"'{value}' is not an answer to this question, so its aliases could not pick it",
                item=where,
                line=checker.key_line(raw, value) or line,
                fix=f"{_did_you_mean(value, values)}use one of {_one_of(values)}, in quotes",
            )
            continue
        if (
            not isinstance(words, list)
            or not words
            or not all(isinstance(w, str) and w.strip() for w in words)
        ):
            checker.error(
                f"the aliases of '{value}' must be a list of words, found {words!r}",
                item=where,
                line=checker.key_line(raw, value) or line,
                fix=(
                    f'write it like "{value}": [a word, another word]; quote words like '
                    "'yes', 'no', 'on' and 'off'; remove the line if there are none"
                ),
            )
            continue
        for word in words:
            folded = " ".join(word.casefold().split())
            if owner.setdefault(folded, value) != value:
                checker.error(
                    f"'{word.strip()}' would pick both '{owner[folded]}' and '{value}'",
                    item=where,
                    line=checker.value_line(words, word) or line,
                    fix="keep each word under one answer only; leave out words that could "
                    "mean either (Heard then asks again)",
                )
                continue
            added.setdefault(value, []).append(word.strip())
    return tuple(
        replace(o, aliases=(*o.aliases, *added[o.value])) if o.value in added else o
        for o in options
    )


def _parse_show_if(
    checker: _Checker,
    q: Mapping[str, Any],
    item: str,
    earlier: Mapping[str, Question],
    all_ids: Sequence[str],
) -> ShowIf | None:
    raw = q.get("show_if")
    if raw is None:
        return None
    line = checker.key_line(q, "show_if")
    example = "show_if: {question: moved_home, equals: 'yes'}"
    if not isinstance(raw, dict):
        checker.error(
            "'show_if' must say which earlier question and which answers",
            item=item,
            line=line,
            fix=f"write it like {example}",
        )
        return None
    checker.unknown_keys(raw, ("question", *_SHOW_IF_OPERATORS), f"{item}, show_if")
    operators = [op for op in _SHOW_IF_OPERATORS if op in raw]
    target = raw.get("question")
    if not isinstance(target, str) or len(operators) != 1:
        checker.error(
            "'show_if' needs 'question' and exactly one of equals, in, not_in",
            item=item,
            line=line,
            fix=f"write it like {example}",
        )
        return None
    if target not in earlier:
        if target in all_ids:
            problem = f"show_if looks at '{target}', which comes later or is this question"
            fix = (
                f"show_if can only look at an earlier question: move this question after '{target}'"
            )
        else:
            problem = f"show_if looks at '{target}', which is not a question in this survey"
            fix = f"{_did_you_mean(target, list(earlier))}use the id of an earlier question"
        checker.error(problem, item=item, line=line, fix=fix)
        return None
    source = earlier[target]
    if source.type == "text":
        checker.error(
            f"show_if cannot look at the free-text question '{target}'",
            item=item,
            line=line,
            fix="base show_if on a question with options",
        )
        return None
    operator = operators[0]
    raw_values = raw[operator]
    if operator == "equals":
        raw_values = [raw_values]
    elif not isinstance(raw_values, list) or not raw_values:
        checker.error(
            f"show_if '{operator}' needs a list of values",
            item=item,
            line=line,
            fix=f"write it like {{question: {target}, {operator}: ['yes', 'sometimes']}}",
        )
        return None
    values: list[str] = []
    for raw_value in raw_values:
        value = _as_value(checker, raw_value, item, line, "show_if value")
        if value is None:
            continue
        if value not in source.values:
            checker.error(
                f"show_if value '{value}' is not an answer to '{target}'",
                item=item,
                line=line,
                fix=f"{_did_you_mean(value, source.values)}choose from {_one_of(source.values)}",
            )
            continue
        values.append(value)
    if len(values) != len(raw_values):
        return None
    return ShowIf(question=target, operator=operator, values=tuple(values))


def _parse_question(
    checker: _Checker,
    raw: object,
    index: int,
    survey_pnts: bool,
    earlier: Mapping[str, Question],
    all_ids: Sequence[str],
    questions_node: Any,
) -> Question | None:
    if not isinstance(raw, dict):
        checker.error(
            f"question {index} must be a block of 'key: value' lines, found {raw!r}",
            item=f"question {index}",
            line=checker.value_line(questions_node, raw) or line_of(questions_node),
            fix="start each question with '- id: ...' and indent its other lines under it",
        )
        return None
    qid = raw.get("id")
    item = f"question '{qid}'" if isinstance(qid, str) else f"question {index}"
    checker.unknown_keys(raw, _QUESTION_KEYS, item)
    checker.missing_keys(raw, _QUESTION_REQUIRED, item)
    ok = True
    if "id" in raw and (not isinstance(qid, str) or not _QUESTION_ID.match(qid)):
        checker.error(
            f"question id {qid!r} is not a simple id",
            item=item,
            line=checker.key_line(raw, "id"),
            fix="use lower-case letters, digits and _ only, starting with a letter, at most 40",
        )
        ok = False
    qtype = raw.get("type")
    if "type" in raw and qtype not in QUESTION_TYPES:
        checker.error(
            f"'{qtype}' is not a question type",
            item=item,
            line=checker.key_line(raw, "type"),
            fix=f"{_did_you_mean(qtype, QUESTION_TYPES)}choose from {_one_of(QUESTION_TYPES)}",
        )
        ok = False
    domain = raw.get("domain")
    if "domain" in raw and domain not in DOMAINS:
        checker.error(
            f"'{domain}' is not a domain",
            item=item,
            line=checker.key_line(raw, "domain"),
            fix=f"{_did_you_mean(domain, DOMAINS)}choose from {_one_of(DOMAINS)}",
        )
        ok = False
    text = checker.text(raw, "text", item, QUESTION_TEXT_MAX)
    easy_text = checker.text(raw, "easy_text", item, QUESTION_TEXT_MAX)
    themes = checker.id_list(raw, "themes", THEMES, item)
    optional = checker.flag(raw, "optional", item)
    pnts = survey_pnts
    if "prefer_not_to_say" in raw:
        pnts = checker.flag(raw, "prefer_not_to_say", item)
        if pnts and qtype in ("multi", "text"):
            checker.error(
                f"a {qtype} question cannot offer 'I'd rather not say'",
                item=item,
                line=checker.key_line(raw, "prefer_not_to_say"),
                fix="remove 'prefer_not_to_say' here; make the question optional instead",
            )
    if qtype in ("multi", "text"):
        pnts = False
    kpi = _parse_kpi(checker, raw, qtype, item)
    max_length = _parse_max_length(checker, raw, qtype, item)
    if qid in EQUALITY_QUESTIONS:
        _check_equality(checker, raw, item, qtype=qtype, optional=optional, pnts=pnts, kpi=kpi)
    if not ok or qtype not in QUESTION_TYPES:
        return None
    options = _parse_options(checker, raw, qtype, pnts, item)
    options = _parse_question_aliases(checker, raw, qtype, options, item)
    show_if = _parse_show_if(checker, raw, item, earlier, all_ids)
    safety_signal = _parse_safety_signal(checker, raw, qtype, options, item)
    if text is None or not themes or (qtype in ("choice", "multi") and not options):
        return None
    if not isinstance(qid, str) or not isinstance(domain, str):
        return None  # reported above: a missing or broken id or domain
    return Question(
        id=qid,
        text=text,
        type=qtype,
        domain=domain,
        themes=themes,
        options=options,
        easy_text=easy_text,
        kpi=kpi,
        optional=optional,
        show_if=show_if,
        max_length=max_length,
        safety_signal=safety_signal,
    )


def _check_equality(
    checker: _Checker,
    q: Mapping[str, Any],
    item: str,
    *,
    qtype: object,
    optional: bool,
    pnts: bool,
    kpi: bool,
) -> None:
    """An equality question (sex, disability, ethnicity, came to the UK alone) is never
    required, always offers "I'd rather not say", and is never part of the measure."""
    rules = (
        (qtype == "choice", "type", "must be a choice", "write 'type: choice'"),
        (optional, "optional", "must be optional", "write 'optional: true'"),
        (
            pnts,
            "prefer_not_to_say",
            "must offer 'I'd rather not say'",
            "write 'prefer_not_to_say: true'",
        ),
        (not kpi, "kpi", "cannot count towards the measure", "remove the kpi line"),
        (
            "safety_signal" not in q,
            "safety_signal",
            "cannot raise a safeguarding alert",
            "remove 'safety_signal'",
        ),
    )
    for ok, key, problem, fix in rules:
        if not ok:
            checker.error(
                f"an equality question {problem}",
                item=item,
                line=checker.key_line(q, key),
                fix=fix,
            )


def _parse_safety_signal(
    checker: _Checker, q: Mapping[str, Any], qtype: object, options: Sequence[Option], item: str
) -> SafetySignal | None:
    raw = q.get("safety_signal")
    if raw is None:
        return None
    line = checker.key_line(q, "safety_signal")
    example = 'write it as {answers: ["no"], category: unsafe_home}'
    if qtype == "text":
        checker.error(
            "a text question has no answers to mark as a safety signal",
            item=item,
            line=line,
            fix="remove 'safety_signal'; typed words are always checked for safety",
        )
        return None
    if not isinstance(raw, dict) or set(raw) != {"answers", "category"}:
        checker.error(
            "safety_signal needs 'answers' and 'category'",
            item=item,
            line=line,
            fix=example,
        )
        return None
    answers = raw["answers"]
    values = [o.value for o in options]
    if (
        not isinstance(answers, list)
        or not answers
        or not all(isinstance(a, str) and a in values for a in answers)
    ):
        checker.error(
            f"safety_signal answers must be some of this question's answers, found {answers!r}",
            item=item,
            line=line,
            fix=f'use values from {", ".join(values)}, in quotes ("no", not no)',
        )
        return None
    category = raw["category"]
    if category not in CATEGORIES:
        checker.error(
            f"'{category}' is not a safeguarding category",
            item=item,
            line=line,
            fix=f"{_did_you_mean(category, CATEGORIES)}choose from {_one_of(CATEGORIES)}",
        )
        return None
    return SafetySignal(tuple(answers), str(category))


def _parse_kpi(checker: _Checker, q: Mapping[str, Any], qtype: object, item: str) -> bool:
    raw = q.get("kpi")
    if raw is None or raw is False or qtype not in QUESTION_TYPES:
        return False
    line = checker.key_line(q, "kpi")
    if raw != KPI_SATISFIED_OR_BETTER:
        checker.error(
            f"kpi must be '{KPI_SATISFIED_OR_BETTER}', found {raw!r}",
            item=item,
            line=line,
            fix=f"write 'kpi: {KPI_SATISFIED_OR_BETTER}', or remove the kpi line",
        )
        return False
    if qtype not in KPI_TYPES:
        checker.error(
            f"a {qtype} question cannot count towards the satisfied-or-better measure",
            item=item,
            line=line,
            fix=f"remove the kpi line, or change the type to one of {_one_of(KPI_TYPES)}",
        )
        return False
    return True


def _parse_max_length(
    checker: _Checker, q: Mapping[str, Any], qtype: object, item: str
) -> int | None:
    raw = q.get("max_length")
    if qtype not in QUESTION_TYPES:
        return None
    if qtype != "text":
        if raw is not None:
            checker.error(
                "only text questions have a max_length",
                item=item,
                line=checker.key_line(q, "max_length"),
                fix="remove the max_length line",
            )
        return None
    if raw is None:
        return TEXT_MAX_LENGTH
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= TEXT_MAX_LENGTH:
        checker.error(
            f"max_length must be a whole number from 1 to {TEXT_MAX_LENGTH}, found {raw!r}",
            item=item,
            line=checker.key_line(q, "max_length"),
            fix=f"write a number up to {TEXT_MAX_LENGTH}, or remove the line",
        )
        return TEXT_MAX_LENGTH
    return raw


def _parse_audience(checker: _Checker, doc: Mapping[str, Any]) -> Audience | None:
    raw = doc.get("audience")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        checker.error(
            "'audience' must list cohorts and age_bands",
            item="audience",
            line=checker.key_line(doc, "audience"),
            fix="write 'audience:' then indented 'cohorts: [care_leaver]', 'age_bands: [16-25]'",
        )
        return None
    checker.unknown_keys(raw, _AUDIENCE_KEYS, "audience")
    checker.missing_keys(raw, _AUDIENCE_KEYS, "audience")
    cohorts = checker.id_list(raw, "cohorts", COHORTS, "audience")
    age_bands = checker.id_list(raw, "age_bands", AGE_BANDS, "audience")
    if not cohorts or not age_bands:
        return None
    return Audience(cohorts=cohorts, age_bands=age_bands)


def _parse_minutes(checker: _Checker, doc: Mapping[str, Any]) -> int | None:
    raw = doc.get("estimated_minutes")
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= MAX_MINUTES:
        checker.error(
            f"estimated_minutes must be a whole number from 1 to {MAX_MINUTES}, found {raw!r}",
            item="estimated_minutes",
            line=checker.key_line(doc, "estimated_minutes"),
            fix="write how many minutes it takes, for example 'estimated_minutes: 5'",
        )
        return None
    return raw


def _parse_survey(path: Path) -> tuple[Survey | None, list[DataFileError]]:
    checker = _Checker(path)
    try:
        doc = require_mapping(path, load_yaml(path), "survey")
    except DataFileError as exc:
        return None, [exc]
    checker.unknown_keys(doc, _SURVEY_KEYS, "survey")
    checker.missing_keys(doc, _SURVEY_REQUIRED, "survey")
    survey_id = doc.get("id")
    if "id" in doc and (not isinstance(survey_id, str) or not _SURVEY_ID.match(survey_id)):
        checker.error(
            f"survey id {survey_id!r} is not a simple id",
            item="survey",
            line=checker.key_line(doc, "id"),
            fix="use lower-case letters, digits and dashes, like 'checkin-8-11'",
        )
    title = checker.text(doc, "title", "survey", TITLE_MAX)
    intro = checker.text(doc, "intro", "survey", LONG_TEXT_MAX)
    consent = checker.text(doc, "consent", "survey", LONG_TEXT_MAX)
    minutes = _parse_minutes(checker, doc)
    audience = _parse_audience(checker, doc)
    survey_pnts = checker.flag(doc, "prefer_not_to_say", "survey")
    easy_required = checker.flag(doc, "easy_wording_required", "survey")
    symbols_required = checker.flag(doc, "symbol_required", "survey")

    questions = _parse_questions(checker, doc, survey_pnts)
    if easy_required:
        _check_easy_wording(checker, doc, questions)
    if symbols_required:
        questions = _with_symbols(checker, doc, questions)
    if (
        checker.errors
        or not isinstance(survey_id, str)
        or title is None
        or intro is None
        or consent is None
        or minutes is None
        or audience is None
        or not questions
    ):
        return None, checker.errors
    canonical = _canonical(survey_id, title, audience, intro, consent, minutes, questions)
    digest = content_hash(canonical)
    survey = Survey(
        id=survey_id,
        title=title,
        audience=audience,
        intro=intro,
        consent=consent,
        estimated_minutes=minutes,
        questions=tuple(questions),
        version=digest[:12],
        content_hash=digest,
        source_file=str(path),
        easy_wording_required=easy_required,
        symbol_required=symbols_required,
    )
    return survey, []


def _with_symbols(
    checker: _Checker, doc: Mapping[str, Any], questions: Sequence[Question]
) -> list[Question]:
    """A survey for young children (`symbol_required: true`) shows a picture beside every
    answer: the standard scales get Heard's own (`SCALE_SYMBOLS`), and every option of a
    choice or multi question must name one. 0-10 and free text have none."""
    raw = doc.get("questions")
    entries = {q.get("id"): q for q in raw if isinstance(q, dict)} if isinstance(raw, list) else {}
    out: list[Question] = []
    for question in questions:
        scale = SCALE_SYMBOLS.get(question.type)
        if scale is not None:
            options = tuple(
                replace(o, symbol=o.symbol or scale.get(o.value)) for o in question.options
            )
            out.append(replace(question, options=options))
            continue
        if question.type in ("choice", "multi"):
            entry = entries.get(question.id) or {}
            raw_options = entry.get("options")
            written = raw_options if isinstance(raw_options, list) else []
            for index, option in enumerate(question.options, start=1):
                if option.symbol is not None or option.value == PREFER_NOT_TO_SAY:
                    continue
                raw_option = written[index - 1] if index <= len(written) else None
                if isinstance(raw_option, dict) and "symbol" in raw_option:
                    continue  # a symbol is written but wrong: already reported above
                checker.error(
                    f"option '{option.value}' has no picture, and this survey says every "
                    "answer needs one ('symbol_required: true')",
                    item=f"question '{question.id}', option {index}",
                    line=line_of(raw_option or entry) if entry else None,
                    fix=(
                        "add a 'symbol:' line under its 'label:' naming a picture in "
                        "webforms/static/symbols/, for example symbol: not-sure"
                    ),
                )
        out.append(question)
    return out


def _check_easy_wording(
    checker: _Checker, doc: Mapping[str, Any], questions: Sequence[Question]
) -> None:
    """A survey for young children (`easy_wording_required: true`) gives every question
    easy wording: the same question in short, simple words, shown under it and read aloud."""
    raw = doc.get("questions")
    entries = {q.get("id"): q for q in raw if isinstance(q, dict)} if isinstance(raw, list) else {}
    for question in questions:
        if question.easy_text is not None:
            continue
        entry = entries.get(question.id)
        checker.error(
            "has no easy wording, and this survey says every question needs it "
            "('easy_wording_required: true')",
            item=f"question '{question.id}'",
            line=line_of(entry) if entry is not None else None,
            fix=(
                "add an 'easy_text:' line under 'text:' that asks the same question in short, "
                "simple words a young child knows, for example 'easy_text: Your home. Which face?'"
            ),
        )


def _parse_questions(
    checker: _Checker, doc: Mapping[str, Any], survey_pnts: bool
) -> list[Question]:
    raw = doc.get("questions")
    if raw is None:
        return []
    if not isinstance(raw, list) or not raw:
        checker.error(
            "'questions' must be a list with at least one question",
            item="questions",
            line=checker.key_line(doc, "questions"),
            fix="write 'questions:' then one '- id: ...' block per question",
        )
        return []
    all_ids = [q["id"] for q in raw if isinstance(q, dict) and isinstance(q.get("id"), str)]
    first_line: dict[str, int | None] = {}
    earlier: dict[str, Question] = {}
    questions: list[Question] = []
    for index, entry in enumerate(raw, start=1):
        qid = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(qid, str) and qid in first_line:
            checker.error(
                f"the id '{qid}' is already used by the question on line {first_line[qid]}",
                item=f"question '{qid}'",
                line=line_of(entry),
                fix="give this question its own id; ids must never be reused",
            )
            continue
        if isinstance(qid, str):
            first_line[qid] = line_of(entry)
        question = _parse_question(checker, entry, index, survey_pnts, earlier, all_ids, raw)
        if question is not None:
            earlier[question.id] = question
            questions.append(question)
    return questions


# --------------------------------------------------------------------------- public loaders


def catalogue_dir() -> Path:
    """The catalogue shipped with Heard."""
    return Path(__file__).resolve().parent / "catalogue"


def _catalogue_files(directory: str | Path | None) -> list[Path]:
    folder = Path(directory) if directory is not None else catalogue_dir()
    if not folder.is_dir():
        raise DataFileError(folder, "survey folder not found", fix="check the path")
    # checkin-11-17.ar.yaml is a translation (surveys.translations), not a survey
    return sorted(
        p
        for p in folder.glob("*.yaml")
        if not p.name.startswith("_") and not _TRANSLATION_NAME.match(p.name)
    )


def check_survey(path: str | Path) -> list[DataFileError]:
    """Every problem in one survey file; an empty list means it loads."""
    return _parse_survey(Path(path))[1]


def load_survey(path: str | Path) -> Survey:
    """Load and validate one survey file; raises the first DataFileError found."""
    survey, errors = _parse_survey(Path(path))
    if errors:
        raise errors[0]
    assert survey is not None
    return survey


def _check_file_name(path: Path, survey: Survey | None) -> list[DataFileError]:
    if survey is None or survey.id == path.stem:
        return []
    return [
        DataFileError(
            path,
            f"the file is named '{path.name}' but its id is '{survey.id}'",
            line=1,
            item="survey",
            fix=f"rename the file to '{survey.id}.yaml' or change the id to '{path.stem}'",
        )
    ]


def check_catalogue(directory: str | Path | None = None) -> list[DataFileError]:
    """Every problem in every survey file of a folder (files starting with _ are not surveys)."""
    try:
        files = _catalogue_files(directory)
    except DataFileError as exc:
        return [exc]
    errors: list[DataFileError] = []
    for path in files:
        survey, problems = _parse_survey(path)
        errors.extend(problems or _check_file_name(path, survey))
    return errors


def load_catalogue(directory: str | Path | None = None, language: str = "en") -> dict[str, Survey]:
    """All surveys in a folder by id; raises the first problem found.

    `language`: the surveys' words in that language (surveys.translations.localise),
    English item by item where a translation is missing."""
    if language != "en":
        from surveys.translations import localise_catalogue

        return localise_catalogue(load_catalogue(directory), language, directory)
    surveys: dict[str, Survey] = {}
    for path in _catalogue_files(directory):
        survey = load_survey(path)
        problems = _check_file_name(path, survey)
        if problems:
            raise problems[0]
        surveys[survey.id] = survey
    return surveys
