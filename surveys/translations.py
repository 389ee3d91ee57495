"""Surveys in other languages: one file per survey and language, beside the survey.

A translation never changes what a survey *is*: the same ids, option values, version
and content hash, so answers given in Arabic, Pashto and English are counted together.
It only changes the words people see. Anything not translated yet is shown in English,
item by item, and `heard surveys check` lists what is missing.

A translation file, named ``<survey id>.<language code>.yaml``::

    language: ar                      # must match the file name and surveys/languages.yaml
    survey: checkin-11-17             # must match the file name
    status: draft                     # draft: to be checked by a qualified translator
    # status: reviewed                # once checked, with who and when:
    # reviewed_by: A. Translator (Council interpreting service)
    # reviewed_on: 2026-12-01
    title: ...                        # optional survey-level words: title, intro, consent
    intro: ...
    consent: ...
    questions:
      know_social_worker:             # a question id of the survey
        text: ...
        easy_text: ...                # only if the English question has easy wording
        options:                      # choice and multi questions: value -> label
          "yes": ...
          not_sure: ...
        aliases:                      # optional: other words people type for an option
          not_sure: [...]

The standard scales (satisfaction5, faces5, yes_sometimes_no and "I'd rather not say")
are translated once for every survey, in ``surveys/scales.<code>.yaml``::

    language: ar
    status: draft
    satisfaction5: {"1": ..., "2": ..., "3": ..., "4": ..., "5": ...}
    faces5: {"1": ..., ...}
    yes_sometimes_no: {"yes": ..., "sometimes": ..., "no": ...}
    prefer_not_to_say: ...
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from storage.datafiles import DataFileError, line_of, load_yaml
from surveys import languages
from surveys.definition import (
    LABEL_MAX,
    LONG_TEXT_MAX,
    QUESTION_TEXT_MAX,
    TITLE_MAX,
    Option,
    Question,
    Survey,
    _alias_value,
    _Checker,
    _did_you_mean,
    catalogue_dir,
    check_catalogue,
    load_catalogue,
)
from surveys.scales import PREFER_NOT_TO_SAY, SCALE_TYPES

__all__ = [
    "STATUSES",
    "ScaleWords",
    "SurveyTranslation",
    "check_translations",
    "load_scale_words",
    "load_translations",
    "localise",
    "localise_catalogue",
    "missing_items",
    "translation_path",
]

STATUSES = ("draft", "reviewed")
STATUS_MEANING = {
    "draft": "to be checked by a qualified translator",
    "reviewed": "checked by a qualified translator",
}
_FILE_NAME = re.compile(r"^(?P<survey>[a-z0-9-]+)\.(?P<language>[a-z]{2,3})\.yaml$")
_TOP_KEYS = ("language", "survey", "status", "reviewed_by", "reviewed_on", "title", "intro",
             "consent", "questions")  # fmt: skip
_QUESTION_KEYS = ("text", "easy_text", "options", "aliases")
_SCALE_KEYS = ("language", "status", "reviewed_by", "reviewed_on", "satisfaction5", "faces5",
               "yes_sometimes_no", "prefer_not_to_say")  # fmt: skip
_SCALE_VALUES = {
    "satisfaction5": ("1", "2", "3", "4", "5"),
    "faces5": ("1", "2", "3", "4", "5"),
    "yes_sometimes_no": ("yes", "sometimes", "no"),
}


@dataclass(frozen=True)
class QuestionWords:
    text: str | None = None
    easy_text: str | None = None
    options: Mapping[str, str] = field(default_factory=dict)
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class SurveyTranslation:
    survey_id: str
    language: str
    status: str
    path: str
    reviewed_by: str | None = None
    reviewed_on: str | None = None
    title: str | None = None
    intro: str | None = None
    consent: str | None = None
    questions: Mapping[str, QuestionWords] = field(default_factory=dict)

    @property
    def status_text(self) -> str:
        if self.status == "reviewed":
            return f"reviewed by {self.reviewed_by} on {self.reviewed_on}"
        return f"draft ({STATUS_MEANING['draft']})"


@dataclass(frozen=True)
class ScaleWords:
    """The standard scales' labels in one language (surveys/scales.<code>.yaml)."""

    language: str
    status: str
    path: str
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    prefer_not_to_say: str | None = None
    reviewed_by: str | None = None
    reviewed_on: str | None = None

    def label(self, question_type: str, value: str) -> str | None:
        if value == PREFER_NOT_TO_SAY:
            return self.prefer_not_to_say
        return self.labels.get(question_type, {}).get(value)


