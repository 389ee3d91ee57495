"""Train the themes' second opinion (model.py) on the comments we may tune on.

Callers pass only comments that are not held out (benchmarks/train_theme_model.py
passes the corpus's dev half and the old set, tests/data/theme_comments.yaml); the
test half is never read here. Training is deterministic (fixed seed, one BLAS thread,
weights rounded to whole numbers), so retraining gives the same file; a test checks.

One logistic regression per theme learns from every training comment that could carry
the theme: a theme shared by both taxonomies (health, stability, ...) learns from young
people's and carers' comments; the old set, labelled before three themes existed,
teaches only its 14.

Thresholds come from out-of-fold scores (5 folds; near-duplicate comments share a
fold), theme by theme, beside the lexicon's own tags of the same comments:

- `add_from`: where the lexicon found nothing, the score from which tagging the theme
  gains most: true additions minus `add_cost` x wrong ones, at least `min_gain` true
  ones more, and never below 0.5; otherwise never (1.01);
- `veto_below`: where the lexicon tagged the theme, the score under which dropping it
  gains most: wrong tags dropped minus `veto_cost` x right ones, at least `min_gain`,
  never above `veto_ceiling`; otherwise never (0.0).

The lexicon was tuned on these comments, so it looks better here than on unseen ones:
vetoes are, if anything, under-used. `combined_out_of_fold` says what lexicon + model
does on comments neither the model nor its thresholds saw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from analysis.text_vectors import (
    design,
    encoder_record,
    near_duplicate_groups,
    write_model_json,
)

from .model import FORMAT, MIN_WORDS, ThemeModel, may_veto, word_count

SEED = 20261206
FOLDS = 5
BUCKETS = 2048
SCALE = 100  # weights are stored as whole hundredths
DIGITS = 4
NEAR_DUPLICATE = 0.6


@dataclass(frozen=True)
class TrainingComment:
    text: str
    themes: frozenset[str]  # the labels
    labelled: frozenset[str]  # the themes it could have been labelled with
    lexicon: frozenset[str]  # what the lexicon tags


@dataclass(frozen=True)
class Settings:
    c: float = 10.0
    buckets: int = BUCKETS
    encoder: str | None = None
    dense_weight: float = 1.0
    add_cost: float = 1.0
    veto_cost: float = 2.0
    veto_ceiling: float = 0.3
    min_gain: int = 2
    # "pooled": one add_from and one veto_below for every theme, from what adding and
    # vetoing gains over the lexicon on all themes' out-of-fold scores together (a
    # theme has 4-45 labelled comments: too few to choose its own bars); "gain": the
    # same theme by theme; "model": from the model's own scores alone, whatever the
    # lexicon does on these (tuned-on) comments.
    rule: str = "pooled"
    # True: the model adds themes only to a comment the lexicon found no theme in
    # (the wording it has no words for), never beside the lexicon's own themes.
    add_when_silent: bool = False
    # True: the model never vetoes a comment's only lexicon theme, only one beside
    # another (a passing mention beside what the comment is about).
    spare_only_theme: bool = False
    # The lowest add bar allowed: the pooled bar rests on the few training comments the
    # lexicon found nothing in (36, with 3-7 right additions near any bar), so noise can
    # pull it low; an addition needs the model to be very sure.
    add_floor: float = 0.5
    add_precision: float = 0.75
    veto_share: float = 0.05
    # The model speaks (adds or vetoes) only on comments of at least this many words:
    # shorter ones ("my old foster carers", "no worries, all good") are the lexicon's.
    min_words: int = MIN_WORDS


def fold_of(comments: Sequence[TrainingComment]) -> np.ndarray:
    """A fold number per comment; near-duplicates share one (seeded, deterministic)."""
    groups = near_duplicate_groups([c.text for c in comments], NEAR_DUPLICATE)
    unique = sorted(set(groups.tolist()))
    order = np.random.default_rng(SEED).permutation(len(unique))
    fold = {g: int(order[n]) % FOLDS for n, g in enumerate(unique)}
    return np.array([fold[g] for g in groups.tolist()])


def _fit(matrix: Any, truth: np.ndarray, settings: Settings) -> Any:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(
        C=settings.c, class_weight="balanced", max_iter=5000, tol=1e-6, random_state=SEED
    )
    return model.fit(matrix, truth.astype(int))


def _matrix(comments: Sequence[TrainingComment], settings: Settings) -> Any:
    return design(
        [c.text for c in comments], settings.buckets, settings.encoder, settings.dense_weight
    )


def themes_of(comments: Sequence[TrainingComment], order: Sequence[str]) -> list[str]:
    seen = {t for c in comments for t in c.labelled}
    return [t for t in order if t in seen]


def out_of_fold(
    comments: Sequence[TrainingComment],
    themes: Sequence[str],
    settings: Settings,
    matrix: Any = None,
    folds: np.ndarray | None = None,
) -> np.ndarray:
    """comments x themes scores from models that never saw the comment (NaN: not labellable).
    `folds`: a fold number per comment (default `fold_of`; a set's number leaves each set
    out in turn)."""
    matrix = _matrix(comments, settings) if matrix is None else matrix
    folds = fold_of(comments) if folds is None else folds
    scores = np.full((len(comments), len(themes)), np.nan)
    for column, theme in enumerate(themes):
        eligible = np.array([theme in c.labelled for c in comments])
        truth = np.array([theme in c.themes for c in comments])
        for k in sorted(set(folds.tolist())):
            train = np.flatnonzero(eligible & (folds != k))
            held = np.flatnonzero(eligible & (folds == k))
            if not len(held) or truth[train].sum() == 0:
                scores[held, column] = 0.0
                continue
            model = _fit(matrix[train], truth[train], settings)
            scores[held, column] = model.predict_proba(matrix[held])[:, 1]
    return scores


def _speaks(comments: Sequence[TrainingComment], min_words: int = MIN_WORDS) -> np.ndarray:
    return np.array([word_count(c.text) >= min_words for c in comments])


def choose(
    comments: Sequence[TrainingComment],
    theme: str,
    scores: np.ndarray,
    settings: Settings,
    rows: np.ndarray | None = None,
) -> tuple[float, float]:
    """(add_from, veto_below) for one theme from its out-of-fold scores on `rows`."""
    rows = np.arange(len(comments)) if rows is None else rows
    rows = np.array([i for i in rows.tolist() if theme in comments[i].labelled], dtype=int)
    kept = _speaks([comments[i] for i in rows.tolist()], settings.min_words)
    rows = rows[kept] if len(rows) else rows
    truth = np.array([theme in comments[i].themes for i in rows.tolist()], dtype=bool)
    lexicon = np.array([theme in comments[i].lexicon for i in rows.tolist()], dtype=bool)
    chances = scores[rows]
    if settings.rule == "model":
        return _by_model(truth, chances, settings)
    add_from, best = 1.01, 0.0
    absent = ~lexicon
    for cut in sorted({round(float(s), DIGITS) for s in chances[absent] if s >= 0.5}):
        said = absent & (chances >= cut)
        right = int((said & truth).sum())
        gain = right - settings.add_cost * int((said & ~truth).sum())
        if right >= settings.min_gain and gain > best:
            add_from, best = cut, gain
    veto_below, best = 0.0, 0.0
    cuts = {round(float(s), DIGITS) for s in chances[lexicon] if s < settings.veto_ceiling}
    for cut in sorted(c + 10**-DIGITS for c in cuts):
        dropped = lexicon & (chances < cut)
        wrong = int((dropped & ~truth).sum())
        gain = wrong - settings.veto_cost * int((dropped & truth).sum())
        if wrong >= settings.min_gain and gain > best:
            veto_below, best = round(cut, DIGITS), gain
    return add_from, veto_below


def _pairs(
    comments: Sequence[TrainingComment],
    themes: Sequence[str],
    scores: np.ndarray,
    rows: np.ndarray | None = None,
    min_words: int = MIN_WORDS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(truth, lexicon, score, lexicon found nothing) per (comment, theme it could carry)."""
    rows = np.arange(len(comments)) if rows is None else rows
    speaks = _speaks(comments, min_words)
    truth, lexicon, chances, silent = [], [], [], []
    for i in rows.tolist():
        if not speaks[i]:
            continue
        comment = comments[i]
        for column, theme in enumerate(themes):
            if theme in comment.labelled:
                truth.append(theme in comment.themes)
                lexicon.append(theme in comment.lexicon)
                chances.append(float(scores[i, column]))
                silent.append(not comment.lexicon)
    return (
        np.array(truth, dtype=bool),
        np.array(lexicon, dtype=bool),
        np.array(chances),
        np.array(silent, dtype=bool),
    )


