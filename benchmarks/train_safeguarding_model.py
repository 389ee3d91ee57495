"""Train the safeguarding model on dev (+ legacy) and write it next to the lexicon.

    python benchmarks/train_safeguarding_model.py            # writes model/sg-model-<version>.json
    python benchmarks/train_safeguarding_model.py --check    # retrain in memory; exit 1 if the
                                                             # shipped file differs

Reads only the `dev` half of tests/data/safeguarding/messages.yaml and the legacy
tests/data/safeguarding_messages.yaml; the `test` half is never used for training or
for choosing the threshold. Change VERSION whenever the data, features or settings
change, and re-run benchmarks/safeguarding_quality.py for the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "benchmarks"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from safeguarding_quality import LEGACY, corpus_part, load_examples  # noqa: E402

from analysis.safeguarding.detector import detect_with_lexicon  # noqa: E402
from analysis.safeguarding.lexicon import CATEGORIES  # noqa: E402
from analysis.safeguarding.model import MODEL_DIR  # noqa: E402
from analysis.safeguarding.train import TrainingMessage, train_model, write_model  # noqa: E402

VERSION = "2026.12-1"
# At most this share of the training negatives may be raised by the model alone
# (out-of-fold), on top of what the lexicon raises.
FALSE_ALARM_BUDGET = 0.03


def training_messages() -> list[TrainingMessage]:
    """Dev first, then legacy: the only messages the model may learn from."""
    examples = [*corpus_part("dev"), *load_examples(LEGACY)]
    return [TrainingMessage(e.text, e.category) for e in examples]


def build() -> dict[str, object]:
    return train_model(
        training_messages(),
        version=VERSION,
        categories=CATEGORIES,
        lexicon_fires=lambda text: detect_with_lexicon(text) is not None,
        false_alarm_budget=FALSE_ALARM_BUDGET,
        trained_on={"sets": ["tests/data/safeguarding/messages.yaml (dev)", LEGACY.name]},
    )


def model_path(version: str = VERSION) -> Path:
    return MODEL_DIR / f"sg-model-{version}.json"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped file")
    args = parser.parse_args(argv)
    content = build()
    path = model_path()
    if args.check:
        shipped = json.loads(path.read_text(encoding="utf-8"))
        same = shipped == json.loads(json.dumps(content))
        print(f"{path.name}: {'same weights' if same else 'DIFFERENT from a retrain'}")
        return 0 if same else 1
    model = write_model(content, path)
    size = path.stat().st_size
    trained = model.trained_on
    print(
        f"wrote {path.relative_to(ROOT)} ({size / 1024:.0f} KB): {trained['messages']} messages,"
        f" {len(model.risky_weights)} weights, threshold {model.threshold}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
