# ruff: noqa: SIM115 - scratch experiment kept as run (README.md)
"""Paired bootstrap (by comment, 2000 resamples) of pooled unlearned micro P/R/F1 differences
against the shipped tagger, for the rules fitted on calibration by evaluate.py. Uncertainty
only: nothing is chosen here.

    OMP_NUM_THREADS=1 venv/bin/python bootstrap.py [--npz out/unlearned.npz] > bootstrap.txt
"""

import argparse

import evaluate as E
import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--npz", default="out/unlearned.npz")
    args = ap.parse_args()
    themes, rows, Y, M, L = E.load_matrices("data.json")
    z = dict(np.load(E.HERE / args.npz))
    ci, hi = z["calib_idx"], z["held_idx"]
    fns, _, params, _ = E.rules(z["calib"], L[ci], Y[ci], M[ci])
    Yh, Mh = Y[hi] * M[hi], M[hi]

    def counts(pred):
        p = pred * Mh
        return np.stack(
            [(p * Yh).sum(1), (p * (1 - Yh)).sum(1), ((1 - p) * Yh).sum(1)], 1
        )  # per comment tp fp fn

    C = {name: counts(fn(z["held"], L[hi], M[hi])) for name, fn in fns.items()}
    rng = np.random.default_rng(0)
    B = 2000
    idx = rng.integers(0, len(hi), size=(B, len(hi)))

    def prf(c):
        tp, fp, fn = c[..., 0], c[..., 1], c[..., 2]
        p, r = tp / (tp + fp), tp / (tp + fn)
        return np.stack([p, r, 2 * p * r / (p + r)], -1)

    base = prf(C["shipped"][idx].sum(1))
    print(f"pick = {params['pick']}; {B} paired resamples of {len(hi)} unlearned comments")
    print(f"{'rule':<16}{'dP':>26}{'dR':>26}{'dF1':>26}   P(dF1<=0)")
    for name in (
        "model",
        "model/theme",
        "union",
        "veto",
        "add+veto",
        "fill+veto",
        "union/theme",
        "add+veto/theme",
    ):
        d = prf(C[name][idx].sum(1)) - base
        pt = prf(C[name].sum(0)) - prf(C["shipped"].sum(0))
        cells = [
            f"{pt[j]:+.3f} [{np.percentile(d[:, j], 2.5):+.3f},{np.percentile(d[:, j], 97.5):+.3f}]"
            for j in range(3)
        ]
        print(
            f"{name:<16}"
            + "".join(f"{c:>26}" for c in cells).replace("] ", "]  ")
            + f"   {np.mean(d[:, 2] <= 0):.3f}"
        )


if __name__ == "__main__":
    main()
