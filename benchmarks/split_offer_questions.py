"""Split the independently written local-offer questions into dev and test, once.

    .venv/bin/python benchmarks/split_offer_questions.py
    .venv/bin/python benchmarks/split_offer_questions.py --new-items-only

Reads tests/data/offer/questions.yaml and writes tests/data/offer/split.yaml, which
gives every question id `dev` (may be read and tuned on) or `test` (held out). The
split is random with a fixed, recorded seed, 50/50 and stratified by style (so
off-topic, typo, slang and multi questions are on both sides).

The split is made once: without --new-items-only the script refuses to touch an
existing split.yaml. With --new-items-only it keeps every assignment and splits only
ids not in split.yaml yet, as a new batch with its own recorded seed. Questions are
never moved between dev and test after results have been seen.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "tests" / "data" / "offer"
QUESTIONS = "questions.yaml"
SPLIT = "split.yaml"
BASE_SEED = 20261206
PARTS = ("dev", "test")

HEADER = """\
# The dev/test split of tests/data/offer/questions.yaml, written by
# benchmarks/split_offer_questions.py. Do not edit by hand.
#
# dev  = may be read, tuned against and used for error analysis.
# test = held out: report figures on it; do not tune the search, synonyms or entries on it.
#
# Each batch was assigned once, at random with the recorded seed (random.Random(seed)),
# 50/50 and stratified by style. Items are NEVER moved between dev and test.
"""


class SplitError(Exception):
    """The questions or the split file are not in a state the script can work with."""


def load_items(path: Path) -> list[tuple[str, str]]:
    """(id, style) for every question, in file order."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = document.get("questions") if isinstance(document, dict) else None
    if not isinstance(questions, list):
        raise SplitError(f"{path}: expected a top-level `questions:` list")
    items = [(str(q["id"]), str(q.get("style") or "plain")) for q in questions]
    duplicates = sorted(i for i, n in Counter(i for i, _ in items).items() if n > 1)
    if duplicates:
        raise SplitError(f"{path}: duplicate ids: {', '.join(duplicates[:10])}")
    return items


def assign(items: Sequence[tuple[str, str]], seed: int) -> dict[str, str]:
    """dev or test for each id, 50/50 within each style; depends only on ids and seed."""
    rng = random.Random(seed)
    strata: dict[str, list[str]] = defaultdict(list)
    for item_id, style in items:
        strata[style].append(item_id)
    assignment: dict[str, str] = {}
    for style in sorted(strata):
        ids = sorted(strata[style])
        rng.shuffle(ids)
        half, odd = divmod(len(ids), 2)
        n_dev = half + (1 if odd and rng.random() < 0.5 else 0)
        for position, item_id in enumerate(ids):
            assignment[item_id] = PARTS[0] if position < n_dev else PARTS[1]
    return assignment


def render(assignment: dict[str, str], batches: list[dict[str, Any]]) -> str:
    tally = Counter(assignment.values())
    lines = [HEADER.rstrip("\n"), "batches:"]
    for batch in batches:
        lines.append(
            "  - {"
            + ", ".join(
                f"{key}: {batch[key]}" for key in ("batch", "seed", "date", "items", "dev", "test")
            )
            + "}"
        )
    lines.append(f"counts: {{dev: {tally['dev']}, test: {tally['test']}}}")
    lines.append("assignments:")
    lines.extend(f"  {item_id}: {assignment[item_id]}" for item_id in sorted(assignment))
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--new-items-only", action="store_true")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    split_path: Path = args.data_dir / SPLIT
    today = datetime.date.today().isoformat()
    try:
        items = load_items(args.data_dir / QUESTIONS)
        if split_path.exists() and not args.new_items_only:
            print(f"{split_path} already exists: the split is made once.", file=sys.stderr)
            return 2
        existing: dict[str, Any] = (
            yaml.safe_load(split_path.read_text(encoding="utf-8")) if split_path.exists() else {}
        )
        assignment = {str(k): str(v) for k, v in (existing.get("assignments") or {}).items()}
        batches: list[dict[str, Any]] = list(existing.get("batches") or [])
        new = [item for item in items if item[0] not in assignment]
        if not new:
            print("no new questions: split.yaml left as it is")
            return 0
        seed = BASE_SEED + len(batches)
        added = assign(new, seed)
        tally = Counter(added.values())
        batches.append(
            {"batch": len(batches) + 1, "seed": seed, "date": today, "items": len(added)}
            | {part: tally[part] for part in PARTS}
        )
        assignment.update(added)
        split_path.write_text(render(assignment, batches), encoding="utf-8")
        print(f"wrote {split_path}: {len(added)} new, dev {tally['dev']}, test {tally['test']}")
        return 0
    except (SplitError, OSError, KeyError, yaml.YAMLError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
