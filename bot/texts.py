"""The bot's own wording, loaded from texts.yaml and checked so nothing shown is blank.

Other languages: texts.<code>.yaml beside it (texts.ar.yaml, texts.ps.yaml) gives the same
keys in that language, and is checked on load the same way, plus: no key the English file
lacks (a typo would otherwise be silently ignored), and the same {placeholders} as the
English text. A text not translated yet is shown in English (one text at a time, so a
council can ship a language before every line is done); the typed "stop" phrases of a
language are added to the English ones."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from analysis.safeguarding.replies import phone_numbers_read_left_to_right
from storage.datafiles import DataFileError, line_of, load_yaml, require_mapping
from storage.models import AGE_BANDS, COHORTS, SESSION_STATES

TEXTS_FILE = Path(__file__).with_name("texts.yaml")
COMMANDS = (
    "start",
    "checkin",
    "back",
    "skip",
    "offer",
    "yousaid",
    "help",
    "privacy",
    "mydata",
    "forgetme",
    "settings",
    "stop",
    "language",
)
FREQUENCIES = {"weekly": 7, "fortnightly": 14, "monthly": 30, "never": 0}
# What each mapping must name, so a council editing the file cannot drop a button.
_REQUIRED_KEYS: dict[str, tuple[str, ...]] = {
    "cohort_labels": COHORTS,
    "age_labels": AGE_BANDS,
    "frequencies": tuple(FREQUENCIES),
    "frequency_now": ("none", "every"),
    "commands": COMMANDS,
    "mydata_states": SESSION_STATES,
}
# Lists of words and phrases for matching (not shown), kept lower case.
_PHRASE_LISTS = ("stop_phrases",)


@dataclass(frozen=True)
class Texts:
    welcome: str
    who_are_you: str
    cohort_labels: dict[str, str]
    age_question: str
    age_labels: dict[str, str]
    age_16_or_17: str
    age_under_16: str
    under_16: str
    under_16_joined: str
    you_chose: str
    profile_saved: str
    progress: str
    done_button: str
    skip_button: str
    skipped: str
    pick_one_first: str
    stale_button: str
    forged_button: str
    contact_answered_before: str
    care_leaver_welcome: str
    checkin_offer: str
    menu_offer_button: str
    menu_checkin_button: str
    menu_later_button: str
    menu_help_button: str
    checkin_later: str
    menu: str
    back_to_checkin: str
    offer_hint: str
    start_first: str
    sorry_help: str
    unknown_command: str
    no_checkin_back: str
    no_checkin_skip: str
    not_words: str
    voice: str
    caption_read: str
    reply_passed_on: str
    contact_passed_on_yes: str
    contact_passed_on_no: str
    stop_phrases: tuple[str, ...]
    help_footer: str
    privacy: str
    mydata_title: str
    mydata_who: str
    mydata_unknown: str
    mydata_quote: str
    mydata_yes: str
    mydata_no: str
    mydata_reminders: str
    mydata_checkin: str
    mydata_states: dict[str, str]
    mydata_no_answers: str
    mydata_offer_questions: str
    mydata_safeguarding: str
    mydata_caption: str
    mydata_empty: str
    mydata_filename: str
    forgetme_confirm: str
    forgetme_yes: str
    forgetme_no: str
    forgetme_done: str
    forgetme_nothing: str
    forgetme_cancelled: str
    yousaid_title: str
    yousaid_item: str
    yousaid_empty: str
    offer_ask: str
    offer_placeholder: str
    offer_coming_soon: str
    settings: str
    settings_frequency_question: str
    settings_quiet_question: str
    settings_saved: str
    settings_change_profile: str
    frequencies: dict[str, str]
    frequency_now: dict[str, str]
    quiet_label: str
    stop: str
    reminder_offer: str
    reminder_offer_no: str
    reminder_offer_saved: str
    reminder_offer_declined: str
    reminder: str
    reminder_button: str
    language_question: str
    language_saved: str
    commands: dict[str, str]


def _text(path: Path, value: object, item: str, line: int | None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(path, "must be some text", line=line, item=item, fix="write the text")
    return value.strip()


def _phrases(path: Path, raw: object, item: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw or not all(isinstance(w, str) for w in raw):
        raise DataFileError(
            path,
            "must be a list of words",
            line=line_of(raw),
            item=item,
            fix='write one phrase a line, each starting "- "',
        )
    return tuple(" ".join(w.lower().split()) for w in raw if w.strip())


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def texts_path(language: str, path: Path = TEXTS_FILE) -> Path:
    """texts.yaml's file for `language`: texts.ar.yaml beside it."""
    return path.with_name(f"{path.stem}.{language}{path.suffix}")


