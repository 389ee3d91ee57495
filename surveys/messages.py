"""The engine's wording, loaded from messages.yaml and checked so no prompt is blank."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import cached_property, lru_cache
from pathlib import Path

from rapidfuzz.distance import DamerauLevenshtein

from analysis.safeguarding.replies import phone_numbers_read_left_to_right
from storage.datafiles import DataFileError, line_of, load_yaml, require_mapping
from surveys.definition import Question
from surveys.scales import Option
from surveys.script import fold

MESSAGES_FILE = Path(__file__).with_name("messages.yaml")
COMMANDS = ("back", "skip", "stop", "help")
QUOTE_UNCLEAR = "unclear"
# yes / no / unclear hold at every yes-or-no step ("Is that OK?", "carry on?", "Can we use
# your words?"); quote_yes / quote_no only at "Can we use your words?" ("use my words").
_QUOTE_MEANINGS = ("yes", "no", QUOTE_UNCLEAR, "quote_yes", "quote_no")
_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = "!?.,;:'\"()[]{}~*_ "


def normalise(text: str) -> str:
    """Lower case, single spaces, no edge punctuation or leading slash: 'Stop!!' -> 'stop'."""
    cleaned = _SPACES.sub(" ", fold(text).strip().lower()).strip(_EDGE_PUNCTUATION)
    return cleaned[1:] if cleaned.startswith("/") else cleaned


@dataclass(frozen=True)
class ChannelHints:
    """How to answer, and how to see or delete answers, in one channel's own terms."""

    how_to_answer: str
    see_or_delete: str


CHANNELS = ("telegram", "web", "webchat")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_HELD_DOWN = re.compile(r"([^\W\d_])\1{2,}")


def _words_of(text: str) -> tuple[str, ...]:
    """Lower-case words with letters held down let go: 'Yesss!!' -> ('yes',)."""
    return tuple(_HELD_DOWN.sub(r"\1", w) for w in _WORD.findall(normalise(text)))


def _phrase_table(**groups: frozenset[str]) -> dict[tuple[str, ...], str]:
    """Each phrase's words -> its group; a phrase in two groups keeps the first named."""
    table: dict[tuple[str, ...], str] = {}
    for group, phrases in groups.items():
        for phrase in phrases:
            table.setdefault(_words_of(phrase), group)
    table.pop((), None)
    return table


def _one_slip(word: str, known: frozenset[str]) -> str | None:
    """The one known word this is a single slip away from ('yse' -> 'yes'), if only one."""
    if len(word) < 3:
        return None
    close = [k for k in known if len(k) >= 3 and DamerauLevenshtein.distance(word, k) <= 1]
    return close[0] if len(close) == 1 else None


def _cover(
    words: tuple[str, ...], table: dict[tuple[str, ...], str], slips: frozenset[str] = frozenset()
) -> list[str] | None:
    """The groups of the longest phrases that cover every word in order, or None.
    A word one slip away from a word in `slips` counts as that word."""
    longest = max((len(p) for p in table), default=1)
    groups: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            group = table.get(words[i : i + size])
            if group is not None:
                groups.append(group)
                i += size
                break
        else:
            fixed = _one_slip(words[i], slips)
            if fixed is None:
                return None
            groups.append(table[(fixed,)])
            i += 1
    return groups


