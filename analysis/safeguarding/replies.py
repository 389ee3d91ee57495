"""The calm reply a person sees at once when they tell Heard they may not be safe.

Wording lives in replies.yaml so a council can put in its own out-of-hours and
housing numbers and the role its consent text names, without touching code.

The same help in another language lives beside it, in replies.<code>.yaml (replies.ar.yaml,
replies.ps.yaml): the same keys, each optional (a missing one is said in English), checked
on load like the English file, plus one rule of their own: a translated line names exactly
the numbers its English line names, in the digits on a UK phone's keypad (999, 0800 1111),
so a translation can never change where a child is sent for help. The council's own
numbers (out of hours, housing) always come from the English file. Each translation says
its `status`: `draft` ("to be checked by a qualified translator") until a council marks it
`reviewed`; `heard surveys check` lists them.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from storage.datafiles import DataFileError, line_of, load_yaml

from .detector import Disclosure

REPLIES_PATH = Path(__file__).with_name("replies.yaml")
PLACEHOLDERS = frozenset({"role", "worker", "out_of_hours", "housing", "childline"})
CONTACT_KEYS = (
    "contact_ask",
    "contact_yes",
    "contact_no",
    "contact_how",
    "contact_first_name",
    "contact_worker",
    "contact_phone",
    "contact_thanks",
    "contact_thanks_chat",
    "contact_declined",
)
LINE_KEYS = (
    "thanks",
    "told",
    "urgent_first",
    "urgent_more",
    "concern",
    "homelessness",
    "please_read",
    "carer_told",
    "carer_urgent_first",
    "carer_urgent_more",
    "carer_concern",
    *CONTACT_KEYS,
)
# Said when what was typed into the "how can they reach you?" form needs putting right.
# Optional in replies.yaml (these are the English words when it has none).
CONTACT_PROBLEM_DEFAULTS = {
    "contact_need_one": (
        "Please tell us at least one way to reach you: your first name and your worker's "
        "name, or a phone number. Or choose \u201cNo, thank you\u201d."
    ),
    "contact_bad_phone": (
        "That doesn't look like a phone number. Please check it, or leave it empty."
    ),
    "contact_too_long": "That is a bit long. Please make it shorter.",
}
# Right-to-left writing: a number such as 0800 1111 must still read left to right (the
# bidirectional algorithm would show "1111 0800"), so each is wrapped in a left-to-right
# isolate (U+2066 ... U+2069) when the words around it are in Arabic script. Web pages and
# Telegram both honour these; nothing is added to English.
_RTL_LETTERS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
LRI, PDI = "\u2066", "\u2069"
TRANSLATION_STATUSES = ("draft", "reviewed")
DRAFT = "draft: to be checked by a qualified translator"
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
# A phone number or short code as written in a line: digits, maybe spaced ("0800 1111").
_NUMBER = re.compile(r"\d(?:[\d ]*\d)?")
_BLAMING = re.compile(
    r"plac\w* (?:themselves|yourself) at risk|put\w* (?:themselves|yourself) at risk|"
    r"risky behaviou?r|your (?:own )?fault|should have known",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Replies:
    """The checked reply wording."""

    version: str
    role: str
    out_of_hours: str
    housing: str
    workers: dict[str, str]
    adult_cohorts: frozenset[str]
    carer_cohorts: frozenset[str]
    lines: dict[str, tuple[str, ...]]
    # How Childline is named ({childline}): for young people, and for adults (under 19s).
    childline: str = "Childline"
    childline_adult: str = "Childline (for under 19s)"
    # The language these words are in; a translation's review status; and the keys a
    # translation leaves to English (said in English, listed by `heard surveys check`).
    language: str = "en"
    status: str = "reviewed"
    in_english: tuple[str, ...] = ()
    path: str = ""
    # The council's own numbers as replies.yaml gives them (out of hours, housing).
    phones: tuple[str, str] = ("", "")
    # {role} for a cohort that has words of its own (adults who know "safeguarding lead").
    roles: dict[str, str] = field(default_factory=dict)


def _contact(raw: Any, key: str, path: Path) -> str:
    """'the team' or 'the team on 01234 567890'."""
    name, phone = _contact_parts(raw, key, path)
    return f"{name} on {phone}" if phone else name


def _contact_parts(raw: Any, key: str, path: Path) -> tuple[str, str]:
    """The team's name and its number ("" for none)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"].strip():
        raise DataFileError(
            path,
            "needs a name",
            line=line_of(raw),
            item=key,
            fix=f"write '{key}:' with an indented 'name: ...' and optional 'phone: ...'",
        )
    phone = raw.get("phone") or ""
    if not isinstance(phone, str | int):
        raise DataFileError(
            path,
            "the phone must be text",
            line=line_of(raw),
            item=f"{key}.phone",
            fix='write it in quotes, e.g. "01234 567890"',
        )
    return raw["name"].strip(), str(phone).strip()


