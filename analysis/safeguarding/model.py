"""The statistical second opinion: a small linear model over word and letter n-grams.

The lexicon is the explainable core; this model catches wording nobody wrote a
pattern for. It is trained (train.py) on the labelled messages we may tune on and
shipped as JSON: no pickle, only whole numbers, so scoring needs no scikit-learn
(numpy alone) and one message scores in tens of microseconds.

N-grams are hashed (CRC-32) into a fixed number of buckets, so the file stays a few
hundred KB however many n-grams the training messages hold; `contributions` still
names the n-grams of a message that moved its score, for a reviewer.

Beside the n-grams it can read meaning: a model file may name an `encoder`, a static
sentence embedding (the mean of word-piece vectors shipped in the `wordllama` package,
read from its files with `tokenizers` and `safetensors`, never downloaded), so that
"nobody would notice if i was gone" sits near "i want to disappear" though they share
no n-gram. Chosen by leave-one-set-out scores (train.py, benchmarks/README.md); a model
file whose encoder cannot be read is refused (ValueError), and the detector then runs
the lexicon alone, as for a missing file.

Two heads share the features:

- `joint`: one multinomial regression over "none" and the 13 categories. The chance
  a message is risky is 1 - P(none) (learning the categories together separates a
  disclosure from a look-alike better than a yes/no model did, cross-validated), and
  its category is the likeliest of the 13;
- `level`: the chance a risky message is urgent rather than a concern.

Thresholds chosen on cross-validated scores of the training messages only
(train.py) say when it speaks: `threshold` (raise a disclosure the lexicon missed),
`veto_below` (dismiss a lexicon match graded a concern in a message marked as a
joke; a match graded urgent is never dismissed), `dismiss_below` (a fixed bar, chosen
leaving one training set out: dismiss a lexicon match graded a concern that the model
reads as clearly harmless, where nothing in the message says it matters),
`urgent_from` (grade a disclosure only the model found urgent), `raise_from` (raise
a lexicon match graded a concern to urgent: a stricter bar) and `urgent_threshold`
(raise a disclosure the lexicon missed at a lower score when the model is as sure it is
urgent as `raise_from` asks: missing "whats the quickest way to die that doesnt hurt"
costs more than a lead's minute on a false alarm, so urgent wording gets a lower bar).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from analysis.text_vectors import (  # noqa: F401
    ENCODER,
    EncoderUnavailable,
    StaticEncoder,
    bucket,
    encode,
    encoder,
    features,
)

# The n-grams and the encoder live in analysis/text_vectors.py (shared with the theme
# model); imported here under their old names, which callers and tests use.
from analysis.versioned_files import newest_file

MODEL_DIR = Path(__file__).with_name("model")
MODEL_GLOB = "sg-model-*.json"
FORMAT = "heard-safeguarding-linear/2"
# Format 3 adds the encoder's weights ("dense") beside the n-grams'.
FORMAT_DENSE = "heard-safeguarding-linear/3"
FORMATS = (FORMAT, FORMAT_DENSE)

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


def _sigmoid(value: float) -> float:
    return float(1.0 / (1.0 + np.exp(-max(-30.0, min(30.0, value)))))


@dataclass(frozen=True)
class Opinion:
    """What the model makes of one message.

    `score` is the chance it is risky, `urgent` the chance it is urgent if risky;
    `speaks` is False for a message too short for the model to judge, and then
    `flagged`, `dismisses`, `clearly_harmless`, `grades_urgent` and `raises` are all False.
    """

    score: float
    category: str
    version: str
    flagged: bool
    urgent: float = 0.0
    speaks: bool = True
    dismisses: bool = False
    clearly_harmless: bool = False
    grades_urgent: bool = False
    raises: bool = False


@dataclass(frozen=True)
class LinearModel:
    """Weights read from a model file (whole numbers, divided by `scale` when loaded)."""

    version: str
    threshold: float
    veto_below: float
    urgent_threshold: float
    dismiss_below: float
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
    # The meaning part (format 3): the encoder, how much its unit vector weighs beside
    # the unit n-gram vector, and each head's weights over its dimensions.
    encoder: StaticEncoder | None = field(default=None, repr=False)
    dense_weight: float = 0.0
    joint_dense: np.ndarray | None = field(default=None, repr=False)  # classes x dims
    level_dense: np.ndarray | None = field(default=None, repr=False)  # dims

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearModel:
        if data.get("format") not in FORMATS:
            raise ValueError(f"not a {' or '.join(FORMATS)} model file")
        scale = float(data["scale"])
        buckets = int(data["buckets"])
        classes = tuple(data["classes"])
        joint = np.asarray(data["joint"]["weights"], dtype=float) / scale
        level = np.asarray(data["level"]["weights"], dtype=float) / scale
        if classes[0] != "none" or joint.shape != (len(classes), buckets):
            raise ValueError("joint weights must be one row per class, 'none' first")
        if level.shape != (buckets,):
            raise ValueError("level weights must be one per bucket")
        dense: dict[str, Any] = {}
        if data["format"] == FORMAT_DENSE:
            dense = cls._dense(data, scale, len(classes))
        return cls(
            version=str(data["version"]),
            threshold=float(data["threshold"]),
            veto_below=float(data.get("veto_below", 0.0)),
            urgent_threshold=float(data.get("urgent_threshold", data["threshold"])),
            dismiss_below=float(data.get("dismiss_below", 0.0)),
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
            **dense,
        )

    @staticmethod
    def _dense(data: dict[str, Any], scale: float, classes: int) -> dict[str, Any]:
        """The meaning part of a format-3 file, with the very encoder it was trained with."""
        spec = data["encoder"]
        found = encoder(str(spec["name"]))
        if spec.get("sha256") != found.sha256:
            raise EncoderUnavailable(
                f"the installed {found.name} vectors are not those model {data['version']} "
                "learned from (sha256 differs)"
            )
        joint = np.asarray(data["joint"]["dense"], dtype=float) / scale
        level = np.asarray(data["level"]["dense"], dtype=float) / scale
        if joint.shape != (classes, found.dims) or level.shape != (found.dims,):
            raise ValueError("dense weights must be one per class and encoder dimension")
        return {
            "encoder": found,
            "dense_weight": float(spec["weight"]),
            "joint_dense": joint,
            "level_dense": level,
        }

    @classmethod
    def load(cls, path: str | Path) -> LinearModel:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def _heads(self, text: str) -> tuple[np.ndarray, float]:
        """The class probabilities (joint head) and the urgent probability (level head)."""
        index, scale = self.encode(text)
        logits = self.joint_bias + scale * self.joint_weights[:, index].sum(axis=1)
        level = self.level_bias + scale * float(self.level_weights[index].sum())
        if self.encoder is not None and self.joint_dense is not None:
            meaning = self.dense_weight * self.encoder.embed(text)
            logits = logits + self.joint_dense @ meaning
            level += float(self.level_dense @ meaning) if self.level_dense is not None else 0.0
        logits = np.exp(logits - logits.max())
        return logits / logits.sum(), _sigmoid(level)

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
            flagged=score >= self.threshold
            or (score >= self.urgent_threshold and urgent >= self.raise_from),
            urgent=urgent,
            dismisses=score < self.veto_below,
            clearly_harmless=score < self.dismiss_below,
            grades_urgent=urgent >= self.urgent_from,
            raises=urgent >= self.raise_from,
        )

    def contributions(self, text: str, top: int = 8) -> list[tuple[str, float]]:
        """The n-grams that pushed the risky score most (+ towards a disclosure); the
        encoder's share, if any, as "meaning"."""
        present = sorted(set(features(text)))
        if not present:
            return []
        scale = 1.0 / np.sqrt(len(present))
        away_from_none = self.joint_weights[1:].mean(axis=0) - self.joint_weights[0]
        pairs = [(f, scale * float(away_from_none[bucket(f, self.buckets)])) for f in present]
        if self.encoder is not None and self.joint_dense is not None:
            towards = self.joint_dense[1:].mean(axis=0) - self.joint_dense[0]
            meaning = self.dense_weight * self.encoder.embed(text)
            pairs.append(("meaning", float(towards @ meaning)))
        return sorted(pairs, key=lambda pair: -abs(pair[1]))[:top]


def shipped_model_path() -> Path | None:
    """The newest model file in model/ (by version number), or None if none ships."""
    return newest_file(MODEL_DIR, MODEL_GLOB)


@lru_cache(maxsize=1)
def shipped_model() -> LinearModel | None:
    """The shipped model, loaded once on first use; None if no model file ships."""
    path = shipped_model_path()
    return LinearModel.load(path) if path else None


def model_version() -> str | None:
    model = shipped_model()
    return model.version if model else None
