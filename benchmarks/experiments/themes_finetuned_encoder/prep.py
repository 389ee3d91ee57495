# ruff: noqa: E501, SIM115, B007 - kept exactly as run (NOTE.md)
"""Freeze the allowed data and the shipped lexicon's tags to data.json (main's venv).

    PYTHONPATH=main_1c9ae99 /work/main/.venv/bin/python prep.py

Sets: dev (ids marked dev in split.yaml only; test items are never kept), old
(tests/data/theme_comments.yaml, 14 original themes labellable), train-young-voices,
train-carers-small. Audience as analysis.themes.quality decides it (foster-carer ->
carers; the old set is always young_people). `could` = the themes the comment could have
been labelled with (its audience's; the old set's 14 only).
"""

import json
import sys
import time
from pathlib import Path

import yaml

from analysis.themes.lexicon import AUDIENCE_THEMES, THEME_IDS, YOUNG_PEOPLE_THEME_IDS
from analysis.themes.quality import CORPUS_DIR, CORPUS_FILES, load_labelled
from analysis.themes.tagger import default_tagger

ROOT = Path(sys.path[0]) if False else Path(__import__("analysis").__file__).resolve().parents[1]
assert "themes_ft" in str(ROOT), ROOT  # the frozen copy, not main
split = yaml.safe_load((CORPUS_DIR / "split.yaml").read_text())["assignments"]
sets = {"dev": []}
for name in CORPUS_FILES:
    for c in load_labelled(CORPUS_DIR / name):
        if split.get(c.id) == "dev":
            sets["dev"].append(c)
sets["old"] = load_labelled(ROOT / "tests" / "data" / "theme_comments.yaml")
sets["train-young-voices"] = load_labelled(CORPUS_DIR / "train_young_voices.yaml")
sets["train-carers-small"] = load_labelled(CORPUS_DIR / "train_carers_and_small_children.yaml")
OLD = set(YOUNG_PEOPLE_THEME_IDS[:14])
rows = []
times = []
for name, comments in sets.items():
    for c in comments:
        could = [t for t in AUDIENCE_THEMES[c.audience] if name != "old" or t in OLD]
        tagger = default_tagger(c.audience)
        t0 = time.perf_counter()
        lex = tagger.tag(c.text)
        times.append(time.perf_counter() - t0)
        rows.append(
            dict(
                set=name,
                id=c.id,
                text=c.text,
                audience=c.audience,
                themes=sorted(c.themes),
                could=could,
                lexicon=[t for t in lex if t in could],
            )
        )
    print(name, len(comments))
json.dump(
    {
        "themes": list(THEME_IDS),
        "audience_themes": {k: list(v) for k, v in AUDIENCE_THEMES.items()},
        "rows": rows,
        "lexicon_ms_mean": 1000 * sum(times) / len(times),
    },
    open("data.json", "w"),
    indent=0,
)
print("lexicon ms/comment", 1000 * sum(times) / len(times))