@dataclass(frozen=True)
class Messages:
    consent_question: str
    consent_yes: str
    consent_no: str
    consent_declined: str
    quote_question: str
    quote_yes: str
    quote_no: str
    quote_unclear: str
    step_unclear: str
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
    nothing_chosen: str
    nothing_chosen_many: str
    channel_hints: dict[str, ChannelHints]
    yes_words: frozenset[str]
    no_words: frozenset[str]
    filler_words: frozenset[str]
    resume_words: frozenset[str]
    command_words: dict[str, str]
    quote_words: dict[str, tuple[str, ...]]

    def command(self, text: str | None) -> str | None:
        """back / skip / stop / help when that is all the message says."""
        if text is None:
            return None
        return self.command_words.get(normalise(text))

    def hints(self, channel: str) -> ChannelHints:
        return self.channel_hints.get(channel) or ChannelHints("", "")

    def yes_or_no(self, text: str | None) -> bool | None:
        """True, False, or None when it isn't clearly one of them ("yes but not now").

        "ok carry on" and "nah not now" are read whole: filler words don't count, and a
        word that is both ("yeah", "ok") only says yes when nothing else is said, so
        "yeah nah" is a no."""
        if text is None:
            return None
        word = normalise(text)
        if word in self.yes_words:
            return True
        if word in self.no_words:
            return False
        table = self._yes_no_table
        slips = frozenset(p[0] for p, g in table.items() if len(p) == 1 and g in ("yes", "no"))
        groups = _cover(_words_of(text), table, slips)
        if not groups:
            return None
        said = set(groups)
        if "yes" in said and "no" not in said:
            return True
        if "no" in said and "yes" not in said:
            return False
        if said <= {"soft", "filler"} and "soft" in said:
            return True
        return None

    def asks_to_resume(self, text: str | None) -> bool:
        """'carry on', 'ok carry on', 'continue pls': picking a paused check-in up again."""
        if text is None:
            return False
        table = self._resume_table
        slips = frozenset(p[0] for p, g in table.items() if len(p) == 1 and g == "resume")
        groups = _cover(_words_of(text), table, slips)
        return groups is not None and "resume" in groups

    @cached_property
    def quote_reading(self) -> Question:
        """ "Can we use your words?" as a question of the surveys' own kind, so a typed
        answer is read as answers to questions are (surveys.matching): the buttons' words,
        the yes and no of answer_words, the no words here and `quote_words`. "unclear" is
        never an answer: "not bothered" is asked again, never taken as a yes."""
        return self.step_reading("@quote", self.quote_question, self.quote_yes, self.quote_no)

    def step_reading(self, step: str, text: str, yes_label: str, no_label: str) -> Question:
        """A yes-or-no step ("Is that OK?", "carry on?", "Can we use your words?") as a
        question of the surveys' own kind, read as `quote_reading` is. The phrases about
        quoting ("use my words", "dont quote me") answer "@quote" only: anywhere else they
        are unclear and asked again, neither a yes nor a no."""
        words = self.quote_words
        quoting = (*words.get("quote_yes", ()), *words.get("quote_no", ()))
        quote = step == "@quote"
        # Not yes_words: "go" or "start" inside a sentence ("go away") is no yes. A no
        # word found in a sentence ("later") can only ever cost a yes, never take one.
        yes = (*words.get("yes", ()), *(words.get("quote_yes", ()) if quote else ()))
        no = (
            *sorted(self.no_words),
            *words.get("no", ()),
            *(words.get("quote_no", ()) if quote else ()),
        )
        unclear = (*words.get(QUOTE_UNCLEAR, ()), *(() if quote else quoting))
        return Question(
            id=step,
            text=text,
            type="choice",
            domain="consent",
            themes=(),
            options=(
                Option(value="yes", label=yes_label, aliases=yes),
                Option(value="no", label=no_label, aliases=no),
                Option(value=QUOTE_UNCLEAR, label=QUOTE_UNCLEAR, aliases=unclear),
            ),
        )

    @cached_property
    def _yes_no_table(self) -> dict[tuple[str, ...], str]:
        soft = self.filler_words & self.yes_words
        return _phrase_table(
            soft=soft,
            filler=self.filler_words - soft,
            no=self.no_words,
            yes=self.yes_words,
        )

    @cached_property
    def _resume_table(self) -> dict[tuple[str, ...], str]:
        return _phrase_table(resume=self.resume_words, filler=self.filler_words | self.yes_words)


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


_OVERLAY_HEADER = ("language", "status", "reviewed_by", "reviewed_on")
_WORD_LISTS = ("yes_words", "no_words", "filler_words", "resume_words")


def messages_path(language: str, path: Path = MESSAGES_FILE) -> Path:
    """messages.yaml for English, messages.<code>.yaml beside it for another language."""
    return path if language == "en" else path.with_name(f"{path.stem}.{language}.yaml")


def _overlay(path: Path, english: dict[str, object], language: str) -> dict[str, object]:
    """The English messages with a language's own put over them: its sentences replace
    the English ones, its words are added to the English words (so "yes" still works)."""
    from surveys.translations import STATUSES  # here: translations imports the catalogue

    doc = require_mapping(path, load_yaml(path), "messages")
    names = {spec.name for spec in fields(Messages)}
    for key in doc:
        if key not in names and key not in _OVERLAY_HEADER:
            raise DataFileError(
                path,
                f"unknown message '{key}'",
                line=line_of(doc),
                item=str(key),
                fix=f"use the names in {MESSAGES_FILE.name}",
            )
    if doc.get("language") != language:
        raise DataFileError(
            path,
            f"this file is for '{language}' but says language: {doc.get('language')}",
            line=line_of(doc),
            item="language",
            fix=f"write 'language: {language}' at the top",
        )
    if doc.get("status") not in STATUSES:
        raise DataFileError(
            path,
            f"status '{doc.get('status')}' is not draft or reviewed",
            line=line_of(doc),
            item="status",
            fix="write 'status: draft' until a qualified translator has checked it",
        )
    merged = dict(english)
    for key, value in doc.items():
        if key in _OVERLAY_HEADER:
            continue
        if key in _WORD_LISTS:
            _require_strings(path, value, str(key))
            merged[key] = [*english[key], *value]  # type: ignore[misc]
        elif key in ("command_words", "quote_words"):
            words = require_mapping(path, value, str(key))
            base = dict(require_mapping(MESSAGES_FILE, english[key], str(key)))
            for command, listed in words.items():
                _require_strings(path, listed, f"{key}.{command}")
                base[command] = [*base.get(command, []), *listed]
            merged[key] = base
        elif key == "channel_hints":
            hints = require_mapping(path, value, "channel_hints")
            base_hints = require_mapping(MESSAGES_FILE, english[key], "channel_hints")
            merged[key] = {
                channel: {**base_hints.get(channel, {}), **(hints.get(channel) or {})}
                for channel in {*base_hints, *hints}
            }
        elif not isinstance(value, str) or not value.strip():
            raise DataFileError(
                path,
                "must be some text",
                line=line_of(doc),
                item=str(key),
                fix="write the message, or leave the line out to show the English",
            )
        else:
            merged[key] = value
    return merged