def _check_text(text: Any, item: str, path: Path, line: int | None) -> str:
    if not isinstance(text, str) or not text.strip():
        raise DataFileError(
            path,
            "expected a line of text",
            line=line,
            item=item,
            fix="write the sentence in quotes",
        )
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise DataFileError(
            path,
            f"a {{ }} placeholder is broken ({exc})",
            line=line,
            item=item,
            fix="write placeholders as {worker}",
        ) from None
    unknown = names - PLACEHOLDERS
    if unknown:
        raise DataFileError(
            path,
            f"unknown placeholder {{{sorted(unknown)[0]}}}",
            line=line,
            item=item,
            fix=f"use only {', '.join('{' + p + '}' for p in sorted(PLACEHOLDERS))}",
        )
    if _BLAMING.search(text):
        raise DataFileError(
            path,
            "this wording blames the young person",
            line=line,
            item=item,
            fix="describe what will happen and the help on offer, not what they did",
        )
    return text.strip()


def compile_replies(path: str | Path) -> Replies:
    """Read and check replies.yaml; errors name the file, line, item and fix."""
    path = Path(path)
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise DataFileError(
            path, "expected 'key: value' lines", fix="start from the shipped replies.yaml"
        )
    role = raw.get("safeguarding_role")
    if not isinstance(role, str) or not role.strip():
        raise DataFileError(
            path,
            "the safeguarding role is missing",
            line=line_of(raw),
            item="safeguarding_role",
            fix="name the role your consent text names, e.g. our safeguarding lead",
        )
    roles = raw.get("safeguarding_roles") or {}
    if not isinstance(roles, dict) or not all(
        isinstance(v, str) and v.strip() for v in roles.values()
    ):
        raise DataFileError(
            path,
            "safeguarding_roles must be 'cohort: words' lines",
            line=line_of(roles) or line_of(raw),
            item="safeguarding_roles",
            fix="indent one line per cohort, e.g. 'carer: our safeguarding lead'",
        )
    workers = raw.get("workers")
    if not isinstance(workers, dict) or not isinstance(workers.get("default"), str):
        raise DataFileError(
            path,
            "workers needs at least a default",
            line=line_of(workers) or line_of(raw),
            item="workers",
            fix="add 'default: your social worker or personal adviser (PA)' under workers:",
        )
    lines_raw = raw.get("lines")
    if not isinstance(lines_raw, dict):
        raise DataFileError(
            path, "the lines block is missing", line=line_of(raw), item="lines", fix="add 'lines:'"
        )
    lines: dict[str, tuple[str, ...]] = {}
    for key in (*LINE_KEYS, *CONTACT_PROBLEM_DEFAULTS):
        value = lines_raw.get(key)
        if value is None and key in CONTACT_PROBLEM_DEFAULTS:
            lines[key] = (CONTACT_PROBLEM_DEFAULTS[key],)
            continue
        at = line_of(value) or line_of(lines_raw)
        texts = value if isinstance(value, list) else [value]
        lines[key] = tuple(_check_text(t, f"lines.{key}", path, at) for t in texts)
    return Replies(
        version=str(raw.get("version", "")),
        role=role.strip(),
        roles={str(k): str(v).strip() for k, v in roles.items()},
        out_of_hours=_contact(raw.get("out_of_hours"), "out_of_hours", path),
        housing=_contact(raw.get("housing"), "housing", path),
        workers={str(k): str(v) for k, v in workers.items()},
        adult_cohorts=frozenset(raw.get("adult_cohorts") or ()),
        carer_cohorts=frozenset(raw.get("carer_cohorts") or ()),
        lines=lines,
        path=str(path),
        phones=(
            _contact_parts(raw.get("out_of_hours"), "out_of_hours", path)[1],
            _contact_parts(raw.get("housing"), "housing", path)[1],
        ),
    )


