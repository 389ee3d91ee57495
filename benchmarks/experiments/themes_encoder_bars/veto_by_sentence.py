# ruff: noqa: E402
"""Should the encoder's veto hear each sentence of a comment, not only the whole?

2026.12-3 drops a theme the lexicon found in a comment about two things ("my pa never
answers. got my own flat finally" loses housing): read whole, the comment is about the
PA. Here the veto uses a theme's highest score over the whole comment and each of its
sentences (so a theme said plainly in one sentence is kept), while additions still need
the whole comment's score. Bars chosen on one pair of unlearned sets and judged on the
other, both ways round, against the shipped rule chosen the same way. Test never read.

    .venv/bin/python benchmarks/experiments/themes_encoder_bars/veto_by_sentence.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
for path in (ROOT, ROOT / "benchmarks", Path(__file__).parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import numpy as np
from compare_rules import PAIRS, both_ways, report
from theme_quality import UNLEARNED_SETS
from train_theme_encoder import ADD_GRID, VETO_GRID, matrices, micro_f1

from analysis.themes.encoder import ThemeEncoder, shipped_encoder
from analysis.themes.quality import Labelled, load_labelled
from analysis.themes.tagger import default_tagger

SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")


def sentence_scores(encoder: ThemeEncoder, comment: Labelled) -> np.ndarray:
    """The highest score of each theme over the whole comment and its sentences, read as
    the tagger hands them to the encoder."""
    tagger = default_tagger(comment.audience, with_encoder=False)
    parts = [p for p in SENTENCES.split(comment.text) if p and re.search(r"[^\W\d_]", p)]
    texts = [comment.text, *parts] if len(parts) > 1 else [comment.text]
    read = [tagger.as_encoder_reads(text, encoder) for text in texts]
    return np.max(encoder.scores(read, comment.audience), axis=0)


def predict(m, veto, add):  # type: ignore[no-untyped-def]
    whole, heard, tagged, _, could = m
    return np.maximum(tagged * (heard >= veto), whole >= add) * could


def rule(m):  # type: ignore[no-untyped-def]
    whole, heard, tagged, labels, could = m
    _, add, veto = max(
        (micro_f1(predict(m, v, a), labels, could), a, v)
        for a in ADD_GRID
        for v in VETO_GRID
        if v <= a
    )
    return veto, add


def figures(m, veto, add):  # type: ignore[no-untyped-def]
    labels = m[3] * m[4]
    p = predict(m, veto, add)
    tp, fp, fn = (p * labels).sum(), (p * (1 - labels)).sum(), ((1 - p) * labels).sum()
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return precision, recall, 2 * precision * recall / (precision + recall)


def main() -> int:
    encoder = shipped_encoder()
    assert encoder is not None
    whole_only = {}
    by_sentence = {}
    for pair in PAIRS:
        comments = [c for name in pair for c in load_labelled(UNLEARNED_SETS[name])]
        scores, tagged, labels, could = matrices(encoder, comments)
        whole_only[pair] = (scores, tagged, labels, could)
        heard = np.vstack([sentence_scores(encoder, c) for c in comments]) * could
        by_sentence[pair] = (scores, heard, tagged, labels, could)
        several = sum(1 for c in comments if len(SENTENCES.split(c.text)) > 1)
        print(f"{' + '.join(pair)}: {len(comments)} comments, {several} of several sentences")
    print(f"\nshipped {encoder.version}; chosen on one pair, judged on the other, both ways\n")
    report("veto and add on the whole", both_ways(whole_only))
    rows = []
    for chosen, judged in (PAIRS, PAIRS[::-1]):
        veto, add = rule(by_sentence[chosen])
        rows.append((figures(by_sentence[judged], veto, add), veto, add))
    mean = np.mean([r[0] for r in rows], axis=0)
    print(
        f"{'veto by sentence, add whole':30} mean {mean[0]:.3f} / {mean[1]:.3f} / {mean[2]:.3f}"
        f"  min(P,R) {min(mean[0], mean[1]):.3f}"
    )
    for (p, r, f), veto, add in rows:
        print(f"    {p:.3f} / {r:.3f} / {f:.3f}  veto {veto} add {add}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
