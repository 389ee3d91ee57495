"""Sentiment of a comment: TextBlob polarity/subjectivity plus an emoji and emphasis layer.

TextBlob's default analyzer (Pattern's lexicon) works offline and scores plain
English well, but reads "sooo happy 😊" as if the emoji were not there and drops
a negation separated from its word by any other word ("I don't feel safe" comes
out positive). So we keep TextBlob's lexicon and its scoring rules, and change
what goes in:

- our own tokens (no NLTK corpora): text-speak spelled out, elongation undone,
  emoji and emoticons kept as tokens scored from ``data/sentiment.yaml``;
- UK slang and young people's words added to a private copy of the lexicon
  (TextBlob's shared lexicon is never modified);
- a negator is moved next to the word it negates within its clause;
- then hedges ("I guess") soften and emphasis (CAPS, "sooo", "!!") strengthens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NoReturn

from textblob.en import Sentiment as PatternSentiment
from textblob.en import sentiment as textblob_lexicon

from analysis.themes.text import (
    NEGATION_WINDOW,
    SPELLINGS_FILE,
    Token,
    Tokeniser,
    is_break,
    is_negator,
    load_spellings,
    stem,
)
from storage.datafiles import DataFileError, line_of, load_yaml, require_mapping

SENTIMENT_FILE = Path(__file__).parent / "data" / "sentiment.yaml"

Label = Literal["positive", "neutral", "negative"]


@dataclass(frozen=True, slots=True)
class Sentiment:
    """Polarity -1..1, subjectivity 0..1 and the label reports group by."""

    polarity: float
    subjectivity: float
    label: Label


@dataclass(frozen=True)
class SentimentData:
    """The validated contents of ``sentiment.yaml``."""

    positive_from: float
    negative_to: float
    words: Mapping[str, tuple[float, float]]
    phrases: Mapping[tuple[str, ...], tuple[float, float]]
    intensifiers: Mapping[str, float]
    hedges: tuple[tuple[str, ...], ...]
    hedge_factor: float
    per_signal: float
    max_signals: int
    not_shouting: frozenset[str]
    emoji: Mapping[str, float]


class SentimentScorer:
    """Built once (it copies TextBlob's lexicon); ``score`` is then cheap."""

    def __init__(self, data: SentimentData, spellings: Mapping[str, str]) -> None:
        self.data = data
        self._lexicon = _private_lexicon(data)
        self._phrases: dict[str, list[tuple[str, ...]]] = {}
        for key in sorted(data.phrases, key=len, reverse=True):
            self._phrases.setdefault(key[0], []).append(key)
        lexicon = self._lexicon
        emoji_keys = {k.lower() for k in data.emoji}
        self._tokeniser = Tokeniser(
            spellings,
            extra=emoji_keys,
            known=lambda word: word in lexicon or word in spellings,
        )

    def score(self, text: str) -> Sentiment:
        """Score one comment."""
        raw = self._tokeniser.tokens(text or "")
        words = self._prepare(self._join_phrases(raw))
        if not words:
            return Sentiment(0.0, 0.0, "neutral")
        result = self._lexicon(words)
        polarity, subjectivity = float(result[0]), float(result[1])
        if self._hedged(raw):
            polarity *= self.data.hedge_factor
        signals = min(self._emphasis(text, raw), self.data.max_signals)
        polarity *= 1.0 + self.data.per_signal * signals
        polarity = max(-1.0, min(1.0, polarity))
        return Sentiment(round(polarity, 3), round(subjectivity, 3), self._label(polarity))

    def _join_phrases(self, tokens: list[Token]) -> list[Token]:
        """Replace each listed phrase by one token that the lexicon scores."""
        if not self._phrases:
            return tokens
        stems = [stem(t.text) for t in tokens]
        out: list[Token] = []
        index = 0
        while index < len(tokens):
            for key in self._phrases.get(stems[index], ()):
                if tuple(stems[index : index + len(key)]) == key:
                    last = tokens[index + len(key) - 1]
                    out.append(Token(_phrase_word(key), tokens[index].start, last.end))
                    index += len(key)
                    break
            else:
                out.append(tokens[index])
                index += 1
        return out

    def _prepare(self, tokens: list[Token]) -> list[str]:
        """Words for TextBlob: negators as "not" and moved next to their word."""
        words = ["!" if t.text == "!" else t.text for t in tokens]
        known = self._lexicon.__contains__
        out: list[str] = []
        pending_at: int | None = None  # where a moved negator must be inserted
        for index, word in enumerate(words):
            token = tokens[index]
            if is_negator(word) and token.kind != "extra":
                target = self._negation_target(tokens, words, index)
                if target is None or target == index + 1:
                    out.append("not")
                else:
                    pending_at = target
                continue
            if pending_at == index:
                out.append("not")
                pending_at = None
            if word in self.data.intensifiers and not (
                index + 1 < len(words) and known(words[index + 1])
            ):
                continue  # "so" as a conjunction, not "so happy"
            if token.kind == "punct" and word != "!":
                out.append(".")  # a clause break TextBlob also respects
                continue
            out.append(word)
        return out

    def _negation_target(self, tokens: list[Token], words: list[str], index: int) -> int | None:
        """The first scored word within the negator's clause and window."""
        for ahead in range(index + 1, min(len(words), index + 1 + NEGATION_WINDOW)):
            if is_break(tokens[ahead]) and tokens[ahead].kind != "extra":
                return None
            if words[ahead] in self._lexicon and words[ahead] not in self.data.intensifiers:
                return ahead
        return None

    def _hedged(self, tokens: list[Token]) -> bool:
        words = tuple(t.text for t in tokens)
        for hedge in self.data.hedges:
            size = len(hedge)
            if any(words[i : i + size] == hedge for i in range(len(words) - size + 1)):
                return True
        return False

    def _emphasis(self, text: str, tokens: list[Token]) -> int:
        signals = sum(1 for t in tokens if t.elongated)
        signals += text.count("!!")
        for token in tokens:
            written = text[token.start : token.end]
            if (
                token.kind == "word"
                and len(written) >= 3
                and written.isupper()
                and written not in self.data.not_shouting
            ):
                signals += 1
        return signals

    def _label(self, polarity: float) -> Label:
        if polarity >= self.data.positive_from:
            return "positive"
        if polarity <= self.data.negative_to:
            return "negative"
        return "neutral"


@lru_cache(maxsize=1)
def default_scorer() -> SentimentScorer:
    """The scorer for the shipped data files, built once per process."""
    return SentimentScorer(load_sentiment_data(), load_spellings(SPELLINGS_FILE))


def score_sentiment(text: str) -> Sentiment:
    """Polarity, subjectivity and label for one comment (shipped data files)."""
    return default_scorer().score(text)


def _private_lexicon(data: SentimentData) -> PatternSentiment:
    """A copy of TextBlob's lexicon with our words, intensifiers and emoji added."""
    lexicon = PatternSentiment(
        path=textblob_lexicon.path,
        synset="wordnet_id",
        negations=("no", "not", "n't", "never"),
        modifiers=("RB",),
        modifier=lambda w: w.endswith("ly"),
        language="en",
    )
    len(lexicon)  # force the lazy load before we add to it
    for word, (polarity, subjectivity) in data.words.items():
        lexicon.pop(word, None)
        lexicon.annotate(word, None, polarity, subjectivity, 1.0)
    for key, (polarity, subjectivity) in data.phrases.items():
        lexicon.annotate(_phrase_word(key), None, polarity, subjectivity, 1.0)
    for word, factor in data.intensifiers.items():
        lexicon.pop(word, None)
        lexicon.annotate(word, "RB", 0.0, 0.0, factor)
    for symbol, polarity in data.emoji.items():
        lexicon.annotate(symbol.lower(), None, polarity, 1.0, 1.0)
    return lexicon


def _phrase_word(key: tuple[str, ...]) -> str:
    return "_".join(key)


def load_sentiment_data(path: str | Path = SENTIMENT_FILE) -> SentimentData:
    """Read and check ``sentiment.yaml``; errors name the line, the item and the fix."""
    data = require_mapping(path, load_yaml(path), "the file")
    labels = require_mapping(path, data.get("labels"), "labels")
    emphasis = require_mapping(path, data.get("emphasis"), "emphasis")
    words_block = require_mapping(path, data.get("words"), "words")
    words: dict[str, tuple[float, float]] = {}
    for word, value in words_block.items():
        if not _pair(value):
            _fail(path, words_block, f"words.{word}", "[polarity -1..1, subjectivity 0..1]")
        words[str(word).lower()] = (float(value[0]), float(value[1]))
    phrases_block = require_mapping(path, data.get("phrases") or {}, "phrases")
    phrases: dict[tuple[str, ...], tuple[float, float]] = {}
    for phrase, value in phrases_block.items():
        if not _pair(value):
            _fail(path, phrases_block, f"phrases.{phrase}", "[polarity -1..1, subjectivity 0..1]")
        phrases[tuple(stem(w) for w in str(phrase).lower().split())] = (
            float(value[0]),
            float(value[1]),
        )
    intensifiers = require_mapping(path, data.get("intensifiers"), "intensifiers")
    for word, factor in intensifiers.items():
        if not isinstance(factor, int | float) or not 0 < factor <= 3:
            _fail(path, intensifiers, f"intensifiers.{word}", "a number above 0, e.g. 1.5")
    emoji = require_mapping(path, data.get("emoji"), "emoji")
    for symbol, polarity in emoji.items():
        if not isinstance(polarity, int | float) or not -1 <= polarity <= 1:
            _fail(path, emoji, f"emoji.{symbol}", "a polarity from -1 to 1")
    hedges = data.get("hedges") or []
    if not isinstance(hedges, list) or not all(isinstance(h, str) for h in hedges):
        _fail(path, data, "hedges", "a list of phrases, e.g. [i guess, kind of]")
    return SentimentData(
        positive_from=_number(path, labels, "positive_from", 0, 1),
        negative_to=_number(path, labels, "negative_to", -1, 0),
        words=words,
        phrases=phrases,
        intensifiers={str(k).lower(): float(v) for k, v in intensifiers.items()},
        hedges=tuple(tuple(h.lower().split()) for h in hedges),
        hedge_factor=_number(path, data, "hedge_factor", 0, 1),
        per_signal=_number(path, emphasis, "per_signal", 0, 1),
        max_signals=int(_number(path, emphasis, "max_signals", 0, 10)),
        not_shouting=frozenset(str(w) for w in data.get("not_shouting") or []),
        emoji={str(k): float(v) for k, v in emoji.items()},
    )


def _pair(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        and -1 <= value[0] <= 1
        and 0 <= value[1] <= 1
    )


def _number(path: str | Path, block: Mapping[str, Any], key: str, low: float, high: float) -> float:
    value = block.get(key)
    if not isinstance(value, int | float) or not low <= value <= high:
        _fail(path, block, key, f"a number from {low} to {high}")
    return float(value)


def _fail(path: str | Path, block: Any, item: str, expected: str) -> NoReturn:
    raise DataFileError(
        path,
        "this value is missing or out of range",
        line=line_of(block),
        item=item,
        fix=f"write {expected}",
    )