def numbers_read_left_to_right(text: str) -> str:
    """`text` with each phone number isolated left to right, if it is right-to-left text."""
    if not _RTL_LETTERS.search(text):
        return text
    return _NUMBER.sub(lambda found: f"{LRI}{found.group(0)}{PDI}", text)


_PHONE = re.compile(r"\d{3,}(?: \d{3,})*")


def phone_numbers_read_left_to_right(text: str) -> str:
    """Like `numbers_read_left_to_right`, for any right-to-left text a channel shows (the
    engine's and the bot's words): only numbers of three digits or more ("999", "0800
    1111", "116 123") are isolated, so a short number in a sentence ("16 or 17") that
    a button or a typed answer is compared with stays as written."""
    if not _RTL_LETTERS.search(text):
        return text
    return _PHONE.sub(lambda found: f"{LRI}{found.group(0)}{PDI}", text)


def translation_path(code: str, english: str | Path = REPLIES_PATH) -> Path:
    """replies.ar.yaml beside replies.yaml."""
    english = Path(english)
    return english.with_name(f"{english.stem}.{code}{english.suffix}")


def _placeholders(texts: tuple[str, ...]) -> set[str]:
    return {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}


def _numbers(texts: tuple[str, ...]) -> list[str]:
    return sorted("".join(found.split()) for text in texts for found in _NUMBER.findall(text))


