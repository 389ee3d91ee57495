"""The languages Heard speaks, from the one file a council edits: surveys/languages.yaml.

Both halves of "Languages" read this: the survey content (translations, answer matching)
and the interface (page chrome, the chooser, right-to-left layout). Codes are lower-case,
BCP-47-ish: en, ar, ps, prs (Dari), ckb (Sorani).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from storage.datafiles import DataFileError, line_of, load_yaml, require_mapping

__all__ = [
    "DEFAULT",
    "DIRECTIONS",
    "Language",
    "best_match",
    "direction",
    "english_name",
    "is_shipped",
    "languages_path",
    "load_languages",
    "native_name",
    "resolve",
    "shipped",
    "shipped_codes",
]

DEFAULT = "en"
DIRECTIONS = ("ltr", "rtl")
_CODE = re.compile(r"^[a-z]{2,3}$")
_KEYS = ("code", "native_name", "english_name", "direction", "shipped")


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str
    english_name: str
    direction: str
    shipped: bool

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"


def languages_path() -> Path:
    return Path(__file__).resolve().parent / "languages.yaml"


def _entry(path: Path, raw: object, number: int, seen: set[str]) -> Language:
    entry = require_mapping(path, raw, f"language {number}")
    item = f"language {entry.get('code', number)}"
    line = line_of(entry)
    unknown = [k for k in entry if k not in _KEYS]
    if unknown:
        raise DataFileError(
            path,
            f"unknown key '{unknown[0]}'",
            line=line,
            item=item,
            fix=f"use only {', '.join(_KEYS)}",
        )
    missing = [k for k in _KEYS if k not in entry]
    if missing:
        raise DataFileError(
            path, f"'{missing[0]}' is missing", line=line, item=item, fix=f"add {missing[0]}: ..."
        )
    code = entry["code"]
    if not isinstance(code, str) or not _CODE.match(code):
        raise DataFileError(
            path,
            f"'{code}' is not a language code",
            line=line,
            item=item,
            fix="use a lower-case code of 2 or 3 letters, like ar, ps or prs",
        )
    if code in seen:
        raise DataFileError(
            path, f"'{code}' is listed twice", line=line, item=item, fix="keep one entry"
        )
    for key in ("native_name", "english_name"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise DataFileError(
                path, f"'{key}' must be some words", line=line, item=item, fix=f"write {key}: ..."
            )
    if entry["direction"] not in DIRECTIONS:
        raise DataFileError(
            path,
            f"direction '{entry['direction']}' is not ltr or rtl",
            line=line,
            item=item,
            fix="write direction: rtl for Arabic script, ltr otherwise",
        )
    if not isinstance(entry["shipped"], bool):
        raise DataFileError(
            path,
            "'shipped' must be true or false",
            line=line,
            item=item,
            fix="write shipped: true or shipped: false",
        )
    seen.add(code)
    return Language(
        code, entry["native_name"].strip(), entry["english_name"].strip(),
        entry["direction"], entry["shipped"],
    )  # fmt: skip


def load_languages(path: str | Path | None = None) -> dict[str, Language]:
    """Every language in the file by code; raises DataFileError naming the file, item and fix."""
    path = Path(path) if path is not None else languages_path()
    doc = require_mapping(path, load_yaml(path), "languages file")
    raw = doc.get("languages")
    if not isinstance(raw, list) or not raw:
        raise DataFileError(
            path,
            "'languages' must be a list",
            line=line_of(doc),
            item="languages",
            fix="write languages: and one '- {code: ..., ...}' line per language",
        )
    seen: set[str] = set()
    found = {lang.code: lang for lang in (_entry(path, r, n, seen) for n, r in enumerate(raw, 1))}
    if DEFAULT not in found or not found[DEFAULT].shipped:
        raise DataFileError(
            path,
            "English (en) must be listed and shipped",
            line=line_of(raw),
            item="languages",
            fix="keep the en line with shipped: true; every translation falls back to it",
        )
    return found


@lru_cache(maxsize=1)
def _languages() -> dict[str, Language]:
    return load_languages()


def shipped() -> tuple[Language, ...]:
    """The languages offered to people: English first, then in file order."""
    offered = [lang for lang in _languages().values() if lang.shipped]
    return tuple(sorted(offered, key=lambda lang: lang.code != DEFAULT))


def shipped_codes() -> tuple[str, ...]:
    return tuple(lang.code for lang in shipped())


def is_shipped(code: str | None) -> bool:
    return code in shipped_codes()


def direction(code: str | None) -> str:
    """ "rtl" or "ltr"; a code Heard does not know is "ltr"."""
    lang = _languages().get(code or "")
    return lang.direction if lang else "ltr"


def native_name(code: str) -> str:
    lang = _languages().get(code)
    return lang.native_name if lang else code


def english_name(code: str) -> str:
    lang = _languages().get(code)
    return lang.english_name if lang else code


def resolve(raw: str | None) -> str:
    """A shipped code for whatever a channel holds ("AR", "ar-SA", "fa-AF"); else "en"."""
    if not raw or not isinstance(raw, str):
        return DEFAULT
    tag = raw.strip().lower().replace("_", "-")
    if tag in ("fa-af", "prs-af"):
        tag = "prs"
    codes = shipped_codes()
    if tag in codes:
        return tag
    base = tag.split("-", 1)[0]
    return base if base in codes else DEFAULT


def best_match(accept_language: str | None) -> str:
    """The shipped language a browser's Accept-Language header likes best, else "en"."""
    if not accept_language:
        return DEFAULT
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if tag and weight > 0:
            ranked.append((-weight, position, tag))
    for _, _, tag in sorted(ranked):
        code = resolve(tag)
        if code != DEFAULT or tag.lower().startswith(DEFAULT):
            return code
    return DEFAULT