def translation_path(survey_id: str, language: str, directory: str | Path | None = None) -> Path:
    folder = Path(directory) if directory is not None else catalogue_dir()
    return folder / f"{survey_id}.{language}.yaml"


def scale_words_path(language: str) -> Path:
    return Path(__file__).resolve().parent / f"scales.{language}.yaml"


# --------------------------------------------------------------------------- checking


def _header(
    checker: _Checker, doc: Mapping[str, Any], language: str, keys: Sequence[str]
) -> tuple[str | None, str | None, str | None]:
    """language, status, reviewed_by/on: the parts every translation file starts with."""
    checker.unknown_keys(doc, keys, "file")
    known = languages.load_languages()
    given = doc.get("language")
    if given is None:
        checker.error(
            "'language' is missing",
            item="language",
            line=1,
            fix=f"add 'language: {language}' at the top",
        )
    elif given != language:
        checker.error(
            f"the file name says '{language}' but it says language: {given}",
            item="language",
            line=checker.key_line(doc, "language"),
            fix=f"write 'language: {language}', or rename the file to end .{given}.yaml",
        )
    if language not in known or language == languages.DEFAULT:
        checker.error(
            f"'{language}' is not a language in surveys/languages.yaml",
            item="language",
            line=checker.key_line(doc, "language") or 1,
            fix=f"use one of {', '.join(c for c in known if c != languages.DEFAULT)}, "
            "or add the language to surveys/languages.yaml first",
        )
    status = doc.get("status")
    if status not in STATUSES:
        problem = "'status' is missing" if status is None else f"status '{status}' is not known"
        checker.error(
            problem,
            item="status",
            line=checker.key_line(doc, "status") or 1,
            fix="write 'status: draft' until a qualified translator has checked it, then "
            "'status: reviewed' with reviewed_by: and reviewed_on:",
        )
        status = None
    by, on = doc.get("reviewed_by"), doc.get("reviewed_on")
    if status == "reviewed":
        if not isinstance(by, str) or not by.strip():
            checker.error(
                "a reviewed translation must say who checked it",
                item="reviewed_by",
                line=checker.key_line(doc, "status"),
                fix="add 'reviewed_by: <name and organisation>'",
            )
        if not isinstance(on, dt.date):
            checker.error(
                "a reviewed translation must say when it was checked",
                item="reviewed_on",
                line=checker.key_line(doc, "reviewed_on") or checker.key_line(doc, "status"),
                fix="add 'reviewed_on: YYYY-MM-DD', for example reviewed_on: 2026-12-01",
            )
    return (
        status,
        by.strip() if isinstance(by, str) else None,
        on.isoformat() if isinstance(on, dt.date) else None,
    )


def _words(
    checker: _Checker, mapping: Mapping[str, Any], key: str, item: str, limit: int
) -> str | None:
    if key not in mapping:
        return None
    return checker.text(mapping, key, item, limit)


def _options(checker: _Checker, raw: object, question: Question, item: str) -> dict[str, str]:
    if raw is None:
        return {}
    if question.type in SCALE_TYPES:
        checker.error(
            f"'{question.id}' uses the standard {question.type} scale, so its answers are "
            "translated once for every survey",
            item=f"{item}.options",
            line=line_of(raw),
            fix="remove these options and put the words in surveys/scales.<code>.yaml",
        )
        return {}
    if not isinstance(raw, dict):
        checker.error(
            "options must be 'value: label' lines",
            item=f"{item}.options",
            line=line_of(raw),
            fix='write each option as   not_sure: <words>   (quote "yes" and "no")',
        )
        return {}
    found: dict[str, str] = {}
    for value, label in raw.items():
        name = _alias_value(value)
        if name not in question.values:
            checker.error(
                f"'{question.id}' has no option '{name}'",
                item=f"{item}.options",
                line=checker.key_line(raw, str(name)),
                fix=f"{_did_you_mean(name, question.values)}use one of "
                f"{', '.join(question.values)}",
            )
            continue
        if not isinstance(label, str) or not label.strip() or len(label) > LABEL_MAX:
            checker.error(
                f"the words for option '{name}' must be some text of at most {LABEL_MAX} "
                "characters",
                item=f"{item}.options.{name}",
                line=checker.key_line(raw, str(name)),
                fix="write the answer as people should see it",
            )
            continue
        found[name] = " ".join(label.split())
    return found


