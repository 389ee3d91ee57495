# ruff: noqa: E402
"""Which rule for choosing the encoder's bars holds on words it was not chosen on?

The shipped bars (2026.12-1) were chosen by micro F1 on two unlearned sets; on test the
encoder gained recall and lost precision where bars were low. Each rule here chooses bars
on one pair of unlearned sets and is judged on the other pair, both ways round. Test is
never read. Run in Heard's own venv (onnxruntime only):

    .venv/bin/python benchmarks/experiments/themes_encoder_bars/compare_rules.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import numpy as np
from theme_quality import UNLEARNED_SETS
from train_theme_encoder import ADD_GRID, GRID, VETO_GRID, matrices, micro_f1

from analysis.themes.encoder import ThemeEncoder, shipped_encoder
from analysis.themes.lexicon import THEME_IDS
from analysis.themes.quality import load_labelled

PAIRS = (
    ("unlearned-being-heard", "unlearned-everyday"),
    ("unlearned-quiet-reach", "unlearned-home-front"),
)


def as_written_encoder(argv: list[str]) -> ThemeEncoder:
    """The network an experiment on 2026.12-2 read: the description given (argv[0]) or
    the shipped one, refused if it reads plain words, since these experiments hand it
    comments as written (since 2026.12-3 the shipped one reads plain words)."""
    encoder = ThemeEncoder.load(argv[0]) if argv else shipped_encoder()
    assert encoder is not None
    if encoder.reads_plain_words:
        raise SystemExit(
            f"encoder {encoder.version} reads plain words; this experiment reads comments as "
            "written, as 2026.12-2 did (its output here is 2026.12-2's). Give it that "
            "network: git show ee21491:analysis/themes/model/FILE > DIR/FILE for "
            "themes-encoder-2026.12-2.json, themes-encoder-2026.12-1.onnx and "
            "tokenizer-all-MiniLM-L6-v2.json, then pass DIR/themes-encoder-2026.12-2.json"
        )
    return encoder


def predict(m, veto, bars):  # type: ignore[no-untyped-def]
    scores, tagged, _, could = m
    return np.maximum(tagged * (scores >= veto), scores >= bars) * could


def f_beta(predicted, labels, could, beta):  # type: ignore[no-untyped-def]
    predicted, labels = predicted * could, labels * could
    tp = float((predicted * labels).sum())
    fp = float((predicted * (1 - labels)).sum())
    fn = float(((1 - predicted) * labels).sum())
    b2 = beta * beta
    return (1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp) if tp else 0.0


def rule_f1(m):  # type: ignore[no-untyped-def]
    """2026.12-1's: a global veto and add bar by F1, then each theme's own add bar."""
    return rule_fbeta(1.0)(m)


def rule_global(m):  # type: ignore[no-untyped-def]
    scores, tagged, labels, could = m
    _, add, veto = max(
        (micro_f1(np.maximum(tagged * (scores >= v), scores >= a), labels, could), a, v)
        for a in ADD_GRID
        for v in VETO_GRID
        if v <= a
    )
    return veto, np.full(scores.shape[1], add)


def rule_floor(floor):  # type: ignore[no-untyped-def]
    """Per-theme bars by F1 as shipped, but never under `floor`."""

    def rule(m):  # type: ignore[no-untyped-def]
        veto, bars = rule_f1(m)
        return veto, np.where(bars < floor, floor, bars)

    return rule


def rule_fbeta(beta):  # type: ignore[no-untyped-def]
    """The shipped procedure with F-beta in place of F1 (beta < 1 weighs precision)."""

    def rule(m):  # type: ignore[no-untyped-def]
        scores, tagged, labels, could = m
        _, add, veto = max(
            (f_beta(np.maximum(tagged * (scores >= v), scores >= a), labels, could, beta), a, v)
            for a in ADD_GRID
            for v in VETO_GRID
            if v <= a
        )
        bars = np.full(scores.shape[1], add)
        for j in range(scores.shape[1]):
            if (labels[:, j] * could[:, j]).sum() < 5:
                continue
            kept = tagged[:, j] * (scores[:, j] >= veto)
            bars[j] = max(
                (
                    f_beta(np.maximum(kept, scores[:, j] >= a), labels[:, j], could[:, j], beta),
                    -abs(a - add),
                    a,
                )
                for a in (*GRID, add)
            )[2]
        return veto, bars

    return rule


def rule_fixed(add):  # type: ignore[no-untyped-def]
    def rule(m):  # type: ignore[no-untyped-def]
        scores, tagged, labels, could = m
        _, veto = max(
            (micro_f1(np.maximum(tagged * (scores >= v), scores >= add), labels, could), v)
            for v in VETO_GRID
            if v <= add
        )
        return veto, np.full(scores.shape[1], add)

    return rule


def rule_never_drop(m):  # type: ignore[no-untyped-def]
    """One add bar by F1; the encoder never drops what the lexicon and model found."""
    scores, tagged, labels, could = m
    _, add = max((micro_f1(np.maximum(tagged, scores >= a), labels, could), a) for a in ADD_GRID)
    return 0.0, np.full(scores.shape[1], add)


RULES = {
    "2026.12-1: per theme by F1": rule_f1,
    "global bars by F1": rule_global,
    "global add bar by F1, never drops": rule_never_drop,
    "per theme by F1, floor 0.3": rule_floor(0.3),
    "per theme by F1, floor 0.5": rule_floor(0.5),
    "per theme by F0.5": rule_fbeta(0.5),
    "per theme by F0.75": rule_fbeta(0.75),
    "fixed add 0.5, veto by F1": rule_fixed(0.5),
    "no encoder": lambda m: (0.0, np.full(m[0].shape[1], 1.01)),
}


def figures(m, veto, bars):  # type: ignore[no-untyped-def]
    _, _, labels, could = m
    p = predict(m, veto, bars)
    labels = labels * could
    tp, fp, fn = (p * labels).sum(), (p * (1 - labels)).sum(), ((1 - p) * labels).sum()
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    weak = []
    for j, theme in enumerate(THEME_IDS):
        n_tagged, n_labelled = p[:, j].sum(), labels[:, j].sum()
        if n_tagged >= 5 and (p[:, j] * labels[:, j]).sum() / n_tagged < 0.7:
            weak.append(f"{theme} P{(p[:, j] * labels[:, j]).sum() / n_tagged:.2f}")
        if n_labelled >= 5 and (p[:, j] * labels[:, j]).sum() / n_labelled < 0.7:
            weak.append(f"{theme} R{(p[:, j] * labels[:, j]).sum() / n_labelled:.2f}")
    return precision, recall, 2 * precision * recall / (precision + recall), weak


def both_ways(m, rule=rule_global):  # type: ignore[no-untyped-def]
    """Bars chosen by `rule` on one pair, figures on the other; then the other way round.
    `m`: each pair's (scores, tagged, labels, could)."""
    rows = []
    for chosen, judged in (PAIRS, PAIRS[::-1]):
        veto, bars = rule(m[chosen])
        rows.append((figures(m[judged], veto, bars), veto, bars))
    return rows


def report(name, rows):  # type: ignore[no-untyped-def]
    mean = np.mean([[r[0][0], r[0][1], r[0][2]] for r in rows], axis=0)
    print(
        f"{name:30} mean {mean[0]:.3f} / {mean[1]:.3f} / {mean[2]:.3f}"
        f"  min(P,R) {min(mean[0], mean[1]):.3f}"
    )
    for (p, r, f, weak), veto, bars in rows:
        adds = f"{bars.min():.2f}-{bars.max():.2f}" if bars.min() < bars.max() else bars[0]
        print(f"    {p:.3f} / {r:.3f} / {f:.3f}  veto {veto} add {adds}")
        print(f"        weak: {', '.join(weak) or '-'}")


def main() -> int:
    encoder = shipped_encoder()
    assert encoder is not None
    m = {}
    for pair in PAIRS:
        comments = [c for name in pair for c in load_labelled(UNLEARNED_SETS[name])]
        m[pair] = matrices(encoder, comments)
    print("chosen on one pair, judged on the other; P / R / F1 and min(P, R), both ways\n")
    for name, rule in RULES.items():
        report(name, both_ways(m, rule))
    return 0


if __name__ == "__main__":
    sys.exit(main())
