"""Inter-annotator agreement: second blind labeller vs the gold safeguarding labels.

Gold (tests/data/safeguarding/messages.yaml) is treated as truth and the second
labeller's file (safeguarding_dev_second.yaml) as a 'detector', scored against the
project's bars: urgent recall >= 0.97, overall recall >= 0.92, false positives <= 0.08.
Only ids in the second file are loaded; the script refuses any id that split.yaml
marks as test.

Run from the repository:
    .venv/bin/python benchmarks/experiments/labeller_agreement/safeguarding_agreement.py \
        [--disagreements]
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
GOLD = REPO / "tests/data/safeguarding/messages.yaml"
SPLIT = REPO / "tests/data/safeguarding/split.yaml"
SECOND = HERE / "safeguarding_dev_second.yaml"


def load() -> tuple[dict, dict, dict]:
    second = yaml.safe_load(SECOND.read_text())["labels"]
    split = yaml.safe_load(SPLIT.read_text())["assignments"]
    bad = [i for i in second if split.get(i) != "dev"]
    if bad:
        raise SystemExit(f"refusing: ids not in dev: {bad}")
    gold_all = yaml.safe_load(GOLD.read_text())["messages"]
    gold = {}
    for m in gold_all:
        if m["id"] in second:
            also = m.get("also") or []
            if isinstance(also, str):
                also = [also]
            gold[m["id"]] = {
                "category": m["category"],
                "level": m.get("level"),
                "also": list(also),
            }
    missing = set(second) - set(gold)
    if missing:
        raise SystemExit(f"ids without gold: {sorted(missing)}")
    texts = {m["id"]: m for m in gold_all if m["id"] in second}
    return gold, second, texts


def three(lbl: dict) -> str:
    return "none" if lbl["category"] == "none" else lbl["level"]


def kappa(pairs: list[tuple[str, str]]) -> float:
    n = len(pairs)
    po = sum(a == b for a, b in pairs) / n
    ca = Counter(a for a, _ in pairs)
    cb = Counter(b for _, b in pairs)
    pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return (po - pe) / (1 - pe)


def wilson(a: int, b: int, z: float = 1.96) -> tuple[float, float]:
    p = a / b
    d = 1 + z * z / b
    c = p + z * z / (2 * b)
    h = z * ((p * (1 - p) / b + z * z / (4 * b * b)) ** 0.5)
    return max(0.0, (c - h) / d), min(1.0, (c + h) / d)


def frac(a: int, b: int) -> str:
    if not b:
        return "n/a"
    lo, hi = wilson(a, b)
    return f"{a / b:.3f} ({a}/{b}; 95% Wilson {lo:.3f}-{hi:.3f})"


def report(gold: dict, second: dict) -> str:
    ids = sorted(gold)
    g_urgent = [i for i in ids if three(gold[i]) == "urgent"]
    g_risky = [i for i in ids if gold[i]["category"] != "none"]
    g_none = [i for i in ids if gold[i]["category"] == "none"]
    s_risky = {i for i in ids if second[i]["category"] != "none"}
    both = [i for i in g_risky if i in s_risky]

    u_hit = sum(three(second[i]) == "urgent" for i in g_urgent)
    r_hit = sum(i in s_risky for i in g_risky)
    fp = sum(i in s_risky for i in g_none)
    cat1 = sum(second[i]["category"] == gold[i]["category"] for i in both)
    cat_also = sum(second[i]["category"] in [gold[i]["category"], *gold[i]["also"]] for i in both)
    lvl = sum(second[i]["level"] == gold[i]["level"] for i in both)
    k2 = kappa([(str(gold[i]["category"] != "none"), str(i in s_risky)) for i in ids])
    k3 = kappa([(three(gold[i]), three(second[i])) for i in ids])

    s_urgent = [i for i in ids if three(second[i]) == "urgent"]
    rev_u = sum(three(gold[i]) == "urgent" for i in s_urgent)
    rev_r = sum(gold[i]["category"] != "none" for i in s_risky)
    conf = Counter((three(gold[i]), three(second[i])) for i in ids)
    levels = ["none", "concern", "urgent"]
    lines = [
        "Second blind labeller (docs/safeguarding.md rules 1-5) scored against gold,",
        "gold = truth, second labeller = 'detector'. Dev ids only.",
        (
            f"messages: {len(ids)}  gold urgent {len(g_urgent)}, "
            f"gold risky {len(g_risky)}, gold none {len(g_none)}"
        ),
        "",
        f"urgent recall   (bar >= 0.97): {frac(u_hit, len(g_urgent))}",
        f"overall recall  (bar >= 0.92): {frac(r_hit, len(g_risky))}",
        f"false positives (bar <= 0.08): {frac(fp, len(g_none))}",
        "",
        "among messages both call risky:",
        f"  category accuracy, first category only: {frac(cat1, len(both))}",
        f"  category accuracy, gold `also` counted: {frac(cat_also, len(both))}",
        f"  level accuracy (urgent/concern):        {frac(lvl, len(both))}",
        "",
        f"Cohen's kappa, risky vs none:            {k2:.3f}",
        f"Cohen's kappa, none / concern / urgent:  {k3:.3f}",
        "",
        "reverse (second labeller as truth, gold as 'detector'):",
        f"  urgent recall:  {frac(rev_u, len(s_urgent))}",
        f"  overall recall: {frac(rev_r, len(s_risky))}",
        "",
        "confusion (rows gold, columns second):",
        "           " + "".join(f"{c:>9}" for c in levels),
    ]
    for g in levels:
        lines.append(f"  {g:>8} " + "".join(f"{conf[(g, s)]:>9}" for s in levels))
    return "\n".join(lines) + "\n"


def disagreements(gold: dict, second: dict, texts: dict) -> str:
    out = []
    for i in sorted(gold):
        g, s = gold[i], second[i]
        if three(g) == three(s):
            continue
        gs = g["category"] + (f"/{g['level']}" if g["level"] else "")
        if g["also"]:
            gs += f" (also {', '.join(g['also'])})"
        ss = s["category"] + (f"/{s['level']}" if s.get("level") else "")
        out.append(f"{i} [{texts[i]['who']}] {texts[i]['text']}\n  gold: {gs}\n  second: {ss}\n")
    return "\n".join(out)


def main() -> None:
    gold, second, texts = load()
    if "--disagreements" in sys.argv:
        print(disagreements(gold, second, texts))
    else:
        print(report(gold, second), end="")


if __name__ == "__main__":
    main()
