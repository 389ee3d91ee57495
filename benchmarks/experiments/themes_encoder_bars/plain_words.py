# ruff: noqa: E402
"""Does the encoder hold better reading the comment's plain words (the spellings table
applied: "m8s" -> "mates", "sw" -> "social worker") than its raw text?

The encoder was trained on raw text; MiniLM's word pieces know "mates" and not "m8s"
("i miss my m8s" scored education and work 1.00, friendship 0.16). Bars chosen on one
pair of unlearned sets, judged on the other, both ways round; test never read.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
for path in (ROOT, ROOT / "benchmarks", Path(__file__).parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from dataclasses import replace

from compare_rules import PAIRS, as_written_encoder, both_ways, report
from theme_quality import UNLEARNED_SETS
from train_theme_encoder import matrices, plain_words

from analysis.themes.quality import load_labelled


def main(argv: list[str]) -> int:
    encoder = as_written_encoder(argv)
    assert encoder is not None
    for how in ("raw", "plain words"):
        m = {}
        for pair in PAIRS:
            comments = [c for name in pair for c in load_labelled(UNLEARNED_SETS[name])]
            raw = matrices(encoder, comments)
            if how == "plain words":
                read = [replace(c, text=plain_words(c.text)) for c in comments]
                scores = matrices(encoder, read)[0]
                raw = (scores, *raw[1:])  # the lexicon still reads the raw text
            m[pair] = raw
        report(how, both_ways(m))
    for text in ("i miss my m8s", "my sw changed again thats 4 this yr", "pa never answers"):
        print(text, "->", plain_words(text))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
