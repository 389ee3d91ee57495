"""The statistical second opinion: a small linear model over word and letter n-grams.

The lexicon is the explainable core; this model catches wording nobody wrote a
pattern for. It is trained (train.py) on the labelled messages we may tune on and
shipped as JSON: no pickle, only whole numbers, so scoring needs no scikit-learn
(numpy alone) and one message scores in tens of microseconds.

N-grams are hashed (CRC-32) into a fixed number of buckets, so the file stays a few
hundred KB however many n-grams the training messages hold; `contributions` still
names the n-grams of a message that moved its score, for a reviewer.

Two heads share the features:

- `joint`: one multinomial regression over "none" and the 13 categories. The chance
  a message is risky is 1 - P(none) (learning the categories together separates a
  disclosure from a look-alike better than a yes/no model did, cross-validated), and
  its category is the likeliest of the 13;
- `level`: the chance a risky message is urgent rather than a concern.

Thresholds chosen on cross-validated scores of the training messages only
(train.py) say when it speaks: `threshold` (raise a disclosure the lexicon missed),
`veto_below` (dismiss a lexicon match graded a concern as a look-alike; a match
graded urgent is never dismissed), `urgent_from` (grade a disclosure only the model
found urgent) and `raise_from` (raise a lexicon match graded a concern to urgent: a
stricter bar).
"""

from __future__ import annotations

import json
import re
import unicodedata
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

MODEL_DIR = Path(__file__).with_name("model")
MODEL_GLOB = "sg-model-*.json"
FORMAT = "heard-safeguarding-linear/2"

_APOSTROPHES = re.compile(r"['’‘`´ʼʹ′＇]")
_TOKEN = re.compile(r"[^\W_]+")
_WORD = re.compile(r"[^\W\d_]{2,}|\b[ai]\b", re.IGNORECASE)
# The model speaks (raises, dismisses or grades) only on a message of at least this
# many words. A survey answer ("2 and 3", "i dont know tbh") has fewer, and so does
# most random text. Cross-validated on the training messages, the model found no
# disclosure of three or four words that the lexicon missed and raised one false
# alarm there, so short messages stay the lexicon's job.
MIN_WORDS = 5


def word_count(text: str) -> int:
    """Words of letters (two or more, or "a"/"i"): digits and emoji do not count."""
    return len(_WORD.findall(text))


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


def bucket(feature: str, buckets: int) -> int:
    """Where an n-gram's weight lives: CRC-32 is the same on every machine and Python."""
    return zlib.crc32(feature.encode("utf-8", "surrogatepass")) % buckets


def encode(text: str, buckets: int) -> tuple[np.ndarray, float]:
    """The buckets of a message's distinct n-grams and the scale that makes it unit length.

    A message is a binary vector of its distinct n-grams scaled to length 1; training
    (train.py) builds exactly the same vector.
    """
    present = sorted(set(features(text)))
    if not present:
        return np.zeros(0, dtype=np.intp), 0.0
    index = np.fromiter((bucket(f, buckets) for f in present), dtype=np.intp, count=len(present))
    return index, 1.0 / np.sqrt(len(present))


def _sigmoid(value: float) -> float:
    return float(1.0 / (1.0 + np.exp(-max(-30.0, min(30.0, value)))))


@dataclass(frozen=True)
class Opinion:
    """What the model makes of one message.

    `score` is the chance it is risky, `urgent` the chance it is urgent if risky;
    `speaks` is False for a message too short for the model to judge, and then
    `flagged`, `dismisses`, `grades_urgent` and `raises` are all False.
    """

    score: float
    category: str
    version: str
    flagged: bool
    urgent: float = 0.0
    speaks: bool = True
    dismisses: bool = False
    grades_urgent: bool = False
    raises: bool = False


@dataclass(frozen=True)
class LinearModel:
    """Weights read from a model file (whole numbers, divided by `scale` when loaded)."""

    version: str
    threshold: float
    veto_below: float
    urgent_from: float
    raise_from: float
    min_words: int
    buckets: int
    classes: tuple[str, ...]
    joint_weights: np.ndarray = field(repr=False)  # classes x buckets
    joint_bias: np.ndarray = field(repr=False)
    level_weights: np.ndarray = field(repr=False)  # buckets
    level_bias: float = 0.0
    trained_on: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} model file")
        scale = float(data["scale"])
        buckets = int(data["buckets"])
        classes = tuple(data["classes"])
        joint = np.asarray(data["joint"]["weights"], dtype=float) / scale
        level = np.asarray(data["level"]["weights"], dtype=float) / scale
        if classes[0] != "none" or joint.shape != (len(classes), buckets):
            raise ValueError("joint weights must be one row per class, 'none' first")
        if level.shape != (buckets,):
            raise ValueError("level weights must be one per bucket")
        return cls(
            version=str(data["version"]),
            threshold=float(data["threshold"]),
            veto_below=float(data.get("veto_below", 0.0)),
            urgent_from=float(data.get("urgent_from", 1.01)),
            raise_from=float(data.get("raise_from", 1.01)),
            min_words=int(data.get("min_words", MIN_WORDS)),
            buckets=buckets,
            classes=classes,
            joint_weights=joint,
            joint_bias=np.asarray(data["joint"]["bias"], dtype=float),
            level_weights=level,
            level_bias=float(data["level"]["bias"]),
            trained_on=dict(data.get("trained_on", {})),
        )

    @classmethod
    def load(cls, path: str | Path) -> LinearModel:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def _heads(self, text: str) -> tuple[np.ndarray, float]:
        """The class probabilities (joint head) and the urgent probability (level head)."""
        index, scale = self.encode(text)
        logits = self.joint_bias + scale * self.joint_weights[:, index].sum(axis=1)
        logits = np.exp(logits - logits.max())
        urgent = _sigmoid(self.level_bias + scale * float(self.level_weights[index].sum()))
        return logits / logits.sum(), urgent

    def encode(self, text: str) -> tuple[np.ndarray, float]:
        return encode(text, self.buckets)

    def score(self, text: str) -> float:
        """The chance `text` is a disclosure: 1 - P(none)."""
        return float(1.0 - self._heads(text)[0][0])

    def category(self, text: str) -> str:
        """The likeliest of the categories (never "none")."""
        probabilities = self._heads(text)[0]
        return self.classes[1 + int(np.argmax(probabilities[1:]))]

    def opinion(self, text: str) -> Opinion:
        probabilities, urgent = self._heads(text)
        score = float(1.0 - probabilities[0])
        category = self.classes[1 + int(np.argmax(probabilities[1:]))]
        if word_count(text) < self.min_words:
            return Opinion(score, category, self.version, False, urgent, speaks=False)
        return Opinion(
            score,
            category,
            self.version,
            flagged=score >= self.threshold,
            urgent=urgent,
            dismisses=score < self.veto_below,
            grades_urgent=urgent >= self.urgent_from,
            raises=urgent >= self.raise_from,
        )

    def contributions(self, text: str, top: int = 8) -> list[tuple[str, float]]:
        """The n-grams that pushed the risky score most (+ towards a disclosure)."""
        present = sorted(set(features(text)))
        if not present:
            return []
        scale = 1.0 / np.sqrt(len(present))
        away_from_none = self.joint_weights[1:].mean(axis=0) - self.joint_weights[0]
        pairs = [(f, scale * float(away_from_none[bucket(f, self.buckets)])) for f in present]
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
