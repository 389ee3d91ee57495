# ruff: noqa: E501, SIM115, B007 - kept exactly as run (NOTE.md)
"""Figures for the lexicon, the fine-tuned model and their combinations (scratch).

    venv/bin/python evaluate.py [--out out]

Every threshold is chosen on the fold's calibration 20% (training sets only; micro F1
there); the held set only scores. Rules (L = lexicon tag, S = model score):
  lexicon            L
  model              S >= t                     (one t for every theme)
  model/theme        S >= t_j                   (t_j per theme; the global t where the
                                                 calibration has < 5 positives)
  union              L or S >= a
  veto               L and S >= v
  add+veto           (L and S >= v) or S >= a
  union/theme        L or S >= a_j              (a_j per theme, fallback a)
  add+veto/theme     (L and S >= v) or S >= a_j
  pick               the rule with the best calibration F1 (chosen without the held set)
"""

import argparse
import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
HELD = ("dev", "train-young-voices", "train-carers-small")
GRID = np.round(np.arange(0.02, 0.99, 0.01), 2)
MIN_POS = 5
# veto bars may be 0 (no veto) or tiny (a fine-tuned model is overconfident); add bars
# may be 1.01 (no addition)
VGRID = np.array([0.0, 0.001, 0.002, 0.005, 0.01, *GRID])
AGRID = np.array([*GRID, 0.995, 0.999, 1.01])


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
    """Per-theme thresholds: column j's own best F1 where calibration has >= MIN_POS positives."""
    ts = np.full(y.shape[1], base_t)
    for j in range(y.shape[1]):
        if (y[:, j] * m[:, j]).sum() < MIN_POS:
            continue
        cand = [(f1(make_j(j, t), y[:, j], m[:, j]), -abs(t - base_t), t) for t in GRID]
        ts[j] = max(cand)[2]
    return ts


