# ruff: noqa: E501, SIM115 - scratch experiment kept as run (README.md)
"""data.json plus the four sets written for the encoder on 2026-12-07 (pool "train") -> data_more.json.

cd /work/scratch/ft_all && PYTHONPATH=main_frozen /work/main/.venv/bin/python prep_more.py
"""

import json
from pathlib import Path

from analysis.themes.lexicon import AUDIENCE_THEMES
from analysis.themes.quality import load_labelled
from analysis.themes.tagger import default_tagger

MORE = Path("/work/main/benchmarks/experiments/themes_finetuned_encoder_all/data")
data = json.load(open("data.json"))
known = {r["text"] for r in data["rows"] if r["pool"] == "unlearned"}
taggers = {a: default_tagger(a) for a in AUDIENCE_THEMES}
added = 0
for path in sorted(MORE.glob("more_*.yaml")):
    for c in load_labelled(path):
        could = list(AUDIENCE_THEMES[c.audience])
        data["rows"].append(
            dict(
                set=path.stem,
                pool="train",
                id=c.id,
                text=c.text,
                audience=c.audience,
                themes=sorted(c.themes),
                could=could,
                lexicon=sorted(t for t in taggers[c.audience].tag(c.text) if t in could),
            )
        )
        added += 1
    print(
        path.stem,
        "same text as an unlearned comment:",
        sum(1 for r in data["rows"] if r["set"] == path.stem and r["text"] in known),
    )
json.dump(
    data,
    open(__import__("sys").argv[1] if len(__import__("sys").argv) > 1 else "data_more.json", "w"),
    indent=0,
)
print("added", added, "training rows; pool now", sum(r["pool"] == "train" for r in data["rows"]))