def choose_pooled(
    truth: np.ndarray,
    lexicon: np.ndarray,
    chances: np.ndarray,
    silent: np.ndarray,
    settings: Settings,
) -> tuple[float, float]:
    """One (add_from, veto_below) for all themes: the bars that gain most over the lexicon
    (true additions - add_cost x wrong ones; wrong tags dropped - veto_cost x right ones),
    each at least `min_gain`; 1.01 / 0.0 (never) where nothing gains."""
    add_from, best = 1.01, 0.0
    absent = ~lexicon & silent if settings.add_when_silent else ~lexicon
    order = np.argsort(-chances[absent], kind="stable")
    right = np.cumsum(truth[absent][order])
    wrong = np.cumsum(~truth[absent][order])
    ranked = chances[absent][order]
    for k in range(len(ranked)):
        if ranked[k] < settings.add_floor:
            break
        if k + 1 < len(ranked) and ranked[k + 1] == ranked[k]:
            continue
        gain = right[k] - settings.add_cost * wrong[k]
        if right[k] >= settings.min_gain and gain > best:
            add_from, best = round(float(ranked[k]), DIGITS), gain
    veto_below, best = 0.0, 0.0
    order = np.argsort(chances[lexicon], kind="stable")
    ranked = chances[lexicon][order]
    dropped_wrong = np.cumsum(~truth[lexicon][order])
    dropped_right = np.cumsum(truth[lexicon][order])
    for k in range(len(ranked)):
        if ranked[k] >= settings.veto_ceiling:
            break
        if k + 1 < len(ranked) and ranked[k + 1] == ranked[k]:
            continue
        gain = dropped_wrong[k] - settings.veto_cost * dropped_right[k]
        if dropped_wrong[k] >= settings.min_gain and gain > best:
            veto_below, best = round(float(ranked[k]) + 10**-DIGITS, DIGITS), gain
    return add_from, veto_below


