"""Reading typed answers the way young people actually type them.

A child who writes "v happy", "nah" or "7/10" must not be told they got it
wrong. When Heard cannot read an answer confidently it asks again kindly and
shows the choices: a wrong guess stored as a child's view is worse than asking
twice. The words live in `answer_words.yaml` so staff and Ambassadors can add
the ones they see without touching code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from storage.datafiles import DataFileError, line_of, load_yaml, require_mapping
from surveys.definition import TEXT_MAX_LENGTH, Question
from surveys.scales import PREFER_NOT_TO_SAY
from surveys.script import fold

__all__ = [
    "AnswerWords",
    "is_a_question",
    "is_plain_answer",
    "MatchResult",
    "answer_words_path",
    "load_answer_words",
    "match_answer",
    "reask_message",
]

# Markers that can never be option values (those are simple lower-case ids).
_UNSURE = "<unsure>"
_RATHER_NOT_SAY = "<rather-not-say>"
_ALL = "<all>"
_UNCLEAR = "<unclear>"

_LONGEST_ANSWER = 500  # no real choice answer is longer; skip the work and ask again
_BARRIERS = frozenset({",", ".", ";", "!", "?", "but", "though", "although", "however"})
_NEGATION_WINDOW = 3
# Negators that are also a whole "no": before or after another "not" they agree with it
# ("no im not happy", "no not safe") rather than turn it round.
_AGREEING = frozenset({"no", "nah", "nope", "لا", "نه"})
_WHOLE_FUZZY_CUTOFF = 85.0
_WORD_FUZZY_CUTOFF = 88.0
_LABEL_FUZZY_CUTOFF = 88.0
_FUZZY_MARGIN = 5.0
_OUT_OF = frozenset({"من"})  # "7 out of 10" in Arabic: ٧ من ١٠
_OUT_OF_RE = "|".join(sorted(_OUT_OF))
_SCALE_MAX = {"satisfaction5": 5, "faces5": 5, "scale0_10": 10}
_SCALE_MIN = {"satisfaction5": 1, "faces5": 1, "scale0_10": 0}
# Arabic "و" / "أو" and Pashto "او" / "یا" (as folded by surveys.script) split choices too.
_MULTI_SPLITS = (r"[,;\n+&/]", r"\b(?:and|plus|also|or|و|او|يا)\b")


@dataclass(frozen=True)
class MatchResult:
    """The reading of one typed answer.

    `ok` is True only when `value` is a valid answer to store: an option value,
    a list of option values (multi) or the text itself. Otherwise `value` is
    None and `reask` is the kind message to send back.
    """

    value: str | list[str] | None
    ok: bool
    reask: str | None = None


@dataclass(frozen=True, eq=False)
class AnswerWords:
    """The contents of answer_words.yaml, checked (hashed by identity, for caching)."""

    scale5: Mapping[str, tuple[str, ...]]
    yes_sometimes_no: Mapping[str, tuple[str, ...]]
    prefer_not_to_say: tuple[str, ...]
    unsure: tuple[str, ...]
    negators: frozenset[str]
    intensifiers: frozenset[str]
    negated: Mapping[str, Mapping[str, str]]
    intensified: Mapping[str, Mapping[str, str]]
    number_fillers: frozenset[str]
    number_words: Mapping[str, int]
    all_of_them: tuple[str, ...]
    question_starts: frozenset[str]
    question_helpers: frozenset[str]
    question_subjects: frozenset[str]
    messages: Mapping[str, str]


# --------------------------------------------------------------------------- the words file

_MESSAGES = (
    "unclear",
    "unsure",
    "rather_not_say",
    "pick_one",
    "pick_many",
    "yes_no",
    "scale0_10",
    "or_skip",
    "end",
    "empty_text",
    "too_long",
)
# Optional in every words file: how a list of choices is joined ("yes, sometimes or no").
_LIST_WORDS = {"list_comma": ", ", "or_word": " or "}
# Sections a language's answer_words.<code>.yaml may add to the English ones.
_OVERLAY_LISTS = (
    "prefer_not_to_say",
    "unsure",
    "negators",
    "intensifiers",
    "number_fillers",
    "all_of_them",
    "question_starts",
    "question_helpers",
    "question_subjects",
)
_OVERLAY_HEADER = ("language", "status", "reviewed_by", "reviewed_on")


def answer_words_path() -> Path:
    return Path(__file__).resolve().parent / "answer_words.yaml"


def _words(path: Path, doc: Mapping[str, Any], key: str) -> tuple[str, ...]:
    raw = doc.get(key)
    if not isinstance(raw, list) or not all(isinstance(w, str) and w.strip() for w in raw):
        bad = [w for w in raw if not isinstance(w, str)] if isinstance(raw, list) else raw
        raise DataFileError(
            path,
            f"'{key}' must be a list of words, found {bad!r}",
            line=line_of(raw) or line_of(doc),
            item=key,
            fix="write it as [word, another word]; put yes, no, on and off in quotes",
        )
    return tuple(w.strip() for w in raw)


def _table(
    path: Path, doc: Mapping[str, Any], key: str, values: Iterable[str]
) -> dict[str, tuple[str, ...]]:
    section = require_mapping(path, doc.get(key), key)
    allowed = tuple(values)
    table: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for value in section:
        if str(value) not in allowed:
            raise DataFileError(
                path,
                f"'{value}' is not an answer here",
                line=line_of(section),
                item=key,
                fix=f"use one of {', '.join(allowed)}, in quotes",
            )
        words = _words(path, section, value)
        for word in words:
            if owner.setdefault(_key(word), str(value)) != str(value):
                raise DataFileError(
                    path,
                    f"'{word}' is listed under both '{owner[_key(word)]}' and '{value}'",
                    line=line_of(section[value]),
                    item=key,
                    fix="keep each word under one answer only; leave unclear words out",
                )
        table[str(value)] = words
    return table


def _mapping(path: Path, doc: Mapping[str, Any], key: str) -> dict[str, dict[str, str]]:
    section = require_mapping(path, doc.get(key), key)
    return {
        str(name): {
            str(k): str(v) for k, v in require_mapping(path, inner, f"{key}.{name}").items()
        }
        for name, inner in section.items()
    }


def load_answer_words(path: str | Path | None = None, language: str = "en") -> AnswerWords:
    """Read and check an answer words file (default: the one shipped with Heard).

    `language`: the English words plus answer_words.<code>.yaml beside the file, whose
    words are added and whose messages replace the English ones."""
    if path is None:
        return _default_words(language)
    return _read_words(Path(path), language)


def words_path(language: str, path: Path | None = None) -> Path:
    base = path or answer_words_path()
    return base if language == "en" else base.with_name(f"{base.stem}.{language}.yaml")


@lru_cache(maxsize=8)
def _default_words(language: str = "en") -> AnswerWords:
    return _read_words(answer_words_path(), language)


def _overlay(path: Path, english: Mapping[str, Any], language: str) -> dict[str, Any]:
    """English words with a language's added (and its messages instead of English's)."""
    from surveys.translations import STATUSES  # here: translations imports the catalogue

    doc = require_mapping(path, load_yaml(path), "answer words")
    allowed = (*_OVERLAY_HEADER, *_OVERLAY_LISTS, "scale5", "yes_sometimes_no", "number_words",
               "messages")  # fmt: skip
    for key in doc:
        if key not in allowed:
            raise DataFileError(
                path,
                f"unknown section '{key}'",
                line=line_of(doc),
                item=str(key),
                fix=f"use only {', '.join(allowed)}",
            )
    if doc.get("language") != language or doc.get("status") not in STATUSES:
        raise DataFileError(
            path,
            f"the file must start 'language: {language}' and 'status: draft' (or reviewed)",
            line=line_of(doc),
            item="language" if doc.get("language") != language else "status",
            fix=f"write language: {language} and status: draft at the top",
        )
    merged = dict(english)
    for key in _OVERLAY_LISTS:
        if key in doc:
            merged[key] = [*english[key], *_words(path, doc, key)]
    for key in ("scale5", "yes_sometimes_no"):
        if key in doc:
            own = require_mapping(path, doc[key], key)
            base = require_mapping(path, english[key], key)
            merged[key] = {
                **base,
                **{k: [*base.get(k, []), *_words(path, own, k)] for k in own},
            }
    if "number_words" in doc:
        numbers = require_mapping(path, doc["number_words"], "number_words")
        merged["number_words"] = {**english["number_words"], **numbers}
    if "messages" in doc:
        merged["messages"] = {
            **english["messages"],
            **require_mapping(path, doc["messages"], "messages"),
        }
    return merged


def _read_words(path: Path, language: str = "en") -> AnswerWords:
    doc = require_mapping(path, load_yaml(path), "answer words")
    if language != "en" and words_path(language, path).exists():
        doc = _overlay(words_path(language, path), doc, language)  # type: ignore[assignment]
    messages = require_mapping(path, doc.get("messages"), "messages")
    for name in _MESSAGES:
        if not isinstance(messages.get(name), str):
            raise DataFileError(
                path,
                f"message '{name}' is missing",
                line=line_of(messages),
                item="messages",
                fix=f"add a '{name}:' line with the text to show",
            )
    numbers = require_mapping(path, doc.get("number_words"), "number_words")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers.values()):
        raise DataFileError(
            path,
            "number_words must map words to whole numbers",
            line=line_of(numbers),
            item="number_words",
            fix="write it like {seven: 7}",
        )
    return AnswerWords(
        scale5=_table(path, doc, "scale5", ("1", "2", "3", "4", "5")),
        yes_sometimes_no=_table(path, doc, "yes_sometimes_no", ("yes", "sometimes", "no")),
        prefer_not_to_say=_words(path, doc, "prefer_not_to_say"),
        unsure=_words(path, doc, "unsure"),
        negators=frozenset(_key(w) for w in _words(path, doc, "negators")),
        intensifiers=frozenset(_key(w) for w in _words(path, doc, "intensifiers")),
        negated=_mapping(path, doc, "negated"),
        intensified=_mapping(path, doc, "intensified"),
        number_fillers=frozenset(_key(w) for w in _words(path, doc, "number_fillers")),
        number_words={_key(str(k)): int(v) for k, v in numbers.items()},
        all_of_them=_words(path, doc, "all_of_them"),
        question_starts=frozenset(_key(w) for w in _words(path, doc, "question_starts")),
        question_helpers=frozenset(_key(w) for w in _words(path, doc, "question_helpers")),
        question_subjects=frozenset(_key(w) for w in _words(path, doc, "question_subjects")),
        messages={name: str(messages[name]).strip() for name in _MESSAGES}
        | {name: str(messages.get(name, default)) for name, default in _LIST_WORDS.items()},
    )


# --------------------------------------------------------------------------- normalising

_DROP = {0xFE0E, 0xFE0F, 0x200D, 0x20E3} | set(range(0x1F3FB, 0x1F400))
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*|[^\w\s]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})


def _tidy(text: str) -> str:
    """NFKC, straight apostrophes, no emoji modifiers, lower case, single spaces."""
    text = fold(unicodedata.normalize("NFKC", text)).translate(_APOSTROPHES)
    text = "".join(ch for ch in text if ord(ch) not in _DROP)
    return " ".join(text.casefold().split())


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(text))


def _is_punct(token: str) -> bool:
    return len(token) == 1 and token.isascii() and not token.isalnum()


def _key(text: str) -> str:
    return " ".join(_tokens(_tidy(text)))


_RUN = re.compile(r"([^\W\d_])\1{2,}")


def _unstretch(tokens: tuple[str, ...], known: frozenset[str]) -> tuple[str, ...]:
    """'sooo', 'yesss', 'goood': letters held down become a known word if one fits."""

    def fix(token: str) -> str:
        if token in known or not _RUN.search(token):
            return token
        two, one = _RUN.sub(r"\1\1", token), _RUN.sub(r"\1", token)
        return next((t for t in (two, one) if t in known), two)

    return tuple(fix(t) for t in tokens)


def _whole_only(phrase: tuple[str, ...]) -> bool:
    """One ASCII letter ("y", "k") or bare punctuation ("??") counts only on its own."""
    joined = "".join(phrase)
    return (len(joined) == 1 and joined.isascii()) or all(_is_punct(t) for t in phrase)


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class _Vocab:
    phrases: Mapping[tuple[str, ...], str]
    longest: int
    fuzzy_phrases: tuple[str, ...]
    fuzzy_values: tuple[str, ...]
    labels: tuple[str, ...]
    label_values: tuple[str, ...]
    negated: Mapping[str, str]
    intensified: Mapping[str, str]
    known: frozenset[str]


def _type_words(question: Question, words: AnswerWords) -> list[tuple[str, str]]:
    if question.type in ("satisfaction5", "faces5"):
        return [(w, v) for v, ws in words.scale5.items() for w in ws]
    pairs = [(w, v) for v, ws in words.yes_sometimes_no.items() for w in ws]
    if question.type == "yes_sometimes_no":
        return pairs
    if question.type in ("choice", "multi"):
        values = set(question.values)
        found = [(w, v) for w, v in pairs if v in values]
        unsure = values & {"not_sure", "dont_know", "unsure"}
        found += [(w, v) for v in unsure for w in words.unsure]
        return found
    return []


@lru_cache(maxsize=512)
def _vocabulary(question: Question, words: AnswerWords) -> _Vocab:
    """Every phrase that selects an answer; later entries win over earlier ones."""
    has_pnts = PREFER_NOT_TO_SAY in question.values
    entries: list[tuple[str, str]] = [(w, _UNSURE) for w in words.unsure]
    pnts = PREFER_NOT_TO_SAY if has_pnts else _RATHER_NOT_SAY
    entries += [(w, pnts) for w in words.prefer_not_to_say]
    entries += _type_words(question, words)
    if question.type == "multi":
        entries += [(w, _ALL) for w in words.all_of_them]
    labels: list[tuple[str, str]] = []
    scale = question.type in _SCALE_MAX
    for option in question.options:
        own = [option.label, *option.aliases]
        if not option.value.isdigit():
            own += [option.value, option.value.replace("_", " ")]
        if option.emoji:
            own.append(option.emoji)
        if scale:  # "7" on a 0-10 scale is read as a number, never as a label
            own = [w for w in own if not _key(w)[:1].isdecimal()]
        labels += [(w, option.value) for w in own]
    entries += labels
    phrases = {tokens: value for w, value in entries if (tokens := _tokens(_tidy(w)))}
    fuzzy = {" ".join(p): v for p, v in phrases.items() if len(" ".join(p)) >= 4 and p[0].isalpha()}
    label_keys = {_key(w): v for w, v in labels if len(_key(w)) >= 3}
    kind = "scale5" if question.type in ("satisfaction5", "faces5") else question.type
    return _Vocab(
        phrases=phrases,
        longest=max((len(p) for p in phrases), default=1),
        fuzzy_phrases=tuple(fuzzy),
        fuzzy_values=tuple(fuzzy.values()),
        labels=tuple(label_keys),
        label_values=tuple(label_keys.values()),
        negated=words.negated.get(kind, {}),
        intensified=words.intensified.get(kind, {}),
        known=frozenset(t for p in phrases for t in p)
        | words.negators
        | words.intensifiers
        | words.number_fillers
        | frozenset(words.number_words),
    )


# --------------------------------------------------------------------------- reading one answer


def _best_fuzzy(
    query: str, choices: tuple[str, ...], values: tuple[str, ...], scorer: Any, cutoff: float
) -> str | None:
    """The one value clearly closest to `query`, or None when none or two are close."""
    if not choices:
        return None
    best: dict[str, float] = {}
    for _, score, index in process.extract(
        query, choices, scorer=scorer, limit=12, score_cutoff=cutoff
    ):
        value = values[index]
        best[value] = max(best.get(value, 0.0), score)
    ranked = sorted(best.items(), key=lambda item: -item[1])
    if not ranked or (len(ranked) > 1 and ranked[0][1] - ranked[1][1] < _FUZZY_MARGIN):
        return None
    return ranked[0][0]


def _as_int(token: str, words: AnswerWords) -> int | None:
    if token.isdecimal() and len(token) <= 4:
        return int(token)
    if token in words.number_words:
        return words.number_words[token]
    if token.endswith("ish"):
        return _as_int(token[:-3], words)
    return None


def _number_expression(
    tokens: tuple[str, ...], words: AnswerWords
) -> tuple[int, int | None] | None:
    """'7', 'about 8', 'seven', '7/10', '7 out of 10', '8ish' -> (number, out_of)."""
    rest = [t for t in tokens if t not in words.number_fillers and t not in ("!", ".", "~")]
    if rest and rest[-1] == "ish":
        rest = rest[:-1]
    if not rest or (number := _as_int(rest[0], words)) is None:
        return None
    tail = rest[1:]
    if not tail:
        return number, None
    if tail[0] == "/" and len(tail) == 2:
        out_of = _as_int(tail[1], words)
    elif tail[:2] == ["out", "of"] and len(tail) == 3:
        out_of = _as_int(tail[2], words)
    elif tail[0] in _OUT_OF and len(tail) == 2:  # Arabic "٧ من ١٠"
        out_of = _as_int(tail[1], words)
    else:
        return None
    return (number, out_of) if out_of is not None else None


def _numbers_in_sentence(text: str, qtype: str) -> set[str]:
    """Digits inside a longer answer ("i'd say 7 today"); odd ones make it unclear."""
    low, high = _SCALE_MIN[qtype], _SCALE_MAX[qtype]
    found: set[str] = set()

    def in_range(number: str) -> str:
        return number if len(number) <= 4 and low <= int(number) <= high else _UNCLEAR

    for n, d in re.findall(rf"(\d+)\s*(?:/|out of|{_OUT_OF_RE})\s*(\d+)", text):
        found.add(in_range(n) if d == str(high) else _UNCLEAR)
    text = re.sub(rf"(\d+)\s*(?:/|out of|{_OUT_OF_RE})\s*(\d+)", " ", text)
    if re.search(r"(?:^|\s)-\d|\d[.,]\d", text):
        found.add(_UNCLEAR)
    for n in re.findall(r"(?<![\w.,])\d+(?![\w])", text):
        value = in_range(n)
        if value != _UNCLEAR:
            found.add(value)
    return found


def _scan(
    tokens: tuple[str, ...], vocab: _Vocab, words: AnswerWords, careful: bool = False
) -> set[str]:
    """Answer words found anywhere in a longer message, with negation and intensifiers.

    `careful`: a word that turns meaning round ("not", "dont") anywhere outside a listed
    phrase makes the message unclear ("yes u cant", "sure, not bothered"), where the
    ordinary reading looks a few words either side of an answer (`_adjust`,
    `_turned_after`: "not happy", "absolutely not")."""
    matches: list[tuple[int, int, str]] = []
    consumed: set[int] = set()
    i = 0
    while i < len(tokens):
        match = None
        for size in range(min(vocab.longest, len(tokens) - i), 0, -1):
            phrase = tokens[i : i + size]
            if phrase in vocab.phrases and not _whole_only(phrase):
                match = (size, vocab.phrases[phrase])
                break
        if (
            match is None
            and len(tokens[i]) >= 5
            and tokens[i].isalpha()
            and not (careful and tokens[i] in words.negators)
        ):
            guess = _best_fuzzy(
                tokens[i], vocab.fuzzy_phrases, vocab.fuzzy_values, fuzz.ratio, _WORD_FUZZY_CUTOFF
            )
            if guess is not None:
                match = (1, guess)
        if match is None:
            i += 1
            continue
        size, value = match
        value = _adjust(tokens, i, size, value, consumed, vocab, words)
        matches.append((i, size, value))
        consumed.update(range(i, i + size))
        i += size
    found = {
        _turned_after(tokens, start, size, value, consumed, words) for start, size, value in matches
    }
    if careful and any(t in words.negators for n, t in enumerate(tokens) if n not in consumed):
        found.add(_UNCLEAR)
    return found


def _turned_after(
    tokens: tuple[str, ...],
    start: int,
    size: int,
    value: str,
    consumed: set[int],
    words: AnswerWords,
) -> str:
    """A "not" or "dont" just after an answer turns it round: "absolutely not", "of course
    not", "i do not", "happy not": unclear, never the answer it follows. After an answer
    that already says no ("no im not", "nah i dont") it only agrees, unless it comes
    straight after a word that is itself a "not" ("never not", "dont not"): unclear."""
    if value.startswith("<"):
        return value
    negative = any(t in words.negators for t in tokens[start : start + size])
    seen = 0
    for ahead in range(start + size, len(tokens)):
        token = tokens[ahead]
        if token in _BARRIERS or ahead in consumed or seen == _NEGATION_WINDOW:
            break
        if _is_punct(token):
            continue  # "<b>absolutely</b> not": words count, not marks
        seen += 1
        if token in words.negators:
            if not negative:
                return _UNCLEAR
            if (
                ahead == start + size
                and tokens[ahead - 1] in words.negators
                and tokens[ahead - 1] not in _AGREEING
            ):
                return _UNCLEAR
            break
    return value


def _adjust(
    tokens: tuple[str, ...],
    start: int,
    size: int,
    value: str,
    consumed: set[int],
    vocab: _Vocab,
    words: AnswerWords,
) -> str:
    """Apply "really" just before, then "not" within a few words before.

    A question's own words for "no" that say no without a "not" ("unsafe", "unfair",
    "unsettled") cannot be turned round: "not unsafe" and "i dont feel unsafe" are
    unclear, never a confident yes or no.

    Before an answer that already says not ("not happy", "dont like it"), a "no" only
    agrees ("no im not happy" is unhappy); any other "not" makes a double negative
    ("never not happy"), which is unclear. A "no" a word or more before any other answer
    ("no im happy") is unclear too; straight before it, it turns it round ("no good")."""
    if start > 0 and (start - 1) not in consumed and tokens[start - 1] in words.intensifiers:
        value = vocab.intensified.get(value, value)
    for back in range(start - 1, max(start - 1 - _NEGATION_WINDOW, -1), -1):
        token = tokens[back]
        if (
            back in consumed
            and token in words.negators
            and token not in _AGREEING
            and not value.startswith("<")
            and value not in vocab.negated
            and not any(t in words.negators for t in tokens[start : start + size])
        ):
            # "i dont feel unsafe": a "not" that belongs to an earlier answer still turns
            # round a word that means no without saying not ("unsafe", "unfair")
            return _UNCLEAR
        if token in _BARRIERS or back in consumed:
            break
        if token in words.negators:
            if value.startswith("<"):
                return value
            if any(t in words.negators for t in tokens[start : start + size]):
                return value if token in _AGREEING else _UNCLEAR
            if token in _AGREEING and back < start - 1:
                return _UNCLEAR  # "no im happy", "no its bad": saying no to what?
            return vocab.negated.get(value, _UNCLEAR)
    return value


def _read_single(
    question: Question,
    text: str,
    words: AnswerWords,
    exact_only: bool = False,
    careful: bool = False,
) -> str:
    """One answer value, or a marker saying why there isn't one.

    `exact_only` stops after the whole answer and numbers, before looking for
    answer words inside a sentence or guessing at typos. `careful` (see match_answer)
    reads no numbers, drops no filler words ("yeah maybe"), lets no stray "not" by and
    guesses at typos of a whole answer only.
    """
    vocab = _vocabulary(question, words)
    tidy = _tidy(text)
    tokens = _unstretch(_tokens(tidy), vocab.known)
    plain = tuple(t for t in tokens if not _is_punct(t))
    core = tuple(t for t in plain if t not in words.number_fillers or t in words.negators)
    # careful: "maybe", "i guess" are fillers around a number, not around a consent
    for whole in (tokens, plain) if careful else (tokens, plain, core):
        if whole in vocab.phrases:
            return vocab.phrases[whole]
    number = None if careful else _read_number(question, tokens, words)
    if number is not None or exact_only:
        return number if number is not None else _UNCLEAR
    if is_a_question(text, words):
        return _UNCLEAR
    found = _scan(tokens, vocab, words, careful)
    if question.type in _SCALE_MAX:
        found |= _numbers_in_sentence(tidy, question.type)
    if len(found) == 1:
        return found.pop()
    if found:
        return _UNSURE if found == {_UNSURE} else _UNCLEAR
    joined = " ".join(plain)
    guess = _best_fuzzy(
        joined, vocab.fuzzy_phrases, vocab.fuzzy_values, fuzz.ratio, _WHOLE_FUZZY_CUTOFF
    )
    if guess is None and not careful and question.type in ("choice", "multi") and len(joined) >= 4:
        guess = _best_fuzzy(
            joined, vocab.labels, vocab.label_values, fuzz.WRatio, _LABEL_FUZZY_CUTOFF
        )
    return guess if guess is not None else _UNCLEAR


def is_a_question(text: str, words: AnswerWords | None = None) -> bool:
    """'how do i get a bus pass', 'is this anonymous?': a question of theirs, not an answer."""
    words = words or load_answer_words()
    tidy = _tidy(text)
    plain = [t for t in _tokens(tidy) if not _is_punct(t)]
    if len(plain) < 3:
        return False
    if tidy.rstrip().endswith("?") or plain[0] in words.question_starts:
        return True
    return plain[0] in words.question_helpers and plain[1] in words.question_subjects


def _read_number(question: Question, tokens: tuple[str, ...], words: AnswerWords) -> str | None:
    """A whole answer that is just a number: a scale point, or a choice's position."""
    if question.type not in (*_SCALE_MAX, "choice", "multi"):
        return None
    parsed = _number_expression(tokens, words)
    if parsed is None:
        return None
    number, out_of = parsed
    if question.type in _SCALE_MAX:
        low, high = _SCALE_MIN[question.type], _SCALE_MAX[question.type]
        if out_of not in (None, high) or not low <= number <= high:
            return _UNCLEAR
        return str(number)
    if not _numbered(question):
        return None
    if out_of is not None or not 1 <= number <= len(question.options):
        return _UNCLEAR
    return question.options[number - 1].value


