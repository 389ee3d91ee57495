"""Train the statistical second opinion (model.py) on the messages we may tune on.

Callers pass only messages that are not held out (benchmarks/train_safeguarding_model.py
passes dev, legacy and the two training sets); the `test` half of the corpus is never
read here. Training is deterministic (fixed seed, one BLAS thread, weights rounded to
whole numbers), so retraining gives the same file; tests check that.

Everything the model decides with is chosen on out-of-fold scores: 5 folds, grouped
so that near-duplicates (the same message reworded) never sit on both sides of a
fold, and stratified by category. From those scores, independently of the lexicon:

- `threshold`: the lowest score at which the model alone raises at most
  `false_alarm_budget` of the training messages that need nobody;
- `veto_below`: the score under which only `veto_share` of the risky training
  messages fall; a lexicon match graded only a concern and scored below it is
  dismissed as a look-alike (one graded urgent never is);
- `urgent_from`: the urgent probability that grades the risky training messages'
  levels best (balanced accuracy, out of fold), for a disclosure only the model found;
- `raise_from`: the urgent probability that at most `raise_share` of the training
  messages labelled a concern reach: only then does the model raise a lexicon match
  graded a concern to urgent;
- `urgent_threshold`: the lowest score at which the model alone also raises what it
  is that sure is urgent, adding at most `urgent_lane_budget` of the messages that
  need nobody.

With `Settings.encoder` the features are the n-grams and the encoder's sentence
vector side by side (model.py reads them the same way; format 3).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from analysis.text_vectors import encoder_record, near_duplicate_groups, write_model_json

from .model import FORMAT, FORMAT_DENSE, MIN_WORDS, LinearModel, bucket, encoder, features

SEED = 20261205
FOLDS = 5
BUCKETS = 4096
SCALE = 100  # weights are stored as whole hundredths
JOINT_C = 30.0
LEVEL_C = 4.0
# Two messages whose letter n-grams are this alike (cosine) are near-duplicates and
# share a fold.
NEAR_DUPLICATE = 0.6
DIGITS = 4


@dataclass(frozen=True)
class TrainingMessage:
    text: str
    category: str  # "none" for a message that needs nobody
    level: str | None = None  # "urgent" or "concern" for a risky message
    graded: bool = True  # False when the level follows an older grading policy

    @property
    def risky(self) -> bool:
        return self.category != "none"


@dataclass(frozen=True)
class Settings:
    joint_c: float = JOINT_C
    level_c: float = LEVEL_C
    buckets: int = BUCKETS
    # The meaning part: an encoder's unit vector beside the unit n-gram vector, times
    # `dense_weight` (None: n-grams alone, format 2).
    encoder: str | None = None
    dense_weight: float = 1.0


def design(texts: Sequence[str], settings: Settings) -> Any:
    """Each message as the model reads it: hashed n-grams, then the encoder's vector."""
    from scipy.sparse import csr_matrix, hstack

    grams = _matrix(texts, settings.buckets)
    if settings.encoder is None:
        return grams
    vectors = encoder(settings.encoder).embed_many(list(texts)).astype(float)
    return hstack([grams, csr_matrix(settings.dense_weight * vectors)]).tocsr()


def _matrix(texts: Sequence[str], buckets: int) -> Any:
    """Each message as model.encode reads it: distinct n-grams, hashed, unit length."""
    from scipy.sparse import csr_matrix

    rows, cols, values = [], [], []
    for row, text in enumerate(texts):
        present = sorted(set(features(text)))
        if not present:
            continue
        scale = 1.0 / np.sqrt(len(present))
        for feature in present:
            rows.append(row)
            cols.append(bucket(feature, buckets))
            values.append(scale)
    # Duplicate (row, bucket) pairs are summed, as scoring sums colliding n-grams.
    return csr_matrix((values, (rows, cols)), shape=(len(texts), buckets))


