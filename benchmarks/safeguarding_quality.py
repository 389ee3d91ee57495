"""How well the safeguarding detector catches disclosures, against the bars in issue 8.

    python benchmarks/safeguarding_quality.py [MESSAGES.yaml ...] [--misses]

Bars: urgent recall >= 0.97 (an urgent message must be detected as urgent),
overall recall >= 0.90 (a risky message counts if flagged at all), false-positive
rate on hard negatives <= 0.10. Exits 1 if a bar is missed, so CI can gate on it;
a team can point it at its own held-back set.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.safeguarding.detector import Disclosure, detect, lexicon_version  # noqa: E402
from analysis.safeguarding.lexicon import CATEGORIES, LEVELS  # noqa: E402
from storage.datafiles import DataFileError, line_of, load_yaml  # noqa: E402

DEFAULT_SET = ROOT / "tests" / "data" / "safeguarding_messages.yaml"
BARS = {"urgent_recall": 0.97, "overall_recall": 0.90, "false_positive_rate": 0.10}


@dataclass(frozen=True)
class Example:
    """One labelled message; category 'none' marks a hard negative."""

    text: str
    category: str
    level: str | None
    also: tuple[str, ...] = ()

    @property
    def risky(self) -> bool:
        return self.category != "none"


@dataclass
class Report:
    """The figures the issue asks for, plus the misses to look at."""

    counts: Counter[str] = field(default_factory=Counter)
    per_category: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    misses: list[tuple[Example, Disclosure | None]] = field(default_factory=list)
    seconds: float = 0.0

    def rate(self, hit: str, total: str, empty: float = 1.0) -> float:
        """hit / total; `empty` when there is nothing to count (no urgent, no negatives)."""
        return self.counts[hit] / self.counts[total] if self.counts[total] else empty

    @property
    def figures(self) -> dict[str, float]:
        return {
            "urgent_recall": self.rate("urgent_as_urgent", "urgent"),
            "urgent_flagged": self.rate("urgent_flagged", "urgent"),
            "overall_recall": self.rate("flagged", "risky"),
            "category_accuracy": self.rate("category_right", "risky"),
            "category_among_matched": self.rate("category_matched", "risky"),
            "level_accuracy": self.rate("level_right", "risky"),
            "false_positive_rate": self.rate("false_positive", "negative", empty=0.0),
        }

    def failures(self) -> list[str]:
        figures = self.figures
        failed = []
        for name, bar in BARS.items():
            value = figures[name]
            ok = value <= bar if name == "false_positive_rate" else value >= bar
            if not ok:
                failed.append(f"{name} {value:.3f} misses the bar of {bar}")
        return failed


def load_examples(path: str | Path) -> list[Example]:
    """Read a labelled set; a bad label names the file, line and fix."""
    raw = load_yaml(path)
    items = raw.get("messages") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise DataFileError(path, "no 'messages:' list", fix="put the examples under messages:")
    examples = []
    for index, item in enumerate(items):
        where = f"messages[{index + 1}]"
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise DataFileError(
                path,
                "each message needs text",
                line=line_of(item),
                item=where,
                fix="add text: '...'",
            )
        category = item.get("category")
        if category != "none" and category not in CATEGORIES:
            raise DataFileError(
                path,
                f"unknown category {category!r}",
                line=line_of(item),
                item=where,
                fix=f"use none or one of {', '.join(CATEGORIES)}",
            )
        level = item.get("level")
        if category != "none" and level not in LEVELS:
            raise DataFileError(
                path,
                f"a risky message needs level urgent or concern, not {level!r}",
                line=line_of(item),
                item=where,
                fix="add level: urgent or level: concern",
            )
        also = tuple(item.get("also") or ())
        examples.append(Example(item["text"], category, level, also))
    return examples


def evaluate(examples: Sequence[Example]) -> Report:
    report = Report()
    detect("warm up")  # compile the lexicon before timing
    started = time.perf_counter()
    results = [detect(example.text) for example in examples]
    report.seconds = time.perf_counter() - started
    for example, found in zip(examples, results, strict=True):
        counts, row = report.counts, report.per_category[example.category]
        row["n"] += 1
        if not example.risky:
            counts["negative"] += 1
            if found:
                counts["false_positive"] += 1
                row["flagged"] += 1
                report.misses.append((example, found))
            continue
        counts["risky"] += 1
        accepted = {example.category, *example.also}
        flagged = found is not None
        as_urgent = flagged and found.level == "urgent"
        category_right = flagged and found.category in accepted
        if flagged:
            counts["flagged"] += 1
            row["flagged"] += 1
            counts["category_matched"] += bool(accepted & set(found.categories))
            counts["category_right"] += category_right
            row["category_right"] += category_right
            counts["level_right"] += found.level == example.level
        if example.level == "urgent":
            counts["urgent"] += 1
            row["urgent"] += 1
            counts["urgent_flagged"] += flagged
            counts["urgent_as_urgent"] += as_urgent
            row["urgent_as_urgent"] += as_urgent
        if not flagged or not category_right or (example.level == "urgent" and not as_urgent):
            report.misses.append((example, found))
    return report


def render(report: Report, *, misses: bool) -> str:
    figures = report.figures
    lines = [f"Safeguarding detector quality (lexicon {lexicon_version()})", ""]
    labels = {
        "urgent_recall": "Recall on urgent (detected as urgent)",
        "urgent_flagged": "Urgent messages flagged at all",
        "overall_recall": "Overall recall (risky flagged at all)",
        "category_accuracy": "Category accuracy (first category)",
        "category_among_matched": "Category among those matched",
        "level_accuracy": "Level accuracy",
        "false_positive_rate": "False-positive rate on negatives",
    }
    for name, label in labels.items():
        bar = BARS.get(name)
        target = "" if bar is None else f"  (target {'<=' if 'false' in name else '>='} {bar})"
        lines.append(f"  {label:<40} {figures[name]:.3f}{target}")
    c = report.counts
    total = c["risky"] + c["negative"]
    speed = total / report.seconds if report.seconds else float("inf")
    lines.append(
        f"  {c['risky']} risky ({c['urgent']} urgent), {c['negative']} negatives; "
        f"{speed:,.0f} messages a second"
    )
    lines += [
        "",
        f"  {'category':<26}{'n':>4}{'flagged':>9}{'right cat':>11}{'urgent':>8}{'as urg':>8}",
    ]
    for category in (*CATEGORIES, "none"):
        row = report.per_category.get(category)
        if not row:
            continue
        lines.append(
            f"  {category:<26}{row['n']:>4}{row['flagged']:>9}{row['category_right']:>11}"
            f"{row['urgent']:>8}{row['urgent_as_urgent']:>8}"
        )
    if misses and report.misses:
        lines += ["", "Misses:"]
        for example, found in report.misses:
            got = f"{found.category}/{found.level} {found.matched}" if found else "not flagged"
            want = f"{example.category}/{example.level}" if example.risky else "none"
            lines.append(f"  want {want:<34} got {got}: {example.text!r}")
    failures = report.failures()
    lines += ["", "FAILED: " + "; ".join(failures) if failures else "All bars met."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, default=[DEFAULT_SET])
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    examples = [example for path in args.sets for example in load_examples(path)]
    report = evaluate(examples)
    print(render(report, misses=args.misses))
    return 1 if report.failures() else 0


if __name__ == "__main__":
    raise SystemExit(main())
