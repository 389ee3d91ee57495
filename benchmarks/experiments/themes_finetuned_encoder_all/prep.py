# ruff: noqa: SIM115, SIM300 - scratch experiment kept as run (README.md)
"""Freeze the training pool, the four unlearned sets and the shipped tagger's tags to data.json.

    cd /work/scratch/ft_all && PYTHONPATH=main_frozen /work/main/.venv/bin/python prep.py

Adapted from benchmarks/experiments/themes_finetuned_encoder/prep.py.
Training pool: dev (only ids marked dev in split.yaml), old (tests/data/theme_comments.yaml,
14 original themes, audience young_people), and every set in theme_quality.TRAINING_SETS.
Unlearned (evaluation only): theme_quality.UNLEARNED_SETS.

Test is never parsed: the four corpus files hold one comment per line
("  - {id: ..., ...}"), so the lines whose id is not marked dev are dropped as text
*before* YAML parsing, and only the dev lines are written to a temp file and loaded.
Shipped tags: analysis.themes.tagger.default_tagger(audience).tag(text) (as shipped,
SECOND_OPINION as in the frozen copy).
"""

import json
import re
import sys
import tempfile
import time
from pathlib import Path

import yaml

from analysis.themes.lexicon import AUDIENCE_THEMES, THEME_IDS, YOUNG_PEOPLE_THEME_IDS
from analysis.themes.quality import CORPUS_DIR, CORPUS_FILES, load_labelled
from analysis.themes.tagger import SECOND_OPINION, default_tagger

ROOT = Path(__import__("analysis").__file__).resolve().parents[1]
assert "ft_all" in str(ROOT), ROOT  # the frozen copy, not main
sys.path.insert(0, str(ROOT / "benchmarks"))
import theme_quality as tq  # noqa: E402

split = yaml.safe_load((CORPUS_DIR / "split.yaml").read_text())["assignments"]
dev_ids = {k for k, v in split.items() if v == "dev"}
ITEM = re.compile(r"^\s*- \{id: ([A-Za-z0-9_-]+),")

sets = {"dev": []}
with tempfile.TemporaryDirectory() as tmp:
    for name in CORPUS_FILES:
        kept = []
        for line in (CORPUS_DIR / name).read_text().splitlines():
            m = ITEM.match(line)
            if m:
                if m.group(1) in dev_ids:
                    kept.append(line)
            elif "id:" in line:
                raise SystemExit(f"unexpected id line in {name}: cannot filter safely")
            else:
                kept.append(line)
        p = Path(tmp) / name
        p.write_text("\n".join(kept) + "\n")
        sets["dev"].extend(load_labelled(p))
assert len(sets["dev"]) == len(dev_ids), (len(sets["dev"]), len(dev_ids))
assert all(c.id in dev_ids for c in sets["dev"])

sets["old"] = load_labelled(tq.OLD_SET)
for name, path in tq.TRAINING_SETS.items():
    sets[name] = load_labelled(path)
for name, path in tq.UNLEARNED_SETS.items():
    sets[name] = load_labelled(path)

OLD = set(YOUNG_PEOPLE_THEME_IDS[:14])
assert OLD == set(tq.ORIGINAL_THEMES)
rows, times = [], []
taggers = {a: default_tagger(a) for a in AUDIENCE_THEMES}
for name, comments in sets.items():
    for c in comments:
        could = [t for t in AUDIENCE_THEMES[c.audience] if name != "old" or t in OLD]
        t0 = time.perf_counter()
        lex = taggers[c.audience].tag(c.text)
        times.append(time.perf_counter() - t0)
        outside = [t for t in lex if t not in AUDIENCE_THEMES[c.audience]]
        assert not outside, (c.text, outside)
        rows.append(
            dict(
                set=name,
                pool="unlearned" if name in tq.UNLEARNED_SETS else "train",
                id=c.id,
                text=c.text,
                audience=c.audience,
                themes=sorted(c.themes),
                could=could,
                lexicon=sorted(t for t in lex if t in could),
            )
        )
    print(name, len(comments))
json.dump(
    {
        "themes": list(THEME_IDS),
        "audience_themes": {k: list(v) for k, v in AUDIENCE_THEMES.items()},
        "second_opinion": SECOND_OPINION,
        "rows": rows,
        "lexicon_ms_mean": 1000 * sum(times) / len(times),
    },
    open("data.json", "w"),
    indent=0,
)
print("SECOND_OPINION", SECOND_OPINION, "shipped ms/comment", 1000 * sum(times) / len(times))

# check: micro P/R per set, computed as theme_quality.evaluate does
for name in sets:
    tp = fp = fn = 0
    for r in rows:
        if r["set"] != name:
            continue
        pred, gold = set(r["lexicon"]), set(r["themes"])
        tp += len(pred & gold)
        fp += len(pred - gold)
        fn += len(gold - pred)
    print(f"  {name:<24} P {tp / (tp + fp):.3f} R {tp / (tp + fn):.3f} (tp {tp}, fp {fp}, fn {fn})")
