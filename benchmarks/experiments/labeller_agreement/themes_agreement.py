"""Inter-annotator agreement: second labeller vs gold on the blind dev theme comments.

Gold is treated as truth. Only ids in themes_dev_second.yaml are used, and all must
be in the dev split.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from analysis.themes import CARER_THEME_IDS, YOUNG_PEOPLE_THEME_IDS

HERE = Path(__file__).resolve().parent
GOLD_DIR = HERE.parents[2] / "tests/data/themes"
GOLD_FILES = ["care_leavers", "foster_carers", "teens", "young_children"]
# Carers' own themes, as the shipped lexicons define them.
CARER_ONLY = set(CARER_THEME_IDS) - set(YOUNG_PEOPLE_THEME_IDS)
# Young people's own themes as LABELLING.md lists them: it keeps home_and_belonging off
# the carers' list, which the carers' lexicon allows, so this set is not derived from it.
YOUNG_ONLY = {
    "friendship",
    "trusted_adults",
    "boundaries_and_care",
    "being_heard",
    "home_and_belonging",
    "money",
    "housing",
}


def load() -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, dict]]:
    raw = yaml.safe_load((HERE / "themes_dev_second.yaml").read_text())["labels"]
    split = yaml.safe_load((GOLD_DIR / "split.yaml").read_text())["assignments"]
    if any(split.get(i) != "dev" for i in raw):
        raise SystemExit("refusing: the second labels name an id outside dev")
    items: dict[str, dict] = {}
    second = {k: set(v or []) for k, v in raw.items()}
    gold: dict[str, set[str]] = {}
    for name in GOLD_FILES:
        for c in yaml.safe_load((GOLD_DIR / f"{name}.yaml").read_text())["comments"]:
            if c["id"] in raw:
                gold[c["id"]] = set(c.get("themes") or [])
                items[c["id"]] = c
    missing = set(items) - set(gold)
    assert not missing, f"gold missing for {sorted(missing)}"
    assert set(second) == set(items)
    return gold, second, items


def micro(ids, gold, second) -> str:
    tp = sum(len(gold[i] & second[i]) for i in ids)
    fp = sum(len(second[i] - gold[i]) for i in ids)
    fn = sum(len(gold[i] - second[i]) for i in ids)
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    f = 2 * p * r / (p + r) if p + r else float("nan")
    exact = sum(gold[i] == second[i] for i in ids) / len(ids)
    counts = f"n={len(ids):3d} tp={tp:3d} fp={fp:3d} fn={fn:3d}"
    return f"{counts}  P={p:.3f} R={r:.3f} F1={f:.3f}  exact-set={exact:.3f}"


def kappa(ids, theme, gold, second) -> float:
    n = len(ids)
    a = sum(theme in gold[i] and theme in second[i] for i in ids)
    d = sum(theme not in gold[i] and theme not in second[i] for i in ids)
    po = (a + d) / n
    pg = sum(theme in gold[i] for i in ids) / n
    ps = sum(theme in second[i] for i in ids) / n
    pe = pg * ps + (1 - pg) * (1 - ps)
    return (po - pe) / (1 - pe) if pe < 1 else float("nan")


def main() -> None:
    gold, second, items = load()
    ids = sorted(items)
    carers = [i for i in ids if items[i]["who"] == "foster-carer"]
    young = [i for i in ids if items[i]["who"] != "foster-carer"]
    print("Second labeller vs gold (gold = truth), themes dev blind set")
    print(f"all     {micro(ids, gold, second)}")
    print(f"carers  {micro(carers, gold, second)}")
    print(f"young   {micro(young, gold, second)}")
    for who in sorted({items[i]["who"] for i in ids}):
        sub = [i for i in ids if items[i]["who"] == who]
        print(f"  {who:13s} {micro(sub, gold, second)}")
    print()
    print("Per theme. kappa_all: presence/absence over all comments; kappa_pop: over the comments")
    print(
        "the theme applies to by LABELLING.md "
        "(carers-only themes: carers; young-only: young people)."
    )
    print(
        f"{'theme':30s} {'gold':>4s} {'2nd':>4s} {'tp':>3s} {'fp':>3s} {'fn':>3s} "
        f"{'P':>6s} {'R':>6s} {'k_all':>6s} {'k_pop':>6s}"
    )
    themes = sorted(set().union(*gold.values(), *second.values()))
    for t in themes:
        tp = sum(t in gold[i] and t in second[i] for i in ids)
        fp = sum(t not in gold[i] and t in second[i] for i in ids)
        fn = sum(t in gold[i] and t not in second[i] for i in ids)
        p = tp / (tp + fp) if tp + fp else float("nan")
        r = tp / (tp + fn) if tp + fn else float("nan")
        pop = carers if t in CARER_ONLY else young if t in YOUNG_ONLY else ids
        ka, kp = kappa(ids, t, gold, second), kappa(pop, t, gold, second)
        print(
            f"{t:30s} {tp + fn:4d} {tp + fp:4d} {tp:3d} {fp:3d} {fn:3d} "
            f"{p:6.3f} {r:6.3f} {ka:6.3f} {kp:6.3f}"
        )
    empty_g = sum(not gold[i] for i in ids)
    empty_s = sum(not second[i] for i in ids)
    both_empty = sum(not gold[i] and not second[i] for i in ids)
    print()
    print(f"empty lists: gold={empty_g} second={empty_s} both={both_empty}")
    kas = [kappa(ids, t, gold, second) for t in themes]
    print(f"mean per-theme kappa (all comments): {sum(kas) / len(kas):.3f}; min {min(kas):.3f}")
    print(f"comments with any disagreement: {sum(gold[i] != second[i] for i in ids)} of {len(ids)}")


if __name__ == "__main__":
    main()
