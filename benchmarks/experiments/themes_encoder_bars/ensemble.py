# ruff: noqa: E402
"""Does blending the linear model's chances into the encoder's scores hold better than
the encoder alone?

The encoder is sometimes sure and wrong on a short comment ("i miss my m8s": education
and work 1.00); the linear model, trained on the same words, rarely agrees with such a
slip. Each weight w scores w x encoder + (1 - w) x model, chooses the two bars on one pair
of unlearned sets (as train_theme_encoder.py does) and is judged on the other, both ways
round; then the suite's pinned comments (tests/test_themes.py, written by the team) are
read with the bars chosen on all four sets. Test is never read.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
for path in (ROOT, ROOT / "benchmarks", Path(__file__).parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import numpy as np
from compare_rules import PAIRS, as_written_encoder, both_ways, report, rule_global
from theme_quality import UNLEARNED_SETS
from train_theme_encoder import matrices

from analysis.themes.quality import Labelled, load_labelled
from analysis.themes.tagger import default_tagger

WEIGHTS = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)
PINNED = {
    "young_people": [
        ("i miss my m8s", {"friendship"}),
        ("my sw never turns up", {"trusted_adults"}),
        ("pa never answers", {"support_from_council"}),
        ("camhs waiting list", {"health"}),
        ("my carer is kind of strict", {"boundaries_and_care"}),
        ("been on the camhs waitin list 8 months", {"health"}),
        ("my sw changed again thats 4 this yr", {"stability", "support_from_council"}),
        ("can we have pizza on friday", set()),
        ("my carer keeps my pocket money", {"money"}),
        ("they feel like my real family now", {"home_and_belonging"}),
        ("dont no how long im staying here", {"stability"}),
    ],
}


def model_chances(comments: list[Labelled], themes: tuple[str, ...]) -> np.ndarray:
    """The linear model's chance for each comment and theme (0 where it has none)."""
    column = {t: n for n, t in enumerate(themes)}
    out = np.zeros((len(comments), len(themes)))
    for n, comment in enumerate(comments):
        tagger = default_tagger(comment.audience, with_encoder=False)
        model = tagger.model
        assert model is not None
        chances = model.scores(comment.text)
        for row, theme in tagger._rows:
            out[n, column[theme]] = chances[row]
    return out


def main(argv: list[str]) -> int:
    encoder = as_written_encoder(argv)
    assert encoder is not None
    data = {}
    for pair in PAIRS:
        comments = [c for name in pair for c in load_labelled(UNLEARNED_SETS[name])]
        data[pair] = (
            comments,
            matrices(encoder, comments),
            model_chances(comments, encoder.themes),
        )
    print("w x encoder + (1 - w) x model; bars chosen on one pair, judged on the other\n")
    for w in WEIGHTS:

        def blended(pair, w=w):  # type: ignore[no-untyped-def]
            _, (s, t, lab, could), chances = data[pair]
            return (w * s + (1 - w) * chances * could, t, lab, could)

        report(f"w {w:.1f}", both_ways({p: blended(p) for p in PAIRS}))
    every = [c for pair in PAIRS for c in data[pair][0]]
    joined = tuple(np.vstack([data[p][1][k] for p in PAIRS]) for k in range(4))
    chances = np.vstack([data[p][2] for p in PAIRS])
    print("\nthe suite's pinned comments, bars chosen on all four sets")
    for w in WEIGHTS:
        veto, add, wrong = pinned(encoder, (every, joined, chances), w)
        total = sum(map(len, PINNED.values()))
        print(f"w {w:.1f} (veto {veto}, add {add}): {len(wrong)} of {total} differ")
        for line in wrong:
            print(f"    {line}")
    return 0


def pinned(encoder, everything, w):  # type: ignore[no-untyped-def]
    """Bars chosen on all four sets; the pinned comments read with them."""
    comments, (s, t, lab, could), chances = everything
    veto, bars = rule_global((w * s + (1 - w) * chances * could, t, lab, could))
    wrong = []
    for audience, rows in PINNED.items():
        tagger = default_tagger(audience, with_encoder=False)
        for text, expected in rows:
            found = set(tagger.tag(text))
            fake = [Labelled(text, frozenset(), audience=audience)]  # type: ignore[arg-type]
            score = encoder.scores([text], audience)[0]
            chance = model_chances(fake, encoder.themes)[0]
            mixed = w * score + (1 - w) * chance
            kept = {th for th in found if mixed[encoder.themes.index(th)] >= veto}
            added = {th for n, th in enumerate(encoder.themes) if mixed[n] >= bars[n]}
            added &= set(tagger._audience_themes)
            if kept | added != expected:
                extra, missing = (kept | added) - expected, expected - kept - added
                wrong.append(f"{text!r}: +{sorted(extra)} -{sorted(missing)}")
    return veto, bars[0], wrong


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
