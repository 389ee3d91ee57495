"""The engine's wording, loaded from messages.yaml and checked so no prompt is blank."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from storage.datafiles import DataFileError, line_of, load_yaml, require_mapping

MESSAGES_FILE = Path(__file__).with_name("messages.yaml")
COMMANDS = ("back", "skip", "stop", "help")
_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = "!?.,;:'\"()[]{}~*_ "


def normalise(text: str) -> str:
    """Lower case, single spaces, no edge punctuation or leading slash: 'Stop!!' -> 'stop'."""
    cleaned = _SPACES.sub(" ", text.strip().lower()).strip(_EDGE_PUNCTUATION)
    return cleaned[1:] if cleaned.startswith("/") else cleaned


@dataclass(frozen=True)
class Messages:
    consent_question: str
    consent_yes: str
    consent_no: str
    consent_declined: str
    quote_question: str
    quote_yes: str
    quote_no: str
    welcome_back: str
    new_version: str
    paused: str
    skip_not_allowed: str
    skip_not_allowed_no_rather_not: str
    cannot_go_back: str
    went_back: str
    went_back_skipped: str
    stale_button: str
    not_an_option: str
    no_open_checkin: str
    needs_profile: str
    save_failed: str
    continue_question: str
    continue_yes: str
    continue_no: str
    thanks: str
    help: str
    yes_words: frozenset[str]
    no_words: frozenset[str]
    command_words: dict[str, str]

    def command(self, text: str | None) -> str | None:
        """back / skip / stop / help when that is all the message says."""
        if text is None:
            return None
        return self.command_words.get(normalise(text))

    def yes_or_no(self, text: str | None) -> bool | None:
        if text is None:
            return None
        word = normalise(text)
        if word in self.yes_words:
            return True
        if word in self.no_words:
            return False
        return None


def _require_strings(path: Path, raw: object, item: str) -> None:
    """YAML reads bare yes/no/on/off as true/false; insist on quoted words."""
    if not isinstance(raw, list) or not all(isinstance(w, str) for w in raw):
        raise DataFileError(
            path,
            "must be a list of words",
            line=line_of(raw),
            item=item,
            fix='put words like "yes" and "no" in quotes, or YAML reads them as true/false',
        )


@lru_cache(maxsize=4)
def load_messages(path: Path = MESSAGES_FILE) -> Messages:
    data = require_mapping(path, load_yaml(path), "messages")
    values: dict[str, object] = {}
    for spec in fields(Messages):
        name = spec.name
        if name not in data:
            raise DataFileError(path, "missing", item=name, fix=f"add a '{name}:' line")
        raw = data[name]
        if name in ("yes_words", "no_words"):
            _require_strings(path, raw, name)
            values[name] = frozenset(normalise(w) for w in raw)
        elif name == "command_words":
            words = require_mapping(path, raw, name)
            unknown = set(words) - set(COMMANDS)
            if unknown:
                raise DataFileError(
                    path,
                    f"unknown command {sorted(unknown)[0]!r}",
                    line=line_of(words),
                    item=name,
                    fix=f"use only {', '.join(COMMANDS)}",
                )
            for command, listed in words.items():
                _require_strings(path, listed, f"{name}.{command}")
            values[name] = {normalise(w): cmd for cmd, ws in words.items() for w in ws}
        else:
            if not isinstance(raw, str) or not raw.strip():
                raise DataFileError(
                    path,
                    "must be some text",
                    line=line_of(data),
                    item=name,
                    fix="write the message",
                )
            values[name] = raw.strip()
    return Messages(**values)  # type: ignore[arg-type]
