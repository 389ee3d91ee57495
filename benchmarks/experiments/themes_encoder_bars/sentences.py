# ruff: noqa: E402
"""Does the encoder hold better reading each sentence of a comment as well as the whole?

Trained mostly on comments about one thing, it is sure of one theme and can score a
second, which the lexicon found, under its veto bar ("I see my brother every week now. i
have a best friend at my new school" loses friendship). Here a theme's score is the
highest of the whole comment's and each sentence's. Bars chosen on one pair of
unlearned sets, judged on the other, both ways round; test never read.
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
from compare_rules import PAIRS, as_written_encoder, both_ways, report
from theme_quality import UNLEARNED_SETS
from train_theme_encoder import matrices

from analysis.themes.encoder import ThemeEncoder
from analysis.themes.quality import load_labelled

SPLITS = {
    "sentences": re.compile(r"(?<=[.!?])\s+|\n+"),
    "sentences and 'but'": re.compile(r"(?<=[.!?])\s+|\n+|,?\s+but\s+", re.IGNORECASE),
}


def by_parts(encoder: ThemeEncoder, text: str, audience: str, split: re.Pattern[str]):  # type: ignore[no-untyped-def]
    parts = [p for p in split.split(text) if p and re.search(r"[^\W\d_]", p)]
    whole = encoder.scores([text], audience)[0]
    if len(parts) < 2:
        return whole
    return np.max(np.vstack([whole, *(encoder.scores([p], audience)[0] for p in parts)]), axis=0)


def main(argv: list[str]) -> int:
    encoder = as_written_encoder(argv)
    assert encoder is not None
    comments = {p: [c for n in p for c in load_labelled(UNLEARNED_SETS[n])] for p in PAIRS}
    base = {p: matrices(encoder, comments[p]) for p in PAIRS}
    ways = {"whole comment": None, **SPLITS}
    for how, split in ways.items():
        m = {}
        for pair in PAIRS:
            scores, tagged, labels, could = base[pair]
            if split is not None:
                scores = (
                    np.vstack(
                        [by_parts(encoder, c.text, c.audience, split) for c in comments[pair]]
                    )
                    * could
                )
            m[pair] = (scores, tagged, labels, could)
        report(how, both_ways(m))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
