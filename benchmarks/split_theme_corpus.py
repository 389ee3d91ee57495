"""Split the theme evaluation corpus into dev and test, once.

    .venv/bin/python benchmarks/split_theme_corpus.py
    .venv/bin/python benchmarks/split_theme_corpus.py --new-items-only

Reads the labelled comments in tests/data/themes/ (analysis.themes.quality.CORPUS_FILES:
young_children, teens, care_leavers and foster_carers, and their batch-2 "_two" files)
and writes tests/data/themes/split.yaml, which
gives every id `dev` (for tuning) or `test` (held out). The split is random with a
fixed, recorded seed, 50/50 and stratified by (file, who), so every kind of writer has
comments on both sides. It reuses the safeguarding corpus's split code
(benchmarks/split_safeguarding_corpus.py): made once, never redone; --new-items-only
adds ids not yet split as a new batch and leaves every existing assignment alone.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from split_safeguarding_corpus import (  # noqa: E402
    Item,
    SplitError,
    assign,  # noqa: F401 - the tests re-split through this module
    batch_members,  # noqa: F401 - and batch by batch
    run,
)

from analysis.themes.quality import CORPUS_FILES  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "tests" / "data" / "themes"
SOURCES = CORPUS_FILES
SPLIT_NAME = "split.yaml"
BASE_SEED = 20261206

HEADER = """\
# The dev/test split of the theme evaluation corpus (the comment files in this
# folder), written by benchmarks/split_theme_corpus.py. Do not edit by hand.
#
# dev  = may be read, tuned against and used for error analysis.
# test = held out: report figures on it; do not tune the lexicon or tagger on it.
#
# Each batch was assigned once, at random with the recorded seed
# (random.Random(seed)), 50/50 and stratified by (file, who). Batch 1 is every id
# not listed under a later batch. Items are NEVER moved between dev and test after
# results have been seen; new items are added as a new batch with
# `--new-items-only`, which leaves every existing assignment as it is.
"""


def load_items(data_dir: Path = DATA_DIR) -> list[Item]:
    """Every comment in the corpus files, in file order; category is `who`."""
    items: list[Item] = []
    seen: set[str] = set()
    for name in SOURCES:
        with (data_dir / name).open(encoding="utf-8") as handle:
            document = yaml.safe_load(handle)
        comments = document.get("comments") if isinstance(document, dict) else None
        if not isinstance(comments, list):
            raise SplitError(f"{name}: expected a top-level `comments:` list")
        for comment in comments:
            item_id = str(comment["id"])
            if item_id in seen:
                raise SplitError(f"{name}: duplicate id {item_id}")
            seen.add(item_id)
            items.append(Item(source=name, id=item_id, category=str(comment["who"])))
    return items


def main(argv: Sequence[str] | None = None) -> int:
    return run(
        argv,
        description=__doc__ or "",
        load=load_items,
        data_dir=DATA_DIR,
        seed=BASE_SEED,
        header=HEADER,
    )


if __name__ == "__main__":
    sys.exit(main())
