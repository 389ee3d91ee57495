"""Split the safeguarding evaluation corpus into dev and test, once.

    .venv/bin/python benchmarks/split_safeguarding_corpus.py
    .venv/bin/python benchmarks/split_safeguarding_corpus.py --new-items-only

Reads tests/data/safeguarding/messages.yaml and other_languages.yaml and writes
tests/data/safeguarding/split.yaml, which gives every id `dev` (for tuning) or `test`
(held out). The split is random with a fixed, recorded seed, 50/50 and stratified by
(file, category), so every category has items on both sides.

The split is made once. Without --new-items-only the script refuses to touch an
existing split.yaml. With --new-items-only it keeps every existing assignment and
splits only ids that are not in split.yaml yet, as a new numbered batch with its own
recorded seed (base seed + batch number - 1), so later additions never move anything.
Items are never moved between dev and test after results have been seen.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "tests" / "data" / "safeguarding"
SOURCES = ("messages.yaml", "other_languages.yaml")
SPLIT_NAME = "split.yaml"
BASE_SEED = 20261205
PARTS = ("dev", "test")

HEADER = """\
# The dev/test split of the safeguarding evaluation corpus (messages.yaml and
# other_languages.yaml in this folder), written by
# benchmarks/split_safeguarding_corpus.py. Do not edit by hand.
#
# dev  = may be read, tuned against and used for error analysis.
# test = held out: report figures on it; do not tune the detector or its lexicon on it.
#
# Each batch was assigned once, at random with the recorded seed
# (random.Random(seed)), 50/50 and stratified by (file, category). Batch 1 is every id
# not listed under a later batch. Items are NEVER moved between dev and test after
# results have been seen; new items are added as a new batch with
# `--new-items-only`, which leaves every existing assignment as it is.
"""


@dataclass(frozen=True)
class Item:
    """One labelled message: the file it came from, its id and its category."""

    source: str
    id: str
    category: str


class SplitError(Exception):
    """The corpus or the split file is not in a state the script can work with."""


def load_items(data_dir: Path = DATA_DIR) -> list[Item]:
    """Every message in the corpus files, in file order."""
    items: list[Item] = []
    for name in SOURCES:
        with (data_dir / name).open(encoding="utf-8") as handle:
            document = yaml.safe_load(handle)
        messages = document.get("messages") if isinstance(document, dict) else None
        if not isinstance(messages, list):
            raise SplitError(f"{name}: expected a top-level `messages:` list")
        for message in messages:
            items.append(Item(source=name, id=str(message["id"]), category=message["category"]))
    counts = Counter(item.id for item in items)
    duplicates = sorted(item_id for item_id, n in counts.items() if n > 1)
    if duplicates:
        raise SplitError(f"duplicate ids: {', '.join(duplicates[:10])}")
    return items


def assign(items: Sequence[Item], seed: int) -> dict[str, str]:
    """Assign each item to dev or test, 50/50 within each (source, category) stratum.

    Strata are visited in sorted order and ids are sorted before shuffling, so the
    result depends only on the items and the seed, not on their order in the file.
    When a stratum has an odd number of items the generator decides which side gets
    the extra one.
    """
    rng = random.Random(seed)
    strata: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item in items:
        strata[(item.source, item.category)].append(item.id)
    assignment: dict[str, str] = {}
    for key in sorted(strata):
        ids = sorted(strata[key])
        rng.shuffle(ids)
        half, odd = divmod(len(ids), 2)
        n_dev = half + (1 if odd and rng.random() < 0.5 else 0)
        for position, item_id in enumerate(ids):
            assignment[item_id] = PARTS[0] if position < n_dev else PARTS[1]
    return assignment


def batch_seed(batch: int, base_seed: int = BASE_SEED) -> int:
    """The seed recorded for batch number `batch` (1-based)."""
    return base_seed + batch - 1


def batch_members(items: Sequence[Item], split: dict[str, Any]) -> list[list[Item]]:
    """The items of each recorded batch, in batch order: batch 1 is every item no later
    batch lists. What the tests re-split, batch by batch, to show nothing was moved."""
    batches = split.get("batches") or []
    by_id = {item.id: item for item in items}
    later = {str(i) for batch in batches[1:] for i in batch["ids"]}
    members = [[item for item in items if item.id not in later]]
    return members + [[by_id[str(i)] for i in batch["ids"]] for batch in batches[1:]]


def _counts(assignment: dict[str, str], ids: Iterable[str] | None = None) -> dict[str, int]:
    chosen = assignment if ids is None else {i: assignment[i] for i in ids}
    tally = Counter(chosen.values())
    return {part: tally.get(part, 0) for part in PARTS}


def _sort_key(item_id: str) -> tuple[str, int, str]:
    prefix = item_id.rstrip("0123456789")
    digits = item_id[len(prefix) :]
    return (prefix, int(digits) if digits else -1, item_id)


def render(
    assignment: dict[str, str],
    batches: list[dict[str, Any]],
    seed: int,
    date: str,
    header: str = HEADER,
) -> str:
    """The text of split.yaml (hand-rendered so the header comment survives rewrites)."""
    lines = [header.rstrip("\n"), f"seed: {seed}", f"date: {date}", "batches:"]
    for batch in batches:
        fields = [
            f"batch: {batch['batch']}",
            f"seed: {batch['seed']}",
            f"date: {batch['date']}",
            f"items: {batch['items']}",
            f"dev: {batch['dev']}",
            f"test: {batch['test']}",
        ]
        if batch.get("ids"):
            fields.append(f"ids: [{', '.join(batch['ids'])}]")
        lines.append("  - {" + ", ".join(fields) + "}")
    totals = _counts(assignment)
    lines.append(f"counts: {{dev: {totals['dev']}, test: {totals['test']}}}")
    lines.append("assignments:")
    for item_id in sorted(assignment, key=_sort_key):
        lines.append(f"  {item_id}: {assignment[item_id]}")
    return "\n".join(lines) + "\n"


def read_split(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    if not isinstance(document, dict) or not isinstance(document.get("assignments"), dict):
        raise SplitError(f"{path}: not a split file (no `assignments:` mapping)")
    return document


def create_split(
    items: Sequence[Item], today: str, seed: int = BASE_SEED, header: str = HEADER
) -> str:
    """The text of a brand-new split.yaml: every item in batch 1."""
    assignment = assign(items, seed)
    counts = _counts(assignment)
    batch = {"batch": 1, "seed": seed, "date": today, "items": len(assignment), **counts}
    return render(assignment, [batch], seed, today, header)


def extend_split(
    existing: dict[str, Any], items: Sequence[Item], today: str, header: str = HEADER
) -> tuple[str | None, list[str]]:
    """Split.yaml text with ids not yet assigned added as a new batch.

    Returns (None, []) when there is nothing new. Existing assignments are copied
    unchanged, including ids that are no longer in the corpus files.
    """
    assignment: dict[str, str] = {str(k): str(v) for k, v in existing["assignments"].items()}
    new_items = [item for item in items if item.id not in assignment]
    if not new_items:
        return None, []
    batches: list[dict[str, Any]] = list(existing.get("batches") or [])
    number = len(batches) + 1
    seed = batch_seed(number, int(existing["seed"]))
    new_assignment = assign(new_items, seed)
    new_ids = sorted(new_assignment, key=_sort_key)
    batches.append(
        {
            "batch": number,
            "seed": seed,
            "date": today,
            "items": len(new_ids),
            **_counts(new_assignment),
            "ids": new_ids,
        }
    )
    assignment.update(new_assignment)
    text = render(assignment, batches, int(existing["seed"]), str(existing["date"]), header)
    return text, new_ids


def run(
    argv: Sequence[str] | None,
    *,
    description: str,
    load: Callable[[Path], list[Item]],
    data_dir: Path,
    seed: int,
    header: str,
) -> int:
    """The command line both corpus splitters share: make the split once, or extend it."""
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
    parser.add_argument(
        "--new-items-only",
        action="store_true",
        help="keep every existing assignment; split only ids not in split.yaml yet",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=data_dir,
        help="folder holding the corpus files and split.yaml",
    )
    args = parser.parse_args(argv)
    split_path = args.data_dir / SPLIT_NAME
    today = datetime.date.today().isoformat()
    try:
        items = load(args.data_dir)
        if not args.new_items_only:
            if split_path.exists():
                print(
                    f"{split_path} already exists: the split is made once and never redone. "
                    "Use --new-items-only to split items added since.",
                    file=sys.stderr,
                )
                return 2
            split_path.write_text(create_split(items, today, seed, header), encoding="utf-8")
            counts = _counts(assign(items, seed))
            print(
                f"wrote {split_path}: {len(items)} items, dev {counts['dev']}, "
                f"test {counts['test']}, seed {seed}"
            )
            return 0
        if not split_path.exists():
            print(f"{split_path} does not exist yet: run without --new-items-only", file=sys.stderr)
            return 2
        existing = read_split(split_path)
        known = {item.id for item in items}
        gone = sorted(set(map(str, existing["assignments"])) - known, key=_sort_key)
        if gone:
            print(
                f"warning: kept {len(gone)} assigned ids no longer in the corpus: {gone[:5]}",
                file=sys.stderr,
            )
        new_text, new_ids = extend_split(existing, items, today, header)
        if new_text is None:
            print("no new items: split.yaml left as it is")
            return 0
        split_path.write_text(new_text, encoding="utf-8")
        print(f"added {len(new_ids)} new items to {split_path} as a new batch")
        return 0
    except (SplitError, OSError, KeyError, yaml.YAMLError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


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