def _split(text: str, level: int) -> list[str]:
    if level < len(_MULTI_SPLITS):
        return [p for p in re.split(_MULTI_SPLITS[level], text) if p.strip()]
    if re.fullmatch(r"[\d\s]+", text):
        return text.split()
    return [text]


def _numbered(question: Question) -> bool:
    """Choices can be picked by position, unless an option owns a number itself.

    In "how many social workers?" a typed 4 means four, not the fourth option,
    so such questions are listed without numbers and digits mean their aliases.
    """
    return not any(
        _key(alias).isdecimal() for option in question.options for alias in option.aliases
    )


def _read_multi(question: Question, text: str, words: AnswerWords, level: int = 0) -> list[str]:
    """'1, 3', '1 and 3', 'college and a job': split only as far as needed.

    Every part must be readable; one unreadable part means asking again rather
    than quietly dropping something the young person chose.
    """
    for exact in (True, False):
        if not exact:
            for depth in range(level, len(_MULTI_SPLITS) + 1):
                parts = _split(_tidy(text), depth)
                if len(parts) >= 2:
                    return _read_parts(question, parts, words, depth + 1)
        value = _read_single(question, text, words, exact_only=exact)
        if value == _ALL:
            return [o.value for o in question.options if o.counts]
        if value in question.values:
            return [value]
    return []