def _name(raw: Any, key: str, path: Path) -> str | None:
    """A translated team's name ('name:' only: its number is the English file's)."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"].strip():
        raise DataFileError(
            path,
            "needs a name",
            line=line_of(raw),
            item=key,
            fix=f"write '{key}:' with an indented 'name: ...', or leave it out to use English",
        )
    if raw.get("phone"):
        raise DataFileError(
            path,
            "a translation does not hold phone numbers",
            line=line_of(raw),
            item=f"{key}.phone",
            fix="put the number in replies.yaml; every language uses it from there",
        )
    return raw["name"].strip()


def _optional_text(raw: Any, key: str, path: Path, line: int | None) -> str | None:
    return None if raw is None else _check_text(raw, key, path, line)


def compile_translation(path: str | Path, english: Replies, code: str) -> Replies:
    """Read and check replies.<code>.yaml over the English replies: every key optional
    (English where missing), a line keeps its English line's placeholders and numbers."""
    path = Path(path)
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise DataFileError(
            path, "expected 'key: value' lines", fix="start from the shipped replies.ar.yaml"
        )
    said = raw.get("language")
    if said != code:
        raise DataFileError(
            path,
            f"the file says language {said!r}, but its name says {code!r}",
            line=line_of(raw),
            item="language",
            fix=f"write 'language: {code}' (or rename the file)",
        )
    status = raw.get("status")
    if status not in TRANSLATION_STATUSES:
        raise DataFileError(
            path,
            "the status is missing or unknown",
            line=line_of(raw),
            item="status",
            fix="write 'status: draft' until a qualified translator has checked it, "
            "then 'status: reviewed'",
        )
    known = {
        "version", "language", "status", "safeguarding_role", "out_of_hours", "housing",
        "workers", "childline", "childline_adult", "lines", "reviewed_by", "reviewed_on",
    }  # fmt: skip
    unknown = sorted(set(raw) - known)
    if unknown:
        raise DataFileError(
            path,
            f"unknown key {unknown[0]!r}",
            line=line_of(raw),
            item=unknown[0],
            fix=f"use only {', '.join(sorted(known))}",
        )
    role = _optional_text(raw.get("safeguarding_role"), "safeguarding_role", path, line_of(raw))
    workers_raw = raw.get("workers") or {}
    if not isinstance(workers_raw, dict):
        raise DataFileError(
            path,
            "workers must be 'cohort: words' lines",
            line=line_of(raw),
            item="workers",
            fix="indent one line per cohort under workers:, as in replies.yaml",
        )
    workers = dict(english.workers)
    for cohort, words in workers_raw.items():
        if str(cohort) not in english.workers:
            raise DataFileError(
                path,
                f"unknown cohort {cohort!r}",
                line=line_of(workers_raw),
                item=f"workers.{cohort}",
                fix=f"use the cohorts replies.yaml names: {', '.join(english.workers)}",
            )
        workers[str(cohort)] = _check_text(words, f"workers.{cohort}", path, line_of(workers_raw))
    lines_raw = raw.get("lines") or {}
    if not isinstance(lines_raw, dict):
        raise DataFileError(
            path, "lines must be 'key: text' lines", line=line_of(raw), item="lines",
            fix="indent one line per key under lines:, as in replies.yaml",
        )  # fmt: skip
    unknown = sorted(set(lines_raw) - set(english.lines))
    if unknown:
        raise DataFileError(
            path,
            f"unknown line {unknown[0]!r}",
            line=line_of(lines_raw),
            item=f"lines.{unknown[0]}",
            fix="use the keys replies.yaml has (a spelling mistake?)",
        )
    lines = dict(english.lines)
    in_english: list[str] = []
    for key, english_texts in english.lines.items():
        value = lines_raw.get(key)
        if value is None:
            in_english.append(key)
            continue
        at = line_of(value) or line_of(lines_raw)
        texts = value if isinstance(value, list) else [value]
        checked = tuple(_check_text(t, f"lines.{key}", path, at) for t in texts)
        if any(not ch.isascii() for text in checked for ch in text if ch.isdigit()):
            raise DataFileError(
                path,
                "a number is not written in the digits on a UK phone",
                line=at,
                item=f"lines.{key}",
                fix="write numbers as 0123456789 (999, 0800 1111): they are what to dial",
            )
        numbers = ", ".join(_numbers(english_texts)) or "none"
        if _numbers(checked) != _numbers(english_texts):
            raise DataFileError(
                path,
                f"the numbers are not the English line's ({numbers})",
                line=at,
                item=f"lines.{key}",
                fix="keep every number of the English line exactly, and add none",
            )
        if _placeholders(checked) != _placeholders(english_texts):
            wanted = ", ".join("{" + p + "}" for p in sorted(_placeholders(english_texts)))
            raise DataFileError(
                path,
                "the {placeholders} are not the English line's",
                line=at,
                item=f"lines.{key}",
                fix=f"use exactly {wanted or 'no placeholders'}, or delete the line to use English",
            )
        lines[key] = checked
    out_of_hours = _name(raw.get("out_of_hours"), "out_of_hours", path)
    housing = _name(raw.get("housing"), "housing", path)
    return Replies(
        version=str(raw.get("version", english.version)),
        role=role or english.role,
        # English words for a cohort only where the translation keeps English's role
        roles={} if role else english.roles,
        out_of_hours=_with_phone(out_of_hours, english.out_of_hours, english.phones[0]),
        housing=_with_phone(housing, english.housing, english.phones[1]),
        phones=english.phones,
        workers=workers,
        adult_cohorts=english.adult_cohorts,
        carer_cohorts=english.carer_cohorts,
        lines=lines,
        childline=_optional_text(raw.get("childline"), "childline", path, line_of(raw))
        or english.childline,
        childline_adult=_optional_text(
            raw.get("childline_adult"), "childline_adult", path, line_of(raw)
        )
        or english.childline_adult,
        language=code,
        status=str(status),
        in_english=tuple(in_english),
        path=str(path),
    )


def _with_phone(name: str | None, english: str, phone: str) -> str:
    """The translated team's name with the English file's number ('X: 01234 567890')."""
    if name is None:
        return english
    return f"{name}: {phone}" if phone else name


@lru_cache(maxsize=16)
def load_replies(path: str | Path = REPLIES_PATH, language: str = "en") -> Replies:
    """The checked reply wording in `language` (a translation over English, English
    where it has no file or no line), cached."""
    english = compile_replies(path) if language == "en" else load_replies(path)
    if language == "en" or not _LANGUAGE_CODE.match(language):
        return english
    translated = translation_path(language, path)
    if not translated.is_file():
        return english
    return compile_translation(translated, english, language)


