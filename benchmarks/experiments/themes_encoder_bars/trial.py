# ruff: noqa: E402
"""Judge a trial encoder (a description written by train_theme_encoder.py --out DIR) as
the shipped one was judged: bars chosen on one pair of unlearned sets and figures on
the other, both ways round; then the suite's pinned comments and a few the IT walk
found, read with the bars the trial chose on all four sets. Test is never read. A
trial reads comments as its description says (plain words since 2026.12-3).

    .venv/bin/python benchmarks/experiments/themes_encoder_bars/trial.py \
        DIR/themes-encoder-X.json [NAME]

NAME (default "trial") labels it in the output: an older shipped encoder kept aside can
be judged beside the one that ships now.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
for path in (ROOT, ROOT / "benchmarks", Path(__file__).parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import numpy as np
from compare_rules import PAIRS, both_ways, report, rule_global
from ensemble import PINNED
from theme_quality import UNLEARNED_SETS
from train_theme_encoder import matrices

from analysis.themes.encoder import ThemeEncoder, shipped_encoder
from analysis.themes.quality import load_labelled
from analysis.themes.tagger import ThemeTagger, default_tagger

FOUND_ON_THE_WALK = [
    "I see my brother every week now. i have a best friend at my new school",
    "my sw keeps changin every 5 mins",
    "scared bout leaving care wer am i gona live",
    "bullied on snap coz im in care",
    "the food here is minging",
]


def read_aloud(encoder: Any, name: str) -> None:
    plain = default_tagger(with_encoder=False)
    tagger = ThemeTagger(plain.lexicon, plain.model, encoder=encoder)
    rows = PINNED["young_people"]
    print(f"\n{name}: the suite's pinned comments (x: not as pinned)")
    wrong = 0
    for text, expected in rows:
        found = set(tagger.tag(text))
        wrong += found != expected
        mark = "  " if found == expected else "x "
        print(f"  {mark}{text!r}: +{sorted(found - expected)} -{sorted(expected - found)}")
    print(f"  {wrong} of {len(rows)} not as pinned")
    print("  the IT walk's comments (lexicon and model -> with this encoder):")
    for text in FOUND_ON_THE_WALK:
        print(f"    {text!r}: {plain.tag(text)} -> {tagger.tag(text)}")


def main(argv: list[str]) -> int:
    trial = ThemeEncoder.load(argv[0])
    name = argv[1] if len(argv) > 1 else "trial"
    shipped = shipped_encoder()
    assert shipped is not None
    print("chosen on one pair, judged on the other; P / R / F1 and min(P, R), both ways\n")
    every: dict[str, Any] = {}
    for label, encoder in (("shipped " + shipped.version, shipped), (name, trial)):
        m = {}
        for pair in PAIRS:
            comments = [c for n in pair for c in load_labelled(UNLEARNED_SETS[n])]
            m[pair] = matrices(encoder, comments)
        report(label, both_ways(m))
        every[label] = tuple(np.vstack([m[p][k] for p in PAIRS]) for k in range(4))
    read_aloud(shipped, "shipped " + shipped.version)
    # the trial's own two bars, chosen on all four sets as it reads them (as --bars-only)
    veto, bars = rule_global(every[name])
    read_aloud(replace(trial, veto_below=veto, add_from=bars), name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