def _aliases(
    checker: _Checker, raw: object, question: Question, item: str
) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    found: dict[str, tuple[str, ...]] = {}
    if not isinstance(raw, dict):
        checker.error(
            "aliases must be 'value: [words]' lines",
            item=f"{item}.aliases",
            line=line_of(raw),
            fix="write them like   not_sure: [word, another word]",
        )
        return found
    for value, words in raw.items():
        name = _alias_value(value)
        if name not in question.values:
            checker.error(
                f"'{question.id}' has no option '{name}'",
                item=f"{item}.aliases",
                line=checker.key_line(raw, str(name)),
                fix=f"{_did_you_mean(name, question.values)}use one of "
                f"{', '.join(question.values)}",
            )
        elif not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            checker.error(
                f"the aliases of '{name}' must be a list of words",
                item=f"{item}.aliases.{name}",
                line=checker.key_line(raw, str(name)),
                fix="write them as [word, another word]",
            )
        else:
            found[name] = tuple(w.strip() for w in words if w.strip())
    return found


def _question_words(
    checker: _Checker, qid: object, raw: object, survey: Survey, container: Any
) -> tuple[str, QuestionWords] | None:
    ids = [q.id for q in survey.questions]
    item = f"question {qid}"
    if qid not in ids:
        checker.error(
            f"survey '{survey.id}' has no question '{qid}'",
            item=item,
            line=checker.key_line(container, str(qid)),
            fix=f"{_did_you_mean(qid, ids)}use a question id from {survey.id}.yaml",
        )
        return None
    question = survey.question(str(qid))
    if not isinstance(raw, dict):
        checker.error(
            "expected 'text:' and the other words of this question",
            item=item,
            line=checker.key_line(container, str(qid)),
            fix="indent 'text: ...' (and easy_text:, options:) under the question id",
        )
        return None
    checker.unknown_keys(raw, _QUESTION_KEYS, item)
    easy = _words(checker, raw, "easy_text", item, QUESTION_TEXT_MAX)
    if easy is not None and question.easy_text is None:
        checker.error(
            "the English question has no easy wording, so this would never be shown",
            item=f"{item}.easy_text",
            line=checker.key_line(raw, "easy_text"),
            fix="remove easy_text here, or add easy_text to the English question first",
        )
    return question.id, QuestionWords(
        text=_words(checker, raw, "text", item, QUESTION_TEXT_MAX),
        easy_text=easy,
        options=_options(checker, raw.get("options"), question, item),
        aliases=_aliases(checker, raw.get("aliases"), question, item),
    )


def parse_translation(
    path: str | Path, survey: Survey | None
) -> tuple[SurveyTranslation | None, list[DataFileError]]:
    """One translation file, checked against its English survey (None: no such survey)."""
    path = Path(path)
    checker = _Checker(path)
    match = _FILE_NAME.match(path.name)
    if match is None:
        checker.error(
            "a translation file must be named <survey id>.<language code>.yaml",
            item="file",
            fix="rename it, for example checkin-11-17.ar.yaml",
        )
        return None, checker.errors
    language = match["language"]
    try:
        doc = load_yaml(path)
    except DataFileError as exc:
        return None, [exc]
    if not isinstance(doc, dict):
        checker.error(
            "expected 'language:', 'survey:', 'status:' and 'questions:' lines",
            item="file",
            line=1,
            fix="start from another translation file and change its words",
        )
        return None, checker.errors
    status, by, on = _header(checker, doc, language, _TOP_KEYS)
    if doc.get("survey") != match["survey"]:
        checker.error(
            f"the file name says survey '{match['survey']}' but it says "
            f"survey: {doc.get('survey')}",
            item="survey",
            line=checker.key_line(doc, "survey") or 1,
            fix=f"write 'survey: {match['survey']}'",
        )
    if survey is None:
        checker.error(
            f"there is no survey '{match['survey']}' to translate",
            item="survey",
            line=checker.key_line(doc, "survey") or 1,
            fix=f"check the name against the surveys in {path.parent}, or remove this file",
        )
        return None, checker.errors
    questions: dict[str, QuestionWords] = {}
    raw_questions = doc.get("questions")
    if raw_questions is not None and not isinstance(raw_questions, dict):
        checker.error(
            "'questions' must be question ids, each with its words",
            item="questions",
            line=checker.key_line(doc, "questions"),
            fix="write   questions:   then   home_happy:   then   text: ...  indented",
        )
    elif raw_questions:
        for qid, raw in raw_questions.items():
            parsed = _question_words(checker, qid, raw, survey, raw_questions)
            if parsed is not None:
                questions[parsed[0]] = parsed[1]
    translation = SurveyTranslation(
        survey_id=survey.id,
        language=language,
        status=status or "draft",
        path=str(path),
        reviewed_by=by,
        reviewed_on=on,
        title=_words(checker, doc, "title", "title", TITLE_MAX),
        intro=_words(checker, doc, "intro", "intro", LONG_TEXT_MAX),
        consent=_words(checker, doc, "consent", "consent", LONG_TEXT_MAX),
        questions=questions,
    )
    return (None if checker.errors else translation), checker.errors


