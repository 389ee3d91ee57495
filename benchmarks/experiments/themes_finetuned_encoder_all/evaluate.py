# ruff: noqa: E501, F541, SIM115 - scratch experiment kept as run (README.md)
"""Figures for the shipped tagger, the fine-tuned model and their combinations (scratch).

    venv/bin/python evaluate.py [--npz out/unlearned.npz] > eval.txt

Adapted from benchmarks/experiments/themes_finetuned_encoder/evaluate.py for one run:
every threshold and rule is chosen on the CALIBRATION 20% of the training pool (micro F1
there); the four unlearned sets are only scored, once, with those choices.
Rules (L = shipped tag, S = model score):
  shipped            L
  model              S >= t                     (one t for every theme)
  model/theme        S >= t_j                   (t_j per theme; the global t where the
                                                 calibration has < 5 positives)
  union              L or S >= a
  veto               L and S >= v
  add+veto           (L and S >= v) or S >= a
  fill+veto          (L and S >= v) or (L found no theme in the comment and S >= a)   [new]
  union/theme        L or S >= a_j              (a_j per theme, fallback a)
  add+veto/theme     (L and S >= v) or S >= a_j
  pick               the non-shipped rule with the best calibration F1
"""

import argparse
import json
import os
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
GRID = np.round(np.arange(0.02, 0.99, 0.01), 2)
MIN_POS = 5
VGRID = np.array([0.0, 0.001, 0.002, 0.005, 0.01, *GRID])
AGRID = np.array([*GRID, 0.995, 0.999, 1.01])
UNLEARNED = (
    "unlearned-being-heard",
    "unlearned-everyday",
    "unlearned-quiet-reach",
    "unlearned-home-front",
)
FOCUS = ("being_heard", "home_and_belonging", "housing")


def prf(pred, y, m):
    pred, y = pred * m, y * m
    tp = float((pred * y).sum())
    fp = float((pred * (1 - y)).sum())
    fn = float(((1 - pred) * y).sum())
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, tp, fp, fn


def f1(pred, y, m):
    return prf(pred, y, m)[2]


def best_global(make, y, m, grid=GRID):
    scores = [(f1(make(t), y, m), -abs(t - 0.5), t) for t in grid]
    return max(scores)[2]


def per_theme(make_j, base_t, y, m):
    ts = np.full(y.shape[1], base_t)
    for j in range(y.shape[1]):
        if (y[:, j] * m[:, j]).sum() < MIN_POS:
            continue
        # deviation from the original: the global value itself is a candidate too, so a
        # theme can keep "no addition" (1.01) when nothing on the grid beats it
        cand = [(f1(make_j(j, t), y[:, j], m[:, j]), -abs(t - base_t), t) for t in (*GRID, base_t)]
        ts[j] = max(cand)[2]
    return ts


def none_of(L, m):
    """1 for comments where L tagged none of the comment's themes (column vector)."""
    return ((L * m).sum(1, keepdims=True) == 0).astype(float)


def rules(Sc, Lc, yc, mc):
    out = {"shipped": lambda S, L, M: L}
    t = best_global(lambda t: (Sc >= t).astype(float), yc, mc)
    out["model"] = lambda S, L, M, t=t: (t <= S).astype(float)
    tj = per_theme(lambda j, x: (Sc[:, j] >= x).astype(float), t, yc, mc)
    out["model/theme"] = lambda S, L, M, tj=tj: (tj <= S).astype(float)
    a = best_global(lambda a: np.maximum(Lc, Sc >= a), yc, mc, AGRID)
    out["union"] = lambda S, L, M, a=a: np.maximum(L, a <= S).astype(float)
    v = best_global(lambda v: Lc * (Sc >= v), yc, mc, VGRID)
    out["veto"] = lambda S, L, M, v=v: (L * (v <= S)).astype(float)
    _, a2, v2 = max(
        (f1(np.maximum(Lc * (Sc >= v2), Sc >= a2), yc, mc), a2, v2)
        for a2 in AGRID
        for v2 in VGRID
        if v2 <= a2
    )
    out["add+veto"] = lambda S, L, M, a=a2, v=v2: np.maximum(L * (v <= S), a <= S).astype(float)
    Nc = none_of(Lc, mc)
    _, a3, v3 = max(
        (f1(np.maximum(Lc * (Sc >= v3), Nc * (Sc >= a3)), yc, mc), a3, v3)
        for a3 in AGRID
        for v3 in VGRID
    )
    out["fill+veto"] = lambda S, L, M, a=a3, v=v3: np.maximum(
        L * (v <= S), none_of(L, M) * (a <= S)
    ).astype(float)
    aj = per_theme(lambda j, x: np.maximum(Lc[:, j], Sc[:, j] >= x), a, yc, mc)
    out["union/theme"] = lambda S, L, M, aj=aj: np.maximum(L, aj <= S).astype(float)
    aj2 = per_theme(lambda j, x: np.maximum(Lc[:, j] * (Sc[:, j] >= v2), Sc[:, j] >= x), a2, yc, mc)
    out["add+veto/theme"] = lambda S, L, M, aj=aj2, v=v2: np.maximum(L * (v <= S), aj <= S).astype(
        float
    )
    calib_f1 = {k: prf(fn(Sc, Lc, mc), yc, mc)[:3] for k, fn in out.items()}
    pick = max((k for k in calib_f1 if k != "shipped"), key=lambda k: calib_f1[k][2])
    out["pick"] = out[pick]
    calib_f1["pick"] = calib_f1[pick]
    params = dict(
        model_t=t,
        union_a=a,
        veto_v=v,
        addveto_a=a2,
        addveto_v=v2,
        fillveto_a=a3,
        fillveto_v=v3,
        pick=pick,
    )
    return out, calib_f1, params, dict(model_theme_t=tj, union_theme_a=aj, addveto_theme_a=aj2)


