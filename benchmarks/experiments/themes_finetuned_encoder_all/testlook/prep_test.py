# ruff: noqa: I001, SIM115 - scratch experiment kept as run (../README.md)
"""Test comments and the shipped tagger's tags (main's venv, main's code): one look."""

import json
from analysis.themes.quality import evaluate, load_corpus

from analysis.themes.quality import shipped_taggers

test = load_corpus()["test"]
q = evaluate(shipped_taggers, test)
print(f"shipped on test: {q.overall.precision:.3f} / {q.overall.recall:.3f} ({len(test)} comments)")
rows = [
    dict(
        id=c.id,
        text=c.text,
        audience=c.audience,
        themes=sorted(c.themes),
        shipped=sorted(shipped_taggers(c).tag(c.text)),
    )
    for c in test
]
json.dump(rows, open("test_rows.json", "w"))
