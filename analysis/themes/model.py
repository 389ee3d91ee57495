"""The themes' statistical second opinion: one small linear model per theme.

The lexicon (lexicon.yaml, carers_lexicon.yaml) is the explainable core. Beside it,
one logistic regression per theme (one-vs-rest) reads the comment's hashed word and
letter n-grams and its meaning (a static sentence embedding), exactly as the
safeguarding model does (the features live in analysis/text_vectors.py). It is
trained by benchmarks/train_theme_model.py on the comments we may tune on and shipped
as JSON of whole numbers, so scoring needs numpy alone.

For each theme two thresholds, chosen on cross-validated scores of the training
comments only (analysis/themes/train.py), say when the model speaks:

- `add_from`: the model tags a theme no lexicon word found ("nobody listens when i
  say i want to stay" is being heard though it names no listed word); with
  `add_when_silent` (the shipped model) only in a comment where the lexicon found no
  theme at all, so it fills silence rather than piling themes on;
- `veto_below`: the model drops a lexicon theme it is very sure is absent, for a word
  mentioned in passing ("my mate from school came round" is not about school).
  1.01 / 0.0 mean "never" for a theme where cross-validation found no gain. With
  `spare_only_theme` (model 2026.12-5 on) it drops a theme only beside another lexicon
  theme: a passing mention beside what the comment is about, never the one thing the
  lexicon found (leaving each training set out, those vetoes were wrong 39 times in 71).

A comment with fewer than `min_words` words is left to the lexicon alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from analysis.text_vectors import StaticEncoder, encode, encoder
from analysis.versioned_files import newest_file

MODEL_DIR = Path(__file__).with_name("model")
MODEL_GLOB = "themes-model-*.json"
FORMAT = "heard-themes-linear/1"
MIN_WORDS = 3

_WORD = re.compile(r"[^\W\d_]{2,}|\b[ai]\b", re.IGNORECASE)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


@dataclass(frozen=True)
class ThemeScore:
    """What the model makes of one theme for one comment."""

    theme: str
    score: float  # the chance the comment is about the theme
    adds: bool  # confident enough to tag it without a lexicon word
    vetoes: bool  # sure enough it is absent to drop a lexicon match


@dataclass(frozen=True)
class ThemeModel:
    """Weights read from a model file (whole numbers, divided by `scale` when loaded)."""

    version: str
    buckets: int
    themes: tuple[str, ...]
    weights: np.ndarray = field(repr=False)  # themes x buckets
    bias: np.ndarray = field(repr=False)  # themes
    add_from: np.ndarray = field(repr=False)  # themes
    veto_below: np.ndarray = field(repr=False)  # themes
    min_words: int = MIN_WORDS
    # True: additions only to a comment in which the lexicon found no theme at all.
    add_when_silent: bool = False
    # True: never veto a comment's only lexicon theme (vetoes only beside another one).
    spare_only_theme: bool = False
    encoder: StaticEncoder | None = field(default=None, repr=False)
    dense_weight: float = 0.0
    dense: np.ndarray | None = field(default=None, repr=False)  # themes x dims
    trained_on: dict[str, Any] = field(default_factory=dict)
    # buckets x themes, contiguous: a comment's rows are gathered and summed at once.
    _by_bucket: np.ndarray = field(init=False, repr=False, compare=False)
    _dense_scaled: np.ndarray | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_bucket", np.ascontiguousarray(self.weights.T))
        scaled = self.dense_weight * self.dense if self.dense is not None else None
        object.__setattr__(self, "_dense_scaled", scaled)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ThemeModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} model file")
        scale = float(data["scale"])
        buckets = int(data["buckets"])
        themes = tuple(str(t) for t in data["themes"])
        rows = [data["per_theme"][t] for t in themes]
        weights = np.asarray([r["weights"] for r in rows], dtype=float) / scale
        if weights.shape != (len(themes), buckets):
            raise ValueError("weights must be one row per theme, one per bucket")
        found: StaticEncoder | None = None
        dense: np.ndarray | None = None
        dense_weight = 0.0
        if data.get("encoder"):
            spec = data["encoder"]
            found = encoder(str(spec["name"]))
            if spec.get("sha256") != found.sha256:
                from analysis.text_vectors import EncoderUnavailable

                raise EncoderUnavailable(
                    f"the installed {found.name} vectors are not those theme model "
                    f"{data['version']} learned from (sha256 differs)"
                )
            dense = np.asarray([r["dense"] for r in rows], dtype=float) / scale
            if dense.shape != (len(themes), found.dims):
                raise ValueError("dense weights must be one per theme and encoder dimension")
            dense_weight = float(spec["weight"])
        return cls(
            version=str(data["version"]),
            buckets=buckets,
            themes=themes,
            weights=weights,
            bias=np.asarray([float(r["bias"]) for r in rows]),
            add_from=np.asarray([float(r["add_from"]) for r in rows]),
            veto_below=np.asarray([float(r["veto_below"]) for r in rows]),
            min_words=int(data.get("min_words", MIN_WORDS)),
            add_when_silent=bool(data.get("add_when_silent", False)),
            spare_only_theme=bool(data.get("spare_only_theme", False)),
            encoder=found,
            dense_weight=dense_weight,
            dense=dense,
            trained_on=dict(data.get("trained_on", {})),
        )

    @classmethod
    def load(cls, path: str | Path) -> ThemeModel:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def scores(self, text: str) -> np.ndarray:
        """The chance the comment is about each theme, in `themes` order."""
        index, scale = encode(text, self.buckets)
        logits = self.bias + scale * self._by_bucket[index].sum(axis=0)
        if self.encoder is not None and self._dense_scaled is not None:
            logits = logits + self._dense_scaled @ self.encoder.embed(text)
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -30.0, 30.0)))

    def opinions(self, text: str, themes: tuple[str, ...] | None = None) -> list[ThemeScore]:
        """Each theme's score and whether the model adds or vetoes it (never, for a
        comment under `min_words` words). `themes`: only these (an audience's set)."""
        chances = self.scores(text)
        speaks = word_count(text) >= self.min_words
        wanted = set(themes) if themes is not None else None
        return [
            ThemeScore(
                theme,
                round(float(chances[n]), 4),
                adds=speaks and chances[n] >= self.add_from[n],
                vetoes=speaks and chances[n] < self.veto_below[n],
            )
            for n, theme in enumerate(self.themes)
            if wanted is None or theme in wanted
        ]


def shipped_model_path() -> Path | None:
    """The newest model file in model/ (by version number), or None if none ships."""
    return newest_file(MODEL_DIR, MODEL_GLOB)


@lru_cache(maxsize=1)
def shipped_model() -> ThemeModel | None:
    """The shipped model, loaded once; None if none ships."""
    path = shipped_model_path()
    return ThemeModel.load(path) if path else None


def may_veto(lexicon_themes: int, spare_only_theme: bool) -> bool:
    """Whether the model may drop any of a comment's `lexicon_themes` (how many the
    lexicon found): with `spare_only_theme`, only a theme beside another one (a passing
    mention beside what the comment is about), never the only thing found."""
    return lexicon_themes > 1 or not spare_only_theme