def _read_parts(question: Question, parts: list[str], words: AnswerWords, level: int) -> list[str]:
    chosen: set[str] = set()
    for part in parts:
        values = _read_multi(question, part, words, level)
        if not values:
            return []
        chosen.update(values)
    return [o.value for o in question.options if o.value in chosen]


# --------------------------------------------------------------------------- re-asking


def _lower_first(label: str) -> str:
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def _choices(question: Question, words: AnswerWords | None = None) -> str:
    m = (words or load_answer_words()).messages
    comma = m["list_comma"]
    counted = [o for o in question.options if o.counts]
    extra = [f'"{o.label}"' for o in question.options if not o.counts]
    if question.type in ("satisfaction5", "faces5"):
        shown = [" ".join(filter(None, (o.emoji, o.value, _lower_first(o.label)))) for o in counted]
    elif question.type == "yes_sometimes_no":
        # English shows the words to type (yes, sometimes or no); a translation its labels
        english = all(o.label.lower() == o.value for o in counted)
        shown = [o.value if english else o.label for o in counted] + extra
        return f"{comma.join(shown[:-1])}{m['or_word']}{shown[-1]}"
    elif question.type in ("choice", "multi"):
        if not _numbered(question):
            return comma.join(o.label for o in question.options)
        return comma.join(f"{n} {o.label}" for n, o in enumerate(question.options, start=1))
    else:
        shown = []
    return comma.join(shown + extra)