def folds(messages: Sequence[TrainingMessage]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Grouped, stratified folds: near-duplicates never straddle a fold."""
    from sklearn.model_selection import StratifiedGroupKFold

    groups = near_duplicate_groups([m.text for m in messages], NEAR_DUPLICATE)
    labels = [m.category for m in messages]
    splitter = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    return [(a, b) for a, b in splitter.split(np.zeros(len(messages)), labels, groups)]


def _fit_joint(matrix: Any, labels: Sequence[str], settings: Settings) -> Any:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(
        C=settings.joint_c, class_weight="balanced", max_iter=5000, tol=1e-6, random_state=SEED
    )
    return model.fit(matrix, np.array(labels))


def _fit_level(matrix: Any, urgent: Sequence[bool], settings: Settings) -> Any:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(
        C=settings.level_c,
        solver="liblinear",
        class_weight="balanced",
        max_iter=5000,
        random_state=SEED,
    )
    return model.fit(matrix, np.array(urgent, dtype=int))


def _graded(messages: Sequence[TrainingMessage], index: Iterable[int]) -> list[int]:
    return [int(i) for i in index if messages[i].risky and messages[i].graded and messages[i].level]


@dataclass(frozen=True)
class OutOfFold:
    """Each message's scores from models that did not see it."""

    risky: np.ndarray  # 1 - P(none)
    category: np.ndarray  # likeliest category
    urgent: np.ndarray  # P(urgent); NaN where no level head was scored


def out_of_fold(
    messages: Sequence[TrainingMessage], settings: Settings = Settings(), matrix: Any = None
) -> OutOfFold:
    """`matrix`: the messages' `design` rows, when the caller has them already."""
    matrix = design([m.text for m in messages], settings) if matrix is None else matrix
    risky = np.zeros(len(messages))
    category = np.empty(len(messages), dtype=object)
    urgent = np.full(len(messages), np.nan)
    for train, held in folds(messages):
        joint = _fit_joint(matrix[train], [messages[i].category for i in train], settings)
        held_matrix = matrix[held]
        probabilities = joint.predict_proba(held_matrix)
        classes = list(joint.classes_)
        none = classes.index("none")
        risky[held] = 1.0 - probabilities[:, none]
        probabilities[:, none] = -1.0
        category[held] = np.array(classes, dtype=object)[probabilities.argmax(axis=1)]
        graded = _graded(messages, train)
        level = _fit_level(
            matrix[graded], [messages[i].level == "urgent" for i in graded], settings
        )
        urgent[held] = level.predict_proba(held_matrix)[:, 1]
    return OutOfFold(risky, category, urgent)


def choose_threshold(
    messages: Sequence[TrainingMessage], scores: np.ndarray, false_alarm_budget: float
) -> float:
    """The lowest score at which the model alone raises at most the budget of negatives."""
    negatives = [i for i, m in enumerate(messages) if not m.risky]
    allowed = int(false_alarm_budget * len(negatives))
    candidates = sorted({round(float(scores[i]), DIGITS) for i in negatives} | {0.5, 0.99})
    for threshold in candidates:
        if threshold >= 0.5 and sum(scores[i] >= threshold for i in negatives) <= allowed:
            return threshold
    return 0.99


def choose_urgent_threshold(
    messages: Sequence[TrainingMessage],
    scores: OutOfFold,
    threshold: float,
    raise_from: float,
    budget: float,
) -> float:
    """The lowest score at which the model alone raises what it is sure is urgent
    (P(urgent) >= `raise_from`), adding at most `budget` of the negatives to those the
    plain `threshold` raises; `threshold` itself when the budget is 0."""
    negatives = [i for i, m in enumerate(messages) if not m.risky]
    allowed = int(budget * len(negatives))
    sure = [i for i in negatives if scores.urgent[i] >= raise_from and scores.risky[i] < threshold]
    candidates = sorted({round(float(scores.risky[i]), DIGITS) for i in sure} | {threshold})
    for candidate in candidates:
        if candidate >= 0.5 and sum(scores.risky[i] >= candidate for i in sure) <= allowed:
            return candidate
    return threshold


def choose_veto(messages: Sequence[TrainingMessage], scores: np.ndarray, share: float) -> float:
    """The score under which at most `share` of the risky messages fall."""
    risky = np.sort([scores[i] for i, m in enumerate(messages) if m.risky])
    return round(float(risky[int(share * len(risky))]), DIGITS) if len(risky) else 0.0


def choose_urgent_from(messages: Sequence[TrainingMessage], urgent: np.ndarray) -> float:
    """The urgent probability with the best balanced accuracy on the graded risky messages.

    Balanced (the mean of the share of urgent and of concern messages graded right),
    so the threshold does not lean towards whichever level the training set has more of.
    """
    graded = _graded(messages, range(len(messages)))
    truth = np.array([messages[i].level == "urgent" for i in graded])
    chances = urgent[graded]
    best, best_score = 1.01, 0.5
    for threshold in sorted({round(float(c), DIGITS) for c in chances}, reverse=True):
        said = chances >= threshold
        score = (said[truth].mean() + (~said[~truth]).mean()) / 2
        if score > best_score:
            best, best_score = threshold, score
    return best


def choose_raise_from(
    messages: Sequence[TrainingMessage], urgent: np.ndarray, share: float
) -> float:
    """The urgent probability reached by at most `share` of the messages labelled a concern."""
    concern = [i for i in _graded(messages, range(len(messages))) if messages[i].level == "concern"]
    chances = np.sort(urgent[concern])[::-1]
    if not len(chances):
        return 1.01
    return round(float(chances[min(int(share * len(chances)), len(chances) - 1)]), DIGITS)


def _whole(values: np.ndarray) -> list[int]:
    return [int(v) for v in np.rint(np.asarray(values) * SCALE)]


def _rounded(value: float) -> float:
    return float(f"{value:.{DIGITS}g}")


def train_model(
    messages: Sequence[TrainingMessage],
    *,
    version: str,
    categories: Sequence[str],
    false_alarm_budget: float,
    veto_share: float,
    raise_share: float,
    trained_on: dict[str, Any],
    settings: Settings | None = None,
    dismiss_below: float = 0.0,
    urgent_lane_budget: float = 0.0,
) -> dict[str, Any]:
    """Fit both heads and choose the thresholds; returns the model file's content."""
    from threadpoolctl import threadpool_limits

    settings = settings or Settings()
    with threadpool_limits(limits=1):
        matrix = design([m.text for m in messages], settings)
        scores = out_of_fold(messages, settings, matrix)
        joint = _fit_joint(matrix, [m.category for m in messages], settings)
        graded = _graded(messages, range(len(messages)))
        level = _fit_level(
            matrix[graded], [messages[i].level == "urgent" for i in graded], settings
        )
    learned = list(joint.classes_)
    classes = ["none", *(c for c in categories if c in learned)]
    rows = [learned.index(c) for c in classes]
    grams = settings.buckets
    threshold = choose_threshold(messages, scores.risky, false_alarm_budget)
    raise_from = choose_raise_from(messages, scores.urgent, raise_share)
    content: dict[str, Any] = {
        "format": FORMAT if settings.encoder is None else FORMAT_DENSE,
        "version": version,
        "buckets": settings.buckets,
        "scale": SCALE,
        "min_words": MIN_WORDS,
        "threshold": threshold,
        "urgent_threshold": choose_urgent_threshold(
            messages, scores, threshold, raise_from, urgent_lane_budget
        ),
        "veto_below": choose_veto(messages, scores.risky, veto_share),
        "dismiss_below": dismiss_below,
        "urgent_from": choose_urgent_from(messages, scores.urgent),
        "raise_from": raise_from,
        "classes": classes,
        "joint": {
            "bias": [_rounded(joint.intercept_[r]) for r in rows],
            "weights": [_whole(joint.coef_[r][:grams]) for r in rows],
        },
        "level": {
            "bias": _rounded(level.intercept_[0]),
            "weights": _whole(level.coef_[0][:grams]),
        },
        "trained_on": {
            **trained_on,
            "messages": len(messages),
            "risky": sum(m.risky for m in messages),
            "graded": len(graded),
            "folds": FOLDS,
            "grouped_by": f"letter n-gram cosine >= {NEAR_DUPLICATE}",
            "seed": SEED,
            "false_alarm_budget": false_alarm_budget,
            "veto_share": veto_share,
            "raise_share": raise_share,
            "urgent_lane_budget": urgent_lane_budget,
            "joint_C": settings.joint_c,
            "level_C": settings.level_c,
        },
    }
    if settings.encoder is not None:
        content["encoder"] = encoder_record(settings.encoder, settings.dense_weight)
        content["joint"]["dense"] = [_whole(joint.coef_[r][grams:]) for r in rows]
        content["level"]["dense"] = _whole(level.coef_[0][grams:])
    return content


def write_model(content: dict[str, Any], path: Path) -> LinearModel:
    """Write the JSON and read it back as the scorer sees it."""
    write_model_json(content, path)
    return LinearModel.load(path)
