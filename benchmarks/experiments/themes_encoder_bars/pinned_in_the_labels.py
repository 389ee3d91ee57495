# ruff: noqa: E402
"""What the labelled comments the encoder learned from (dev, the old set, the training
and encoder sets; never test, never the unlearned sets) say about the words of the
pinned comments it reads differently from the suite: is it following its labels, or
inventing?

    .venv/bin/python benchmarks/experiments/themes_encoder_bars/pinned_in_the_labels.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from theme_quality import ENCODER_TRAINING_SETS, OLD_SET, TRAINING_SETS

from analysis.themes.quality import load_corpus, load_labelled

PROBES = {
    r"\bcamhs\b": ("health", "emotional_wellbeing"),
    r"\bstrict\b": ("boundaries_and_care", "trusted_adults"),
    r"\bm8s?\b": ("friendship", "education_and_work", "moves_and_transitions"),
    r"\b(?:sw|social worker)\b.{0,30}\bchang": ("stability", "support_from_council"),
    r"\b(?:pizza|takeaway|chippy)\b": ("boundaries_and_care", "home_and_belonging"),
}


def main() -> int:
    comments = list(load_corpus()["dev"]) + load_labelled(OLD_SET)
    for sets in (TRAINING_SETS, ENCODER_TRAINING_SETS):
        for path in sets.values():
            comments += load_labelled(path)
    young = [c for c in comments if c.audience == "young_people"]
    print(f"{len(young)} young people's labelled comments the encoder learned from\n")
    for pattern, themes in PROBES.items():
        hits = [c for c in young if re.search(pattern, c.text, re.IGNORECASE)]
        counts = ", ".join(f"{t} {sum(t in c.themes for c in hits)}" for t in themes)
        print(f"{pattern}: {len(hits)} comments; labelled {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