def reask_message(question: Question, reason: str = "unclear", language: str = "en") -> str:
    """The kind message that shows the choices again ("unclear", "unsure", ...)."""
    words = load_answer_words(language=language)
    m = words.messages
    tail = m["or_skip"] if question.optional else m["end"]
    if question.type == "text":
        return f"{m['empty_text']}{tail}"
    head = m.get(reason, m["unclear"])
    choices = _choices(question, words)
    if question.type == "scale0_10":
        body = m["scale0_10"] + (
            f"{m['list_comma']}{m['or_word'].strip()} {choices}" if choices else ""
        )
    elif question.type == "yes_sometimes_no":
        body = m["yes_no"].format(choices=choices)
    elif question.type == "multi":
        body = m["pick_many"].format(choices=choices)
    else:
        body = m["pick_one"].format(choices=choices)
    return f"{head} {body}{tail}"


# --------------------------------------------------------------------------- public entry


def _clean_text(text: str) -> str:
    """Free text as given, minus what no database can store (NUL, lone surrogates), with
    every line break one "\n": a web form sends CR LF, and counting that as two characters
    told a child with many short lines she had written more than she had."""
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        text = "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)
    return text.strip()


def _match_text(question: Question, text: str, language: str = "en") -> MatchResult:
    cleaned = _clean_text(text)
    if not cleaned:
        return MatchResult(None, False, reask_message(question, language=language))
    limit = question.max_length or TEXT_MAX_LENGTH
    if len(cleaned) > limit:
        message = load_answer_words(language=language).messages["too_long"]
        return MatchResult(
            None, False, message.format(length=f"{len(cleaned):,}", limit=f"{limit:,}")
        )
    return MatchResult(cleaned, True)