def _by_model(truth: np.ndarray, chances: np.ndarray, settings: Settings) -> tuple[float, float]:
    """add_from: the lowest score (>= 0.5) above which the model alone is right at least
    `add_precision` of the time, on at least `min_gain` comments; veto_below: the score
    under which at most `veto_share` of the comments about the theme fall (at most
    `veto_ceiling`)."""
    add_from = 1.01
    for cut in sorted({round(float(s), DIGITS) for s in chances if s >= 0.5}):
        said = chances >= cut
        right = int((said & truth).sum())
        if right >= settings.min_gain and right / said.sum() >= settings.add_precision:
            add_from = cut
            break
    veto_below = 0.0
    positives = np.sort(chances[truth])
    if len(positives):
        share = positives[int(settings.veto_share * len(positives))]
        veto_below = round(float(min(share, settings.veto_ceiling)), DIGITS)
    return add_from, veto_below


def combine(
    lexicon: frozenset[str],
    scores: dict[str, float],
    add: dict[str, float],
    veto: dict[str, float],
    add_when_silent: bool = False,
    spare_only_theme: bool = False,
) -> frozenset[str]:
    """The combination the tagger uses: lexicon themes not vetoed, plus confident additions
    (with `add_when_silent`, only to a comment the lexicon found nothing in; with
    `spare_only_theme`, no veto of a comment's only lexicon theme)."""
    vetoes = may_veto(len(lexicon), spare_only_theme)
    kept = {t for t in lexicon if not (vetoes and t in scores and scores[t] < veto.get(t, 0.0))}
    if add_when_silent and lexicon:
        return frozenset(kept)
    return frozenset(kept | {t for t, s in scores.items() if s >= add.get(t, 1.01)})