def parse_scale_words(path: str | Path) -> tuple[ScaleWords | None, list[DataFileError]]:
    path = Path(path)
    checker = _Checker(path)
    match = re.match(r"^scales\.(?P<language>[a-z]{2,3})\.yaml$", path.name)
    if match is None:
        checker.error("expected a file named scales.<code>.yaml", item="file", fix="rename it")
        return None, checker.errors
    try:
        doc = load_yaml(path)
    except DataFileError as exc:
        return None, [exc]
    if not isinstance(doc, dict):
        checker.error("expected 'key: value' lines", item="file", line=1, fix="see scales.ar.yaml")
        return None, checker.errors
    status, by, on = _header(checker, doc, match["language"], _SCALE_KEYS)
    labels: dict[str, dict[str, str]] = {}
    for scale, values in _SCALE_VALUES.items():
        raw = doc.get(scale)
        if raw is None:
            continue
        if not isinstance(raw, dict):
            checker.error(
                f"'{scale}' must be 'value: label' lines",
                item=scale,
                line=checker.key_line(doc, scale),
                fix=f"write it like {{{', '.join(f'{v!r}: ...' for v in values)}}}",
            )
            continue
        labels[scale] = {}
        for value, label in raw.items():
            name = _alias_value(value)
            if name not in values:
                checker.error(
                    f"the {scale} scale has no answer '{name}'",
                    item=scale,
                    line=checker.key_line(doc, scale),
                    fix=f"use {', '.join(values)} (in quotes)",
                )
            elif not isinstance(label, str) or not label.strip() or len(label) > LABEL_MAX:
                checker.error(
                    f"the words for '{name}' must be some text",
                    item=f"{scale}.{name}",
                    line=checker.key_line(doc, scale),
                    fix="write the answer as people should see it",
                )
            else:
                labels[scale][name] = " ".join(label.split())
    pnts = doc.get("prefer_not_to_say")
    if pnts is not None and (not isinstance(pnts, str) or not pnts.strip()):
        checker.error(
            "'prefer_not_to_say' must be some words",
            item="prefer_not_to_say",
            line=checker.key_line(doc, "prefer_not_to_say"),
            fix='write how to say "I\'d rather not say"',
        )
        pnts = None
    words = ScaleWords(
        language=match["language"],
        status=status or "draft",
        path=str(path),
        labels=labels,
        prefer_not_to_say=pnts.strip() if isinstance(pnts, str) else None,
        reviewed_by=by,
        reviewed_on=on,
    )
    return (None if checker.errors else words), checker.errors


def _translation_files(directory: str | Path | None) -> list[Path]:
    folder = Path(directory) if directory is not None else catalogue_dir()
    return sorted(
        p
        for p in folder.glob("*.*.yaml")
        if not p.name.startswith("_") and _FILE_NAME.match(p.name)
    )


def check_translations(directory: str | Path | None = None) -> list[DataFileError]:
    """Every problem in every translation file of a catalogue folder and in the scales files.

    Translations of a survey that does not load are not checked (fix the survey first)."""
    surveys: dict[str, Survey] = {}
    if not check_catalogue(directory):
        surveys = load_catalogue(directory)
    errors: list[DataFileError] = []
    for path in _translation_files(directory):
        match = _FILE_NAME.match(path.name)
        assert match is not None
        if not surveys and (path.parent / f"{match['survey']}.yaml").exists():
            continue
        errors.extend(parse_translation(path, surveys.get(match["survey"]))[1])
    for path in sorted(Path(__file__).resolve().parent.glob("scales.*.yaml")):
        errors.extend(parse_scale_words(path)[1])
    return errors