def translations(path: str | Path = REPLIES_PATH) -> tuple[Replies, ...]:
    """Every replies.<code>.yaml beside `path`, checked, in code order."""
    path = Path(path)
    found = []
    for file in sorted(path.parent.glob(f"{path.stem}.*{path.suffix}")):
        code = file.name[len(path.stem) + 1 : -len(path.suffix)]
        if _LANGUAGE_CODE.match(code):
            found.append(load_replies(path, code))
    return tuple(found)


def has_replies(language: str, path: str | Path = REPLIES_PATH) -> bool:
    """Heard has the safeguarding help in this language (English always)."""
    return language == "en" or (
        bool(_LANGUAGE_CODE.match(language)) and translation_path(language, path).is_file()
    )


def please_read_reply(
    cohort: str | None = None, *, replies: Replies | None = None, language: str = "en"
) -> str:
    """For a message in another language: a person will read it; help meanwhile."""
    replies = replies or load_replies(language=language)
    values = _values(replies, cohort)
    return numbers_read_left_to_right(
        "\n".join(line.format(**values) for line in replies.lines["please_read"])
    )


def _values(replies: Replies, cohort: str | None) -> dict[str, str]:
    return {
        "role": replies.roles.get(cohort or "", replies.role),
        "worker": replies.workers.get(cohort or "", replies.workers["default"]),
        "out_of_hours": replies.out_of_hours,
        "housing": replies.housing,
        "childline": replies.childline_adult
        if cohort in replies.adult_cohorts
        else replies.childline,
    }


def safeguarding_reply(
    disclosure: Disclosure,
    cohort: str | None = None,
    *,
    replies: Replies | None = None,
    language: str = "en",
) -> str:
    """The reply to show at once: thanks, who will be told, and the help that fits.

    For `urgent` the first help named is 999 and Childline 0800 1111; for housing
    trouble the council's housing help is added. A foster carer gets the lines for an
    adult worried about a child (carer_...), not Childline. What happens next (carry on
    with a check-in or not) is the channel's to say, so it is not here. The person's
    words are never echoed. `language`: in that language where Heard has it.
    """
    replies = replies or load_replies(language=language)
    values = _values(replies, cohort)
    lines = replies.lines
    prefix = "carer_" if cohort in replies.carer_cohorts else ""
    urgent = disclosure.level == "urgent"
    parts = [*lines["thanks"]]
    if urgent:
        parts += [
            *lines[f"{prefix}urgent_first"],
            *lines[f"{prefix}told"],
            *lines[f"{prefix}urgent_more"],
        ]
    else:
        parts += [*lines[f"{prefix}told"], *lines[f"{prefix}concern"]]
    if "homelessness" in disclosure.categories:
        parts += lines["homelessness"]
    return numbers_read_left_to_right("\n".join(part.format(**values) for part in parts))


@dataclass(frozen=True)
class ContactWording:
    """The words for asking whether someone should get in touch, filled in for a cohort."""

    ask: str
    yes: str
    no: str
    how: str
    first_name: str
    worker: str
    phone: str
    thanks: str
    thanks_chat: str
    declined: str
    need_one: str = CONTACT_PROBLEM_DEFAULTS["contact_need_one"]
    bad_phone: str = CONTACT_PROBLEM_DEFAULTS["contact_bad_phone"]
    too_long: str = CONTACT_PROBLEM_DEFAULTS["contact_too_long"]
    language: str = "en"


def contact_wording(
    cohort: str | None = None, *, replies: Replies | None = None, language: str = "en"
) -> ContactWording:
    replies = replies or load_replies(language=language)
    values = _values(replies, cohort)
    filled = {
        key.removeprefix("contact_"): numbers_read_left_to_right(
            " ".join(replies.lines[key]).format(**values)
        )
        for key in (*CONTACT_KEYS, *CONTACT_PROBLEM_DEFAULTS)
    }
    return ContactWording(**filled, language=replies.language)


def standing_help(
    cohort: str | None = None, *, replies: Replies | None = None, language: str = "en"
) -> str:
    """The first help there always is (999, and Childline or the NSPCC), for a page that
    has no reply of its own to show, such as a closed form."""
    replies = replies or load_replies(language=language)
    prefix = "carer_" if cohort in replies.carer_cohorts else ""
    values = _values(replies, cohort)
    return numbers_read_left_to_right(
        "\n".join(line.format(**values) for line in replies.lines[f"{prefix}urgent_first"])
    )
