"""The calm reply a person sees at once when they tell Heard they may not be safe.

Wording lives in replies.yaml so a council can put in its own out-of-hours and
housing numbers and the role its consent text names, without touching code.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
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


def _contact(raw: Any, key: str, path: Path) -> str:
    """'the team' or 'the team on 01234 567890'."""
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
    phone = str(phone).strip()
    return f"{raw['name'].strip()} on {phone}" if phone else raw["name"].strip()


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
    for key in LINE_KEYS:
        value = lines_raw.get(key)
        at = line_of(value) or line_of(lines_raw)
        texts = value if isinstance(value, list) else [value]
        lines[key] = tuple(_check_text(t, f"lines.{key}", path, at) for t in texts)
    return Replies(
        version=str(raw.get("version", "")),
        role=role.strip(),
        out_of_hours=_contact(raw.get("out_of_hours"), "out_of_hours", path),
        housing=_contact(raw.get("housing"), "housing", path),
        workers={str(k): str(v) for k, v in workers.items()},
        adult_cohorts=frozenset(raw.get("adult_cohorts") or ()),
        carer_cohorts=frozenset(raw.get("carer_cohorts") or ()),
        lines=lines,
    )


@lru_cache(maxsize=8)
def load_replies(path: str | Path = REPLIES_PATH) -> Replies:
    """The checked reply wording, cached."""
    return compile_replies(path)


def please_read_reply(cohort: str | None = None, *, replies: Replies | None = None) -> str:
    """For a message in another language: a person will read it; help meanwhile."""
    replies = replies or load_replies()
    values = _values(replies, cohort)
    return "\n".join(line.format(**values) for line in replies.lines["please_read"])


def _values(replies: Replies, cohort: str | None) -> dict[str, str]:
    return {
        "role": replies.role,
        "worker": replies.workers.get(cohort or "", replies.workers["default"]),
        "out_of_hours": replies.out_of_hours,
        "housing": replies.housing,
        "childline": "Childline (for under 19s)"
        if cohort in replies.adult_cohorts
        else "Childline",
    }


def safeguarding_reply(
    disclosure: Disclosure, cohort: str | None = None, *, replies: Replies | None = None
) -> str:
    """The reply to show at once: thanks, who will be told, and the help that fits.

    For `urgent` the first help named is 999 and Childline 0800 1111; for housing
    trouble the council's housing help is added. A foster carer gets the lines for an
    adult worried about a child (carer_...), not Childline. What happens next (carry on
    with a check-in or not) is the channel's to say, so it is not here. The person's
    words are never echoed.
    """
    replies = replies or load_replies()
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
    return "\n".join(part.format(**values) for part in parts)


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


def contact_wording(cohort: str | None = None, *, replies: Replies | None = None) -> ContactWording:
    replies = replies or load_replies()
    values = _values(replies, cohort)
    filled = {
        key.removeprefix("contact_"): " ".join(replies.lines[key]).format(**values)
        for key in CONTACT_KEYS
    }
    return ContactWording(**filled)


def standing_help(cohort: str | None = None, *, replies: Replies | None = None) -> str:
    """The first help there always is (999, and Childline or the NSPCC), for a page that
    has no reply of its own to show, such as a closed form."""
    replies = replies or load_replies()
    prefix = "carer_" if cohort in replies.carer_cohorts else ""
    values = _values(replies, cohort)
    return "\n".join(line.format(**values) for line in replies.lines[f"{prefix}urgent_first"])