def _reason(marker: str) -> str:
    return {_UNSURE: "unsure", _RATHER_NOT_SAY: "rather_not_say"}.get(marker, "unclear")


def is_plain_answer(question: Question, text: str, language: str = "en") -> bool:
    """Whether the whole message is one of the question's answers and nothing else: a
    label, an answer word of `language` or a number ("مبسوط كتير", "٧", "هو").

    The engine lets such a message in another language through without a "please read"
    alert: it holds no words beyond the answer, so there is nothing for a person to read.
    Anything longer still goes to a person, since Heard reads disclosures in English only.
    """
    if question.type == "text" or not isinstance(text, str):
        return False
    stripped = text.strip()
    if not stripped or len(stripped) > _LONGEST_ANSWER:
        return False
    words = load_answer_words(language=language)
    value = _read_single(question, stripped, words, exact_only=True)
    return value in question.values or value == _ALL


def match_answer(
    question: Question, text: str, language: str = "en", *, careful: bool = False
) -> MatchResult:
    """Read what someone typed (or the value of the button they pressed).

    `language`: the person's language (surveys.languages code); its answer words
    (answer_words.<code>.yaml) are read as well as the English ones, and a re-ask is
    in that language. Pass the question as localised (surveys.translations.localise)
    so its option labels in that language are understood too.

    `careful`: for a consent, where a wrong "yes" is worse than asking again. A number
    never picks an option by its place, a "not" or "dont" anywhere outside a listed
    phrase makes the answer unclear ("absolutely not", "yes u cant"), and a whole
    answer is only guessed at from a small typo of a listed word, never from a label
    it merely looks like.

    Commands such as back, skip, stop and help are the engine's business and
    should be handled before this is called.
    """
    if not isinstance(text, str):
        text = ""
    if question.type == "text":
        return _match_text(question, text, language)
    stripped = text.strip()
    if stripped in question.values:
        return MatchResult([stripped] if question.type == "multi" else stripped, True)
    if not stripped or len(stripped) > _LONGEST_ANSWER:
        return MatchResult(None, False, reask_message(question, language=language))
    words = load_answer_words(language=language)
    if question.type == "multi":
        chosen = _read_multi(question, stripped, words)
        if chosen:
            return MatchResult(chosen, True)
        return MatchResult(None, False, reask_message(question, language=language))
    value = _read_single(question, stripped, words, careful=careful)
    if value in question.values:
        return MatchResult(value, True)
    return MatchResult(None, False, reask_message(question, _reason(value), language))
