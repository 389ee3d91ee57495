# ruff: noqa: E402
"""How many of the demo's synthetic comments change themes with the encoder on?

Builds the demo council (`heard demo`'s people and comments, seed 2025) twice, in two
throwaway SQLite databases, with HEARD_THEME_ENCODER off and on, and compares each
comment's stored themes. The demo's comments were written beside the lexicon, so this
says how much the encoder moves, not which is right. Prints a sample of the changes, and
how long tagging took each way (the same run, the same comments: a ratio, not a promise).

    .venv/bin/python benchmarks/experiments/themes_encoder_bars/demo_changes.py
"""

from __future__ import annotations

import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select

from heard.demo.build import build_demo
from heard.settings import load_settings
from heard.wiring import open_database
from storage import models
from storage.db import transaction

SEED = 2025


def themes_with(encoder: bool, folder: Path) -> tuple[dict[int, tuple[str, list[str]]], float]:
    """Each comment's words and stored themes, and the seconds the build took."""
    settings = load_settings(environ={"HEARD_DATA_DIR": str(folder)}, env_file=None)
    database = open_database(settings)
    try:
        seconds = build_demo(
            database, settings.pseudonym_key, seed=SEED, with_encoder=encoder
        ).seconds
        with transaction(database.sessions) as session:
            rows = session.execute(
                select(models.Comment.id, models.Comment.text, models.Comment.themes)
            ).all()
        return {row.id: (row.text or "", list(row.themes or [])) for row in rows}, seconds
    finally:
        database.close()


def main() -> int:
    with tempfile.TemporaryDirectory() as off_dir, tempfile.TemporaryDirectory() as on_dir:
        (off, off_seconds), (on, on_seconds) = (
            themes_with(False, Path(off_dir)),
            themes_with(True, Path(on_dir)),
        )
    assert off.keys() == on.keys() and all(off[k][0] == on[k][0] for k in off)
    changed = [k for k in off if off[k][1] != on[k][1]]
    print(f"{len(changed)} of {len(off)} comments change themes with the encoder on")
    print(
        f"the demo built in {off_seconds:.1f} s with it off, {on_seconds:.1f} s on: "
        f"{(on_seconds - off_seconds) * 1000 / len(off):.1f} ms more a comment\n"
    )
    before = Counter(t for _, themes in off.values() for t in themes)
    after = Counter(t for _, themes in on.values() for t in themes)
    print(f"{'theme':30} {'off':>5} {'on':>5}")
    for theme in sorted(before.keys() | after.keys(), key=lambda t: -before[t]):
        print(f"{theme:30} {before[theme]:5} {after[theme]:5}")
    print("\na sample of the changes:")
    for key in random.Random(1).sample(changed, min(15, len(changed))):
        print(f"  {off[key][0][:90]!r}\n      {off[key][1]} -> {on[key][1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
