"""Train the statistical second opinion (model.py) on the messages we may tune on.

Only the `dev` half of tests/data/safeguarding/messages.yaml and the legacy
tests/data/safeguarding_messages.yaml are used: the `test` half is never read here.
Training is deterministic (fixed fold seed, liblinear solver, features sorted by
name), so retraining gives the same weights; tests check that.

The threshold is chosen on out-of-fold scores (5-fold cross-validation on the same
training messages), so it is not fitted to messages the model has already seen: the
lowest threshold at which the model, where the lexicon found nothing, raises at most
`false_alarm_budget` of the negatives.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .model import FORMAT, LinearModel, features, long_enough

SEED = 20261205
FOLDS = 5
MIN_DOCUMENTS = 2  # an n-gram must appear in at least this many training messages
RISKY_C = 4.0
CATEGORY_C = 50.0
DIGITS = 4


@dataclass(frozen=True)
class TrainingMessage:
    text: str
    category: str  # "none" for a message that needs nobody

    @property
    def risky(self) -> bool:
        return self.category != "none"


def _matrix(texts: Sequence[str], vocabulary: dict[str, int]) -> Any:
    """Binary features, each row scaled to unit length (as LinearModel scores)."""
    from scipy.sparse import csr_matrix

    rows, cols, values = [], [], []
    for row, text in enumerate(texts):
        present = set(features(text))
        scale = 1.0 / np.sqrt(len(present)) if present else 0.0
        for feature in present:
            column = vocabulary.get(feature)
            if column is not None:
                rows.append(row)
                cols.append(column)
                values.append(scale)
    return csr_matrix((values, (rows, cols)), shape=(len(texts), len(vocabulary)))


def _vocabulary(texts: Sequence[str], kinds: str = "wbc") -> dict[str, int]:
    """N-grams seen in at least MIN_DOCUMENTS texts, of the kinds asked for (w, b, c)."""
    counts: dict[str, int] = {}
    for text in texts:
        for feature in set(features(text)):
            counts[feature] = counts.get(feature, 0) + 1
    kept = sorted(f for f, n in counts.items() if n >= MIN_DOCUMENTS and f[0] in kinds)
    return {feature: index for index, feature in enumerate(kept)}


def _risky_head(texts: Sequence[str], labels: Sequence[bool]) -> tuple[dict[str, int], Any]:
    from sklearn.linear_model import LogisticRegression

    vocabulary = _vocabulary(texts)
    model = LogisticRegression(
        C=RISKY_C, solver="liblinear", class_weight="balanced", max_iter=1000, random_state=SEED
    )
    model.fit(_matrix(texts, vocabulary), np.array(labels, dtype=int))
    return vocabulary, model


def out_of_fold_scores(messages: Sequence[TrainingMessage]) -> np.ndarray:
    """Each message's risky score from a model that did not see it (stratified folds)."""
    from sklearn.model_selection import StratifiedKFold

    texts = [m.text for m in messages]
    labels = np.array([m.risky for m in messages], dtype=int)
    scores = np.zeros(len(messages))
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train, held in folds.split(texts, labels):
        vocabulary, model = _risky_head([texts[i] for i in train], labels[train].tolist())
        held_matrix = _matrix([texts[i] for i in held], vocabulary)
        scores[held] = model.predict_proba(held_matrix)[:, 1]
    return scores


def choose_threshold(
    messages: Sequence[TrainingMessage],
    scores: np.ndarray,
    lexicon_fires: Sequence[bool],
    false_alarm_budget: float,
) -> float:
    """The lowest threshold whose extra false alarms (beyond the lexicon's) stay in budget."""
    negatives = [
        i
        for i, m in enumerate(messages)
        if not m.risky and not lexicon_fires[i] and long_enough(m.text)
    ]
    total = sum(not m.risky for m in messages)
    candidates = sorted({round(float(s), DIGITS) for s in scores} | {0.5, 0.99})
    for threshold in candidates:
        extra = sum(scores[i] >= threshold for i in negatives)
        if extra <= false_alarm_budget * total:
            return threshold
    return 0.99


def _rounded(value: float) -> float:
    return float(f"{value:.{DIGITS}g}")


def train_model(
    messages: Sequence[TrainingMessage],
    *,
    version: str,
    categories: Sequence[str],
    lexicon_fires: Callable[[str], bool],
    false_alarm_budget: float,
    trained_on: dict[str, Any],
) -> dict[str, Any]:
    """Fit both heads and return the model file's content (a plain dict for JSON)."""
    from sklearn.linear_model import LogisticRegression

    texts = [m.text for m in messages]
    vocabulary, risky = _risky_head(texts, [m.risky for m in messages])
    scores = out_of_fold_scores(messages)
    fires = [lexicon_fires(t) for t in texts]
    threshold = choose_threshold(messages, scores, fires, false_alarm_budget)

    risky_texts = [m.text for m in messages if m.risky]
    risky_labels = [categories.index(m.category) for m in messages if m.risky]
    # The category head reads words and word pairs only: it is 13 weights an n-gram.
    category_vocabulary = _vocabulary(risky_texts, kinds="wb")
    from sklearn.multiclass import OneVsRestClassifier

    category_model = OneVsRestClassifier(
        LogisticRegression(C=CATEGORY_C, solver="liblinear", max_iter=1000, random_state=SEED)
    )
    category_model.fit(_matrix(risky_texts, category_vocabulary), np.array(risky_labels))
    present = [categories[i] for i in category_model.classes_]
    coefficients = np.vstack([e.coef_[0] for e in category_model.estimators_])
    intercepts = [e.intercept_[0] for e in category_model.estimators_]

    risky_weights = {
        feature: _rounded(risky.coef_[0][index])
        for feature, index in vocabulary.items()
        if abs(risky.coef_[0][index]) >= 0.5 * 10 ** (-DIGITS + 1)
    }
    category_weights = {}
    for feature, index in category_vocabulary.items():
        row = [_rounded(coefficients[k][index]) for k in range(len(present))]
        if any(abs(w) >= 0.5 * 10 ** (-DIGITS + 1) for w in row):
            category_weights[feature] = row
    return {
        "format": FORMAT,
        "version": version,
        "threshold": threshold,
        "categories": present,
        "risky": {"bias": _rounded(risky.intercept_[0]), "weights": risky_weights},
        "category": {
            "bias": [_rounded(b) for b in intercepts],
            "weights": category_weights,
        },
        "trained_on": {
            **trained_on,
            "messages": len(messages),
            "risky": sum(m.risky for m in messages),
            "features": len(vocabulary),
            "folds": FOLDS,
            "seed": SEED,
            "false_alarm_budget": false_alarm_budget,
            "risky_C": RISKY_C,
            "category_C": CATEGORY_C,
        },
    }


def write_model(content: dict[str, Any], path: Path) -> LinearModel:
    """Write the JSON (sorted keys, one file) and read it back as the scorer sees it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return LinearModel.load(path)
