# ruff: noqa: E501  (a measured experiment, kept as run; see README.md)
"""Model-alone AUC (risky vs none) and urgent-vs-concern AUC on each held set, from out/*.npz."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ft_loso as F
import numpy as np
from ft_loso import tsm
from sklearn.metrics import roc_auc_score

sets = dict(tsm.training_sets())
for h in tsm.UNTUNED:
    p = F.OUT / f"{h}.npz"
    if not p.exists():
        continue
    d = dict(np.load(p))
    if "lin_held_p" not in d:  # --no-linear runs: the linear heads of out/ (same 80% split)
        base = np.load(Path(__file__).resolve().parent / "out" / f"{h}.npz")
        d.update(lin_held_p=base["lin_held_p"], lin_held_u=base["lin_held_u"])
    ex = sets[h]
    risky = np.array([e.category != "none" for e in ex])
    urgent = np.array([e.level == "urgent" for e in ex])
    row = [h]
    for name, pr, u in (
        ("ft", d["ft_held_p"], d["ft_held_u"]),
        ("lin80", d["lin_held_p"], d["lin_held_u"]),
        ("beside", (d["ft_held_p"] + d["lin_held_p"]) / 2, (d["ft_held_u"] + d["lin_held_u"]) / 2),
    ):
        s = 1 - pr[:, 0]
        row.append(
            f"{name} AUC {roc_auc_score(risky, s):.3f} level-AUC {roc_auc_score(urgent[risky], u[risky]):.3f}"
        )
    print(" | ".join(row))
