# ruff: noqa: B905, E501, I001, SIM115 - scratch experiment kept as run (../README.md)
"""The frozen candidate (../frozen_rule.json) on test, scored by main's own evaluate(): one look."""

import json
import numpy as np
from analysis.themes.lexicon import AUDIENCE_THEMES
from analysis.themes.quality import evaluate, load_corpus, shipped_taggers

rule = json.load(open("../frozen_rule.json"))
themes = json.load(open("themes.json"))
S = np.load("test_scores.npy")
rows = json.load(open("test_rows.json"))
test = load_corpus()["test"]
assert [r["id"] for r in rows] == [c.id for c in test]
tags = {}
for r, s in zip(rows, S):
    sc = dict(zip(themes, s))
    tags[r["id"]] = {
        t
        for t in AUDIENCE_THEMES[r["audience"]]
        if (t in r["shipped"] and sc[t] >= rule["veto_below"]) or sc[t] >= rule["add_from"][t]
    }


class Fixed:
    def __init__(self, cid):
        self.cid = cid

    def tag(self, text):
        return sorted(tags[self.cid])


for name, tagger in (("shipped", shipped_taggers), ("candidate", lambda c: Fixed(c.id))):
    q = evaluate(tagger, test)
    print(
        f"{name}: micro P {q.overall.precision:.3f} R {q.overall.recall:.3f} (tp {q.overall.tp} fp {q.overall.fp} fn {q.overall.fn})"
    )
    for a, c in q.per_audience.items():
        print(f"   {a}: {c.precision:.3f} / {c.recall:.3f}")
    low = [
        (t, c.recall, c.tp + c.fn)
        for t, c in q.per_theme.items()
        if c.tp + c.fn and c.recall < 0.70
    ]
    print(
        "   themes under 0.70 recall:", ", ".join(f"{t} {r:.2f} ({n})" for t, r, n in low) or "none"
    )
    print(
        "   "
        + ", ".join(
            f"{t} {c.recall:.2f}/{c.tp + c.fn}" for t, c in q.per_theme.items() if c.tp + c.fn
        )
    )