def load_matrices(name=None):
    """The data file's rows as 0/1 matrices over all themes: Y labelled, M could have been
    labelled (the audience's themes), L tagged by the shipped tagger. Every script here
    reads them this one way. `name` defaults to $DATA, else data.json."""
    data = json.load(open(HERE / (name or os.environ.get("DATA", "data.json"))))
    themes, rows = data["themes"], data["rows"]
    col = {t: n for n, t in enumerate(themes)}
    Y, M, L = (np.zeros((len(rows), len(themes))) for _ in range(3))
    for i, r in enumerate(rows):
        for matrix, field in ((Y, "themes"), (M, "could"), (L, "lexicon")):
            for t in r[field]:
                matrix[i, col[t]] = 1
    return themes, rows, Y, M, L


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--npz", default="out/unlearned.npz")
    args = ap.parse_args()
    themes, rows, Y, M, L = load_matrices()
    col = {t: n for n, t in enumerate(themes)}
    k = len(themes)
    sets = np.array([r["set"] for r in rows])
    aud = np.array([r["audience"] for r in rows])
    z = dict(np.load(HERE / args.npz))
    ci, hi = z["calib_idx"], z["held_idx"]
    assert all(rows[i]["pool"] == "train" for i in ci)
    assert all(rows[i]["pool"] == "unlearned" for i in hi)
    fns, cal, params, per_t = rules(z["calib"], L[ci], Y[ci], M[ci])
    print(f"calibration: {len(ci)} comments of the training pool; unlearned: {len(hi)} comments")
    print("params chosen on calibration: " + ", ".join(f"{a}={b}" for a, b in params.items()))
    for nm, arr in per_t.items():
        print(f"  {nm}: " + ", ".join(f"{themes[j]}={arr[j]:.2f}" for j in range(k)))
    print(f"\n== calibration (training pool, 20%; the shipped tagger was tuned/trained on these)")
    print(f"  {'rule':<16}{'P':>7}{'R':>7}{'F1':>7}")
    for name, (p, r, f) in cal.items():
        print(
            f"  {name:<16}{p:>7.3f}{r:>7.3f}{f:>7.3f}"
            + (f"   (= {params['pick']})" if name == "pick" else "")
        )

    preds = {name: fn(z["held"], L[hi], M[hi]) for name, fn in fns.items()}
    Yh, Mh, sh, ah = Y[hi], M[hi], sets[hi], aud[hi]
    print("\n== unlearned sets, scored once (P / R / F1)")
    header = (
        f"  {'rule':<16}"
        + "".join(f"{s.replace('unlearned-', ''):>22}" for s in UNLEARNED)
        + f"{'pooled':>22}"
    )
    print(header)
    for name, pred in preds.items():
        cells = []
        for s in (*UNLEARNED, None):
            sel = np.ones(len(hi), bool) if s is None else sh == s
            p, r, f, *_ = prf(pred[sel], Yh[sel], Mh[sel])
            cells.append(f"{p:.3f}/{r:.3f}/{f:.3f}")
        print(f"  {name:<16}" + "".join(f"{c:>22}" for c in cells))
    print("\n== unlearned pooled, counts and per audience")
    print(f"  {'rule':<16}{'P':>7}{'R':>7}{'F1':>7}  (tp fp fn)        young P/R      carers P/R")
    for name, pred in preds.items():
        p, r, f, tp, fp, fn = prf(pred, Yh, Mh)
        per = []
        for a in ("young_people", "carers"):
            s = ah == a
            pa, ra, *_ = prf(pred[s], Yh[s], Mh[s])
            per.append(f"{pa:.3f}/{ra:.3f}")
        print(
            f"  {name:<16}{p:>7.3f}{r:>7.3f}{f:>7.3f}  ({tp:.0f} {fp:.0f} {fn:.0f})   {per[0]:<14} {per[1]}"
        )
    print("\n== per-theme recall, unlearned pooled (n = labelled)")
    show = list(preds)
    print(f"  {'theme':<28}{'n':>4}" + "".join(f"{s[:11]:>12}" for s in show))
    for j, t in enumerate(themes):
        npos = int((Yh[:, j] * Mh[:, j]).sum())
        if not npos:
            continue
        cells = [(preds[s][:, j] * Yh[:, j] * Mh[:, j]).sum() / npos for s in show]
        mark = " *" if t in FOCUS else ""
        print(f"  {t:<28}{npos:>4}" + "".join(f"{c:>12.2f}" for c in cells) + mark)
    print("\n== focus themes, unlearned pooled: recall (P) shipped vs pick")
    for t in FOCUS:
        j = col[t]
        out = []
        for s in ("shipped", "model", "pick"):
            p, r, *_ = prf(preds[s][:, [j]], Yh[:, [j]], Mh[:, [j]])
            out.append(f"{s} R {r:.2f} (P {p:.2f})")
        print(f"  {t:<22} n={int((Yh[:, j] * Mh[:, j]).sum()):<4} " + "; ".join(out))


if __name__ == "__main__":
    main()