def translation_status(language: str, path: Path = MESSAGES_FILE) -> tuple[str, list[str]]:
    """(status line, messages still in English) of messages.<code>.yaml, for
    `heard surveys check`. Word lists are extras, never "missing"."""
    own = messages_path(language, path)
    if not own.exists():
        return "no file: every message is in English", []
    doc = require_mapping(own, load_yaml(own), "messages")
    status = str(doc.get("status"))
    if status == "reviewed":
        status = f"reviewed by {doc.get('reviewed_by')} on {doc.get('reviewed_on')}"
    skip = {*_WORD_LISTS, "command_words", "quote_words"}
    missing = [f.name for f in fields(Messages) if f.name not in doc and f.name not in skip]
    hints = doc.get("channel_hints") or {}
    missing += [
        f"channel_hints.{channel}.{key}"
        for channel in CHANNELS
        for key in ("how_to_answer", "see_or_delete")
        if "channel_hints" in doc and key not in (hints.get(channel) or {})
    ]
    return status, missing


@lru_cache(maxsize=8)
def load_messages(path: Path = MESSAGES_FILE, language: str = "en") -> Messages:
    """The engine's words in `language` (messages.<code>.yaml over messages.yaml); a
    message not translated yet is in English."""
    data = require_mapping(path, load_yaml(path), "messages")
    if language != "en" and messages_path(language, path).exists():
        data = _overlay(messages_path(language, path), data, language)  # type: ignore[assignment]
    values: dict[str, object] = {}
    for spec in fields(Messages):
        name = spec.name
        if name not in data:
            raise DataFileError(path, "missing", item=name, fix=f"add a '{name}:' line")
        raw = data[name]
        if name == "channel_hints":
            values[name] = _channel_hints(path, raw)
        elif name in ("yes_words", "no_words", "filler_words", "resume_words"):
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
        elif name == "quote_words":
            values[name] = _quote_words(path, raw)
        else:
            if not isinstance(raw, str) or not raw.strip():
                raise DataFileError(
                    path,
                    "must be some text",
                    line=line_of(data),
                    item=name,
                    fix="write the message",
                )
            # "0800 1111" in Arabic script showed as "1111 0800": numbers read left to right
            values[name] = phone_numbers_read_left_to_right(raw.strip())
    return Messages(**values)  # type: ignore[arg-type]


def _quote_words(path: Path, raw: object) -> dict[str, tuple[str, ...]]:
    """yes / no / unclear -> phrases, each phrase under one meaning only."""
    words = require_mapping(path, raw, "quote_words")
    found: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for meaning, listed in words.items():
        if meaning not in _QUOTE_MEANINGS:
            raise DataFileError(
                path,
                f"unknown meaning {meaning!r}",
                line=line_of(words),
                item="quote_words",
                fix=f"use only {', '.join(_QUOTE_MEANINGS)}, in quotes",
            )
        _require_strings(path, listed, f"quote_words.{meaning}")
        for phrase in listed:
            if owner.setdefault(normalise(phrase), str(meaning)) != meaning:
                raise DataFileError(
                    path,
                    f"'{phrase}' is listed under both '{owner[normalise(phrase)]}' and '{meaning}'",
                    line=line_of(listed),
                    item=f"quote_words.{meaning}",
                    fix="keep each phrase under one meaning only",
                )
        found[str(meaning)] = tuple(w.strip() for w in listed if w.strip())
    return found


def _channel_hints(path: Path, raw: object) -> dict[str, ChannelHints]:
    hints = require_mapping(path, raw, "channel_hints")
    found: dict[str, ChannelHints] = {}
    for channel in CHANNELS:
        entry = hints.get(channel)
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(key), str) for key in ("how_to_answer", "see_or_delete")
        ):
            raise DataFileError(
                path,
                f"channel '{channel}' needs how_to_answer and see_or_delete",
                line=line_of(entry) or line_of(hints),
                item=f"channel_hints.{channel}",
                fix='give both lines, each a sentence in quotes ("" for none)',
            )
        found[channel] = ChannelHints(
            entry["how_to_answer"].strip(), entry["see_or_delete"].strip()
        )
    unknown = set(hints) - set(CHANNELS)
    if unknown:
        raise DataFileError(
            path,
            f"unknown channel {sorted(unknown)[0]!r}",
            line=line_of(hints),
            item="channel_hints",
            fix=f"use only {', '.join(CHANNELS)}",
        )
    return found
