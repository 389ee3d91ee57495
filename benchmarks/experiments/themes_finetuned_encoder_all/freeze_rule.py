# ruff: noqa: E501, I001, SIM115, SIM300 - scratch experiment kept as run (README.md)
"""Freeze the candidate before test is looked at: seed 20261206's model (out/unlearned.pt),
rule add+veto/theme, its thresholds chosen by micro F1 on all four unlearned sets
(they are tuning data for the rule from here on). Writes frozen_rule.json."""

import json
import numpy as np
from evaluate import rules, prf, HERE, load_matrices

themes, rows, Y, M, L = load_matrices("data.json")
z = dict(np.load(HERE / "out/unlearned.npz"))
hi = z["held_idx"]
S = z["held"] * M[hi]
fns, cal, params, per_t = rules(S, L[hi], Y[hi], M[hi])
v, aj = params["addveto_v"], per_t["addveto_theme_a"]
pred = np.maximum(L[hi] * (S >= v), S >= aj)
p, r, f, *_ = prf(pred, Y[hi], M[hi])
print(f"add+veto/theme on the four unlearned sets it was chosen on: {p:.3f}/{r:.3f}/{f:.3f}; v={v}")
json.dump(
    {
        "model": "out/unlearned.pt (seed 20261206)",
        "rule": "add+veto/theme",
        "veto_below": float(v),
        "add_from": {t: float(aj[j]) for j, t in enumerate(themes)},
        "chosen_on": "unlearned-being-heard, unlearned-everyday, unlearned-quiet-reach, unlearned-home-front (micro F1)",
        "fit_there": [round(p, 3), round(r, 3), round(f, 3)],
    },
    open(HERE / "frozen_rule.json", "w"),
    indent=1,
)
