# ruff: noqa: E401, E501, I001, SIM115, SIM300, UP031 - scratch experiment kept as run (README.md)
"""Rule and threshold chosen on two unlearned sets, scored on the other two (scratch).

The calibration 20% flatters the shipped tagger (it was tuned on it); here the choice is
made on words nobody tuned for: choose on being-heard + everyday, score quiet-reach +
home-front, and the other way round. Also: the model's top two themes only (the
labelling convention, as the shipped tagger's MOST_THEMES = 2).
"""

import sys
import numpy as np
from evaluate import rules, prf, HERE, load_matrices

npz = sys.argv[1] if len(sys.argv) > 1 else "out/unlearned.npz"
themes, rows, Y, M, L = load_matrices()
sets = np.array([r["set"] for r in rows])
z = dict(np.load(HERE / npz))
hi = z["held_idx"]
S = z["held"] * M[hi]
A = ("unlearned-being-heard", "unlearned-everyday")
B = ("unlearned-quiet-reach", "unlearned-home-front")


def top2(S, t):
    keep = np.zeros_like(S)
    order = np.argsort(-S, axis=1)[:, :2]
    for i in range(len(S)):
        for j in order[i]:
            if S[i, j] >= t:
                keep[i, j] = 1
    return keep


for choose, score in ((A, B), (B, A)):
    c = np.isin(sets[hi], choose)
    s = np.isin(sets[hi], score)
    fns, cal, params, _ = rules(S[c], L[hi][c], Y[hi][c], M[hi][c])
    print(
        f"choose on {[x[10:] for x in choose]}, score {[x[10:] for x in score]}; model t={params['model_t']}, pick={params['pick']}"
    )
    for name in (
        "shipped",
        "model",
        "model/theme",
        "union/theme",
        "add+veto/theme",
        "veto",
        "pick",
    ):
        pc = prf(fns[name](S[c], L[hi][c], M[hi][c]), Y[hi][c], M[hi][c])
        ps = prf(fns[name](S[s], L[hi][s], M[hi][s]), Y[hi][s], M[hi][s])
        print(
            f"  {name:<16} chosen-on {pc[0]:.3f}/{pc[1]:.3f}/{pc[2]:.3f}   scored {ps[0]:.3f}/{ps[1]:.3f}/{ps[2]:.3f}"
        )
    best = max((prf(top2(S[c], t), Y[hi][c], M[hi][c])[2], t) for t in np.arange(0.02, 0.99, 0.01))[
        1
    ]
    pc = prf(top2(S[c], best), Y[hi][c], M[hi][c])
    ps = prf(top2(S[s], best), Y[hi][s], M[hi][s])
    print(
        f"  {'model top2 t=%.2f' % best:<16} chosen-on {pc[0]:.3f}/{pc[1]:.3f}/{pc[2]:.3f}   scored {ps[0]:.3f}/{ps[1]:.3f}/{ps[2]:.3f}"
    )
print("model alone, threshold sweep, all four pooled (figures only):")
for t in (0.1, 0.16, 0.25, 0.35, 0.5, 0.65, 0.8):
    p = prf((S >= t).astype(float), Y[hi], M[hi])
    q = prf(top2(S, t), Y[hi], M[hi])
    print(
        f"  t={t:.2f}  all {p[0]:.3f}/{p[1]:.3f}/{p[2]:.3f}   top2 {q[0]:.3f}/{q[1]:.3f}/{q[2]:.3f}"
    )