def _check_same_placeholders(
    path: Path, english: str, translated: object, item: str, line: int | None
) -> None:
    if not isinstance(translated, str):
        return  # _text says what is wrong
    want, got = set(_PLACEHOLDER.findall(english)), set(_PLACEHOLDER.findall(translated))
    if want != got:
        raise DataFileError(
            path,
            f"has placeholders {sorted(got)} but the English text has {sorted(want)}",
            line=line,
            item=item,
            fix="keep every {name} in braces exactly as in texts.yaml, translating only the words",
        )


# A translation's own lines, as in every other translation file: which language, and
# whether a qualified translator has checked it.
TRANSLATION_HEADER = ("language", "status", "reviewed_by", "reviewed_on")


def _check_status(path: Path, data: dict[str, Any]) -> None:
    status = data.get("status", "draft")
    if status not in ("draft", "reviewed"):
        raise DataFileError(
            path,
            f"has status {status!r}",
            line=line_of(data),
            item="status",
            fix="use 'draft' (to be checked by a qualified translator) or 'reviewed'",
        )
    if status == "reviewed" and not (data.get("reviewed_by") and data.get("reviewed_on")):
        raise DataFileError(
            path,
            "is marked reviewed without who checked it and when",
            line=line_of(data),
            item="status",
            fix="add reviewed_by: (the translator) and reviewed_on: (the date)",
        )


def _overlay(path: Path, english: dict[str, Any]) -> dict[str, Any]:
    """The English texts with the language file's translations laid over them, checked."""
    data = require_mapping(path, load_yaml(path), "texts")
    _check_status(path, data)
    merged = dict(english)
    for key, raw in data.items():
        if key in TRANSLATION_HEADER:
            continue
        if key not in english:
            raise DataFileError(
                path,
                "is not a text the bot has",
                line=line_of(data),
                item=str(key),
                fix="check the name against texts.yaml, or remove the line",
            )
        if key in _PHRASE_LISTS:
            merged[key] = list(english[key]) + list(_phrases(path, raw, key))
        elif key in _REQUIRED_KEYS:
            mapping = require_mapping(path, raw, key)
            inner = dict(english[key])
            for sub, text in mapping.items():
                if sub not in inner:
                    raise DataFileError(
                        path,
                        "is not in texts.yaml",
                        line=line_of(mapping),
                        item=f"{key}.{sub}",
                        fix=f"use one of: {', '.join(map(str, inner))}",
                    )
                _check_same_placeholders(
                    path, str(inner[sub]), text, f"{key}.{sub}", line_of(mapping)
                )
                inner[sub] = _text(path, text, f"{key}.{sub}", line_of(mapping))
            merged[key] = inner
        else:
            _check_same_placeholders(path, str(english[key]), raw, str(key), line_of(data))
            merged[key] = _text(path, raw, str(key), line_of(data))
    return merged


@lru_cache(maxsize=16)
def load_texts(path: Path = TEXTS_FILE, language: str = "en") -> Texts:
    """The bot's words in `language` (English wherever texts.<code>.yaml has no line)."""
    data: dict[str, Any] = require_mapping(path, load_yaml(path), "texts")
    other = texts_path(language, path)
    if language != "en" and other.exists():
        data = _overlay(other, data)
    values: dict[str, object] = {}
    for spec in fields(Texts):
        name = spec.name
        if name not in data:
            raise DataFileError(path, "missing", item=name, fix=f"add a '{name}:' line")
        raw = data[name]
        if name in _PHRASE_LISTS:
            values[name] = _phrases(path, raw, name)
        elif name in _REQUIRED_KEYS:
            mapping = require_mapping(path, raw, name)
            missing = [key for key in _REQUIRED_KEYS[name] if key not in mapping]
            if missing:
                raise DataFileError(
                    path,
                    f"no text for {missing[0]!r}",
                    line=line_of(mapping),
                    item=name,
                    fix=f"add '{missing[0]}:' under '{name}:'",
                )
            values[name] = {
                str(key): phone_numbers_read_left_to_right(
                    _text(path, text, f"{name}.{key}", line_of(mapping))
                )
                for key, text in mapping.items()
            }
        else:
            # "0800 1111" in Arabic script showed as "1111 0800": numbers read left to right
            values[name] = phone_numbers_read_left_to_right(_text(path, raw, name, line_of(data)))
    return Texts(**values)  # type: ignore[arg-type]