def combined_out_of_fold(
    comments: Sequence[TrainingComment],
    themes: Sequence[str],
    settings: Settings,
    scores: np.ndarray,
    folds: np.ndarray,
    use: Callable[[str], tuple[bool, bool]] = lambda theme: (True, True),
) -> list[frozenset[str]]:
    """Each comment's themes from lexicon + model, with thresholds chosen without its fold."""
    found: list[frozenset[str]] = [frozenset()] * len(comments)
    speaks = _speaks(comments, settings.min_words)
    for k in sorted(set(folds.tolist())):
        others = np.flatnonzero(folds != k)
        add: dict[str, float] = {}
        veto: dict[str, float] = {}
        pooled = choose_pooled(
            *_pairs(comments, themes, scores, others, settings.min_words), settings
        )
        for column, theme in enumerate(themes):
            if settings.rule == "pooled":
                add_from, veto_below = pooled
            else:
                add_from, veto_below = choose(comments, theme, scores[:, column], settings, others)
            adds, vetoes = use(theme)
            add[theme] = add_from if adds else 1.01
            veto[theme] = veto_below if vetoes else 0.0
        for i in np.flatnonzero(folds == k).tolist():
            comment = comments[i]
            own = {
                t: float(scores[i, n])
                for n, t in enumerate(themes)
                if t in comment.labelled and speaks[i]
            }
            found[i] = combine(
                comment.lexicon,
                own,
                add,
                veto,
                settings.add_when_silent,
                settings.spare_only_theme,
            )
    return found


def _whole(values: np.ndarray) -> list[int]:
    return [int(v) for v in np.rint(np.asarray(values) * SCALE)]


def train_model(
    comments: Sequence[TrainingComment],
    *,
    version: str,
    theme_order: Sequence[str],
    trained_on: dict[str, Any],
    settings: Settings,
) -> dict[str, Any]:
    """Fit one model per theme and choose its thresholds; returns the model file's content."""
    from threadpoolctl import threadpool_limits

    themes = themes_of(comments, theme_order)
    with threadpool_limits(limits=1):
        matrix = _matrix(comments, settings)
        scores = out_of_fold(comments, themes, settings, matrix)
        per_theme: dict[str, Any] = {}
        pooled = choose_pooled(
            *_pairs(comments, themes, scores, min_words=settings.min_words), settings
        )
        for column, theme in enumerate(themes):
            eligible = np.flatnonzero([theme in c.labelled for c in comments])
            truth = np.array([theme in comments[i].themes for i in eligible.tolist()])
            model = _fit(matrix[eligible], truth, settings)
            if settings.rule == "pooled":
                add_from, veto_below = pooled
            else:
                add_from, veto_below = choose(comments, theme, scores[:, column], settings)
            coef = model.coef_[0]
            row: dict[str, Any] = {
                "bias": float(f"{model.intercept_[0]:.{DIGITS}g}"),
                "weights": _whole(coef[: settings.buckets]),
                "add_from": add_from,
                "veto_below": veto_below,
                "comments": len(eligible),
                "labelled": int(truth.sum()),
            }
            if settings.encoder is not None:
                row["dense"] = _whole(coef[settings.buckets :])
            per_theme[theme] = row
    content: dict[str, Any] = {
        "format": FORMAT,
        "version": version,
        "buckets": settings.buckets,
        "scale": SCALE,
        "min_words": settings.min_words,
        "themes": themes,
        "per_theme": per_theme,
        "trained_on": {
            **trained_on,
            "comments": len(comments),
            "folds": FOLDS,
            "grouped_by": f"letter n-gram cosine >= {NEAR_DUPLICATE}",
            "seed": SEED,
            "C": settings.c,
            "add_cost": settings.add_cost,
            "veto_cost": settings.veto_cost,
            "veto_ceiling": settings.veto_ceiling,
            "min_gain": settings.min_gain,
            "add_floor": settings.add_floor,
            "veto_share": settings.veto_share,
            "thresholds": settings.rule,
        },
        "add_when_silent": settings.add_when_silent,
    }
    if settings.spare_only_theme:
        content["spare_only_theme"] = True
    if settings.encoder is not None:
        content["encoder"] = encoder_record(settings.encoder, settings.dense_weight)
    return content


def write_model(content: dict[str, Any], path: Path) -> ThemeModel:
    """Write the JSON and read it back as the tagger sees it."""
    write_model_json(content, path)
    return ThemeModel.load(path)
