"""The statistical second opinion: a small linear model over word and letter n-grams.

The lexicon is the explainable core; this model catches wording nobody wrote a
pattern for. It is a logistic regression trained (train.py) on the labelled messages
we may tune on, shipped as JSON weights: no pickle, nothing but numbers and the
n-grams they belong to, so a reviewer can read what it learned and scoring needs no
scikit-learn. One message scores in tens of microseconds.

Two heads share the features: `risky` (is this a disclosure at all: a probability)
and `category` (which kind, for a disclosure the lexicon did not name).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_DIR = Path(__file__).with_name("model")
MODEL_GLOB = "sg-model-*.json"
FORMAT = "heard-safeguarding-linear/1"

_APOSTROPHES = re.compile(r"['’‘`´ʼʹ′＇]")
_TOKEN = re.compile(r"[^\W_]+")
_WORD = re.compile(r"[^\W\d_]{2,}|\b[ai]\b", re.IGNORECASE)
# The model speaks only on a message of at least this many words: it learned from
# messages, and a short survey answer ("2 and 3", "i dont know tbh") is out of its depth.
# Short disclosures ("i want to die") are the lexicon's job.
MIN_WORDS = 5


def long_enough(text: str) -> bool:
    """True when `text` has at least MIN_WORDS words of letters."""
    return len(_WORD.findall(text)) >= MIN_WORDS


def features(text: str) -> list[str]:
    """The n-grams the model sees: words, word pairs and 3-5 letter pieces of words.

    Shared by training and scoring, so both read a message the same way. Letter
    pieces make the model forgiving of typos and text-speak ("kil", "wnat").
    """
    text = _APOSTROPHES.sub("", unicodedata.normalize("NFKC", text).casefold())
    words = _TOKEN.findall(text)
    found = [f"w {w}" for w in words]
    found += [f"b {a} {b}" for a, b in zip(words, words[1:], strict=False)]
    for word in words:
        padded = f"<{word}>"
        for size in (3, 4, 5):
            found += [f"c {padded[i : i + size]}" for i in range(len(padded) - size + 1)]
    return found


@dataclass(frozen=True)
class Opinion:
    """What the model makes of one message."""

    score: float
    category: str
    version: str
    flagged: bool


@dataclass(frozen=True)
class LinearModel:
    """Weights read from a model file; `score` is the probability a message is risky."""

    version: str
    threshold: float
    categories: tuple[str, ...]
    risky_weights: dict[str, float]
    risky_bias: float
    category_weights: dict[str, tuple[float, ...]]
    category_bias: tuple[float, ...]
    trained_on: dict[str, Any]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} model file")
        categories = tuple(data["categories"])
        return cls(
            version=str(data["version"]),
            threshold=float(data["threshold"]),
            categories=categories,
            risky_weights={k: float(v) for k, v in data["risky"]["weights"].items()},
            risky_bias=float(data["risky"]["bias"]),
            category_weights={
                k: tuple(float(x) for x in v) for k, v in data["category"]["weights"].items()
            },
            category_bias=tuple(float(x) for x in data["category"]["bias"]),
            trained_on=dict(data.get("trained_on", {})),
        )

    @classmethod
    def load(cls, path: str | Path) -> LinearModel:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def _vector(self, text: str) -> tuple[set[str], float]:
        """The distinct features, and the L2 norm's inverse used in training."""
        present = set(features(text))
        return present, (1.0 / math.sqrt(len(present)) if present else 0.0)

    def score(self, text: str) -> float:
        present, scale = self._vector(text)
        weights = self.risky_weights
        total = self.risky_bias + scale * sum(weights.get(f, 0.0) for f in present)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))

    def category(self, text: str) -> str:
        present, scale = self._vector(text)
        totals = list(self.category_bias)
        for feature in present:
            row = self.category_weights.get(feature)
            if row:
                for index, weight in enumerate(row):
                    totals[index] += scale * weight
        return self.categories[max(range(len(totals)), key=totals.__getitem__)]

    def opinion(self, text: str) -> Opinion:
        score = self.score(text)
        flagged = score >= self.threshold and long_enough(text)
        category = self.category(text) if flagged else ""
        return Opinion(score, category, self.version, flagged)

    def contributions(self, text: str, top: int = 8) -> list[tuple[str, float]]:
        """The n-grams that pushed the score most, to show a reviewer why it fired."""
        present, scale = self._vector(text)
        pairs = [(f, scale * self.risky_weights[f]) for f in present if f in self.risky_weights]
        return sorted(pairs, key=lambda pair: -abs(pair[1]))[:top]


def shipped_model_path() -> Path | None:
    """The newest model file in model/ (versions sort by name), or None if none ships."""
    paths = sorted(MODEL_DIR.glob(MODEL_GLOB))
    return paths[-1] if paths else None


@lru_cache(maxsize=1)
def shipped_model() -> LinearModel | None:
    """The shipped model, loaded once on first use; None if no model file ships."""
    path = shipped_model_path()
    return LinearModel.load(path) if path else None


def model_version() -> str | None:
    model = shipped_model()
    return model.version if model else None