def rules(Sc, Lc, yc, mc):
    """Fit every rule on calibration; return name -> function(S, L) -> 0/1 predictions."""
    out = {"lexicon": lambda S, L: L}
    t = best_global(lambda t: (Sc >= t).astype(float), yc, mc)
    out["model"] = lambda S, L, t=t: (t <= S).astype(float)
    tj = per_theme(lambda j, x: (Sc[:, j] >= x).astype(float), t, yc, mc)
    out["model/theme"] = lambda S, L, tj=tj: (tj <= S).astype(float)
    a = best_global(lambda a: np.maximum(Lc, Sc >= a), yc, mc, AGRID)
    out["union"] = lambda S, L, a=a: np.maximum(L, a <= S).astype(float)
    v = best_global(lambda v: Lc * (Sc >= v), yc, mc, VGRID)
    out["veto"] = lambda S, L, v=v: (L * (v <= S)).astype(float)
    best = max(
        (f1(np.maximum(Lc * (Sc >= v2), Sc >= a2), yc, mc), a2, v2)
        for a2 in AGRID
        for v2 in VGRID
        if v2 <= a2
    )
    _, a2, v2 = best
    out["add+veto"] = lambda S, L, a=a2, v=v2: np.maximum(L * (v <= S), a <= S).astype(float)
    aj = per_theme(lambda j, x: np.maximum(Lc[:, j], Sc[:, j] >= x), a, yc, mc)
    out["union/theme"] = lambda S, L, aj=aj: np.maximum(L, aj <= S).astype(float)
    aj2 = per_theme(lambda j, x: np.maximum(Lc[:, j] * (Sc[:, j] >= v2), Sc[:, j] >= x), a2, yc, mc)
    out["add+veto/theme"] = lambda S, L, aj=aj2, v=v2: np.maximum(L * (v <= S), aj <= S).astype(
        float
    )
    calib_f1 = {k: f1(fn(Sc, Lc), yc, mc) for k, fn in out.items()}
    pick = max((k for k in calib_f1 if k != "lexicon"), key=calib_f1.get)
    out["pick"] = out[pick]
    params = dict(t=t, a=a, v=v, a2=a2, v2=v2, pick=pick)
    return out, calib_f1, params


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="out")
    ap.add_argument("--ensemble", action="store_true", help="average <held>.npz and <held>.s*.npz")
    args = ap.parse_args()
    data = json.load(open(HERE / "data.json"))
    themes, rows = data["themes"], data["rows"]
    col = {t: n for n, t in enumerate(themes)}
    n, k = len(rows), len(themes)
    Y = np.zeros((n, k))
    M = np.zeros((n, k))
    L = np.zeros((n, k))
    for i, r in enumerate(rows):
        for t in r["themes"]:
            Y[i, col[t]] = 1
        for t in r["could"]:
            M[i, col[t]] = 1
        for t in r["lexicon"]:
            L[i, col[t]] = 1
    aud = np.array([r["audience"] for r in rows])
    pooled = {}  # rule -> (held idx list, preds list)
    print("thresholds chosen on each fold's calibration 20%; held set scored once\n")
    for held in HELD:
        f = HERE / args.out / f"{held}.npz"
        if not f.exists():
            print(f"{held}: no {f}")
            continue
        z = dict(np.load(f))
        if args.ensemble:
            extra = sorted((HERE / args.out).glob(f"{held}.s*.npz"))
            zs = [z] + [dict(np.load(e)) for e in extra]
            z["calib"] = np.mean([q["calib"] for q in zs], 0)
            z["held"] = np.mean([q["held"] for q in zs], 0)
            print(f"(ensemble of {len(zs)} runs)")
        ci, hi = z["calib_idx"], z["held_idx"]
        fns, cf1, params = rules(z["calib"], L[ci], Y[ci], M[ci])
        print(
            f"== held {held} ({len(hi)} comments); calibration {len(ci)}; params "
            + ", ".join(f"{a}={b}" for a, b in params.items())
        )
        print(f"  {'rule':<16}{'cal F1':>7}{'P':>7}{'R':>7}{'F1':>7}   young P/R      carers P/R")
        for name, fn in fns.items():
            pred = fn(z["held"], L[hi])
            p, r, f1_, *_ = prf(pred, Y[hi], M[hi])
            per = []
            for a in ("young_people", "carers"):
                s = aud[hi] == a
                if s.any():
                    pa, ra, *_ = prf(pred[s], Y[hi][s], M[hi][s])
                    per.append(f"{pa:.3f}/{ra:.3f}")
                else:
                    per.append("   -   ")
            cal = cf1.get(name, cf1[params["pick"]])
            print(f"  {name:<16}{cal:>7.3f}{p:>7.3f}{r:>7.3f}{f1_:>7.3f}   {per[0]:<14} {per[1]}")
            pooled.setdefault(name, ([], []))
            pooled[name][0].append(hi)
            pooled[name][1].append(pred)
        # Upper bounds, thresholds chosen ON THE HELD SET (optimistic; not a result).
        Sh, Lh, yh, mh = z["held"], L[hi], Y[hi], M[hi]
        o = max(
            (f1(np.maximum(Lh * (Sh >= v), Sh >= a), yh, mh), a, v)
            for a in AGRID
            for v in VGRID
            if v <= a
        )
        p, r, f1_, *_ = prf(np.maximum(Lh * (Sh >= o[2]), Sh >= o[1]), yh, mh)
        print(
            f"  {'ORACLE add+veto':<16}{'':>7}{p:>7.3f}{r:>7.3f}{f1_:>7.3f}   (a={o[1]}, v={o[2]} chosen on held)"
        )
        o = max((f1((Sh >= t).astype(float), yh, mh), t) for t in GRID)
        p, r, f1_, *_ = prf((Sh >= o[1]).astype(float), yh, mh)
        print(
            f"  {'ORACLE model':<16}{'':>7}{p:>7.3f}{r:>7.3f}{f1_:>7.3f}   (t={o[1]} chosen on held)"
        )
        print()
    if not pooled:
        return
    print("== pooled over the held folds")
    print(f"  {'rule':<16}{'P':>7}{'R':>7}{'F1':>7}  (tp fp fn)   young P/R      carers P/R")
    for name, (his, preds) in pooled.items():
        hi = np.concatenate(his)
        pred = np.concatenate(preds)
        p, r, f1_, tp, fp, fn = prf(pred, Y[hi], M[hi])
        per = []
        for a in ("young_people", "carers"):
            s = aud[hi] == a
            pa, ra, *_ = prf(pred[s], Y[hi][s], M[hi][s])
            per.append(f"{pa:.3f}/{ra:.3f}")
        print(
            f"  {name:<16}{p:>7.3f}{r:>7.3f}{f1_:>7.3f}  ({tp:.0f} {fp:.0f} {fn:.0f})  {per[0]:<14} {per[1]}"
        )
    show = ["lexicon", "model", "model/theme", "union", "veto", "add+veto", "union/theme", "pick"]
    print("\n== per-theme recall, pooled (n = labelled in the held folds)")
    print(f"  {'theme':<28}{'n':>4}" + "".join(f"{s[:11]:>12}" for s in show))
    hi = np.concatenate(pooled["lexicon"][0])
    for j, t in enumerate(themes):
        npos = int((Y[hi, j] * M[hi, j]).sum())
        if not npos:
            continue
        cells = []
        for s in show:
            pred = np.concatenate(pooled[s][1])
            cells.append((pred[:, j] * Y[hi, j] * M[hi, j]).sum() / npos)
        print(f"  {t:<28}{npos:>4}" + "".join(f"{c:>12.2f}" for c in cells))


if __name__ == "__main__":
    main()