# --------------------------------------------------------------------------- loading


@lru_cache(maxsize=8)
def _load_translations(folder: str) -> dict[tuple[str, str], SurveyTranslation]:
    surveys = load_catalogue(folder)
    found: dict[tuple[str, str], SurveyTranslation] = {}
    for path in _translation_files(folder):
        match = _FILE_NAME.match(path.name)
        assert match is not None
        translation, errors = parse_translation(path, surveys.get(match["survey"]))
        if errors:
            raise errors[0]
        assert translation is not None
        found[(translation.survey_id, translation.language)] = translation
    return found


def load_translations(
    directory: str | Path | None = None,
) -> dict[tuple[str, str], SurveyTranslation]:
    """Every translation in a catalogue folder by (survey id, language); raises the first
    problem found (DataFileError naming the file, item and fix)."""
    folder = Path(directory) if directory is not None else catalogue_dir()
    return _load_translations(str(folder.resolve()))


@lru_cache(maxsize=8)
def load_scale_words(language: str) -> ScaleWords | None:
    """The standard scales in `language`, or None when there is no scales file for it."""
    path = scale_words_path(language)
    if not path.exists():
        return None
    words, errors = parse_scale_words(path)
    if errors:
        raise errors[0]
    return words


# --------------------------------------------------------------------------- localising


def _option(option: Option, label: str | None, aliases: tuple[str, ...]) -> Option:
    if label is None and not aliases:
        return option
    # The English words still work when typed, after the translation's own words.
    extra = (option.label,) if label is not None else ()
    return replace(option, label=label or option.label, aliases=(*option.aliases, *extra, *aliases))


def _question(q: Question, words: QuestionWords | None, scales: ScaleWords | None) -> Question:
    words = words or QuestionWords()
    options = tuple(
        _option(
            o,
            words.options.get(o.value) or (scales.label(q.type, o.value) if scales else None),
            words.aliases.get(o.value, ()),
        )
        for o in q.options
    )
    return replace(
        q,
        text=words.text or q.text,
        easy_text=(words.easy_text or q.easy_text) if q.easy_text else None,
        options=options,
    )


def localise(
    survey: Survey, language: str = languages.DEFAULT, directory: str | Path | None = None
) -> Survey:
    """The survey in `language`: same ids, values, version and hash; English wherever a
    word is not translated yet. `directory`: the catalogue folder holding translations."""
    language = languages.resolve(language) if language not in ("", None) else languages.DEFAULT
    original = survey.english
    if language == languages.DEFAULT:
        return original
    if survey.language == language:
        return survey
    translation = load_translations(directory).get((original.id, language))
    scales = load_scale_words(language)
    if translation is None and scales is None:
        return original
    t = translation or SurveyTranslation(original.id, language, "draft", "")
    return replace(
        original,
        title=t.title or original.title,
        intro=t.intro or original.intro,
        consent=t.consent or original.consent,
        questions=tuple(_question(q, t.questions.get(q.id), scales) for q in original.questions),
        language=language,
        original=original,
    )


def localise_catalogue(
    catalogue: Mapping[str, Survey], language: str, directory: str | Path | None = None
) -> dict[str, Survey]:
    return {sid: localise(s, language, directory) for sid, s in catalogue.items()}


def missing_items(survey: Survey, language: str, directory: str | Path | None = None) -> list[str]:
    """What people choosing `language` still see in English, as 'question.part' names."""
    survey = survey.english
    t = load_translations(directory).get((survey.id, language))
    scales = load_scale_words(language)
    missing: list[str] = []
    for name in ("title", "intro", "consent"):
        if t is None or getattr(t, name) is None:
            missing.append(name)
    for q in survey.questions:
        words = t.questions.get(q.id) if t else None
        if words is None or words.text is None:
            missing.append(f"{q.id}.text")
        if q.easy_text and (words is None or words.easy_text is None):
            missing.append(f"{q.id}.easy_text")
        for o in q.options:
            if q.type == "scale0_10":
                continue
            own = words.options.get(o.value) if words else None
            shared = scales.label(q.type, o.value) if scales else None
            if own is None and shared is None:
                missing.append(f"{q.id}.option {o.value}")
    return missing
