"""How well the safeguarding detector catches disclosures, graded on messages it was not tuned on.

    python benchmarks/safeguarding_quality.py             # figures; exit 1 if test misses a bar
    python benchmarks/safeguarding_quality.py --misses    # also every dev miss, to tune on
    python benchmarks/safeguarding_quality.py --misses --set train-young --no-test
    python benchmarks/safeguarding_quality.py --detector lexicon    # or: model, all
    python benchmarks/safeguarding_quality.py --held-out OURS.yaml  # a council's held-back set

The corpus in tests/data/safeguarding/ was written by someone who never saw the lexicon
and was split once, at random, into `dev` (tune on it, read its misses) and `test`
(held out). Test figures are the honest ones: the bars are judged on test (and on any
--held-out set), and this script never prints a test message or a test miss. The old
tests/data/safeguarding_messages.yaml was tuned on, so it is reported as "legacy". The
two training sets (train_young_people.yaml, train_leavers_and_carers.yaml) teach the
model and may be read to tune the lexicon; the model learned them, so the combined and
model figures on them are not a measure (train_safeguarding_model.py --cv gives
cross-validated ones). `--no-test` leaves test out altogether while tuning, so its
figures are looked at only when they are needed.

Bars: urgent recall >= 0.97 (an urgent message detected as urgent), overall recall
>= 0.92 (a risky message flagged at all), false-positive rate on the `none` messages
<= 0.08.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.safeguarding.detector import (  # noqa: E402
    Disclosure,
    detect,
    detect_with_lexicon,
    detect_with_model,
    lexicon_version,
)
from analysis.safeguarding.lexicon import CATEGORIES, LEVELS  # noqa: E402
from analysis.safeguarding.model import model_version  # noqa: E402
from storage.datafiles import DataFileError, line_of, load_yaml  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "safeguarding"
MESSAGES = CORPUS / "messages.yaml"
OTHER_LANGUAGES = CORPUS / "other_languages.yaml"
SPLIT = CORPUS / "split.yaml"
LEGACY = ROOT / "tests" / "data" / "safeguarding_messages.yaml"
# Written to teach the model, never to measure it: not in split.yaml.
TRAINING_SETS = {
    "train-young": CORPUS / "train_young_people.yaml",
    "train-leavers": CORPUS / "train_leavers_and_carers.yaml",
    "train-second-language": CORPUS / "train_second_language_and_young.yaml",
    "train-comments": CORPUS / "train_comments_and_friends.yaml",
    "train-teens": CORPUS / "train_teens_chat.yaml",
    "train-homes": CORPUS / "train_homes_and_carers.yaml",
    "train-quiet": CORPUS / "train_quiet_voices.yaml",
    "train-fresh": CORPUS / "train_fresh_voices.yaml",
    "train-open-doors": CORPUS / "train_open_doors.yaml",
    "train-late-night": CORPUS / "train_late_night.yaml",
}
# Written blind after the shipped model (2026.12-11) was trained, and not learned: the
# model trained with them too (2026.12-12) did worse on test (0.853 / 0.907 / 0.071) and
# was not shipped, so these stay a check of the shipped detector on writing it never met
# (scored with --set; their misses may be listed, as they are no one's test).
UNLEARNED_SETS = {
    "unlearned-comment-box": CORPUS / "train_comment_box.yaml",
    "unlearned-day-to-day": CORPUS / "train_day_to_day.yaml",
}
SCORED_SETS = {**TRAINING_SETS, **UNLEARNED_SETS}
DEFAULT_SET = LEGACY  # kept for older callers: the legacy, tuned-on set
BARS = {"urgent_recall": 0.97, "overall_recall": 0.92, "false_positive_rate": 0.08}
HELD_OUT = "test"
DETECTORS: dict[str, Callable[[str], Disclosure | None]] = {
    "combined": detect,
    "lexicon": detect_with_lexicon,
    "model": detect_with_model,
}


@dataclass(frozen=True)
class Example:
    """One labelled message; category 'none' marks a message that needs nobody."""

    text: str
    category: str
    level: str | None
    also: tuple[str, ...] = ()
    id: str = ""
    who: str = ""
    style: str = ""

    @property
    def risky(self) -> bool:
        return self.category != "none"


@dataclass
class Report:
    """The figures for one set; misses are kept only for sets we may read."""

    name: str
    keep_misses: bool = True
    counts: Counter[str] = field(default_factory=Counter)
    per_category: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    per_who: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    per_style: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    misses: list[tuple[Example, Disclosure | None]] = field(default_factory=list)
    seconds: float = 0.0

    def rate(self, hit: str, total: str, empty: float = 1.0) -> float:
        """hit / total; `empty` when there is nothing to count (no urgent, no negatives)."""
        return self.counts[hit] / self.counts[total] if self.counts[total] else empty

    @property
    def size(self) -> int:
        return self.counts["risky"] + self.counts["negative"]

    @property
    def figures(self) -> dict[str, float]:
        return {
            "urgent_recall": self.rate("urgent_as_urgent", "urgent"),
            "urgent_flagged": self.rate("urgent_flagged", "urgent"),
            "overall_recall": self.rate("flagged", "risky"),
            "false_positive_rate": self.rate("false_positive", "negative", empty=0.0),
            "category_accuracy": self.rate("category_right", "risky"),
            "category_among_matched": self.rate("category_matched", "risky"),
            "level_accuracy": self.rate("level_right", "risky"),
        }

    @classmethod
    def of(
        cls,
        examples: Sequence[Example],
        results: Sequence[Disclosure | None],
        *,
        name: str,
        keep_misses: bool = True,
    ) -> Report:
        """Count what a detector found (`results`, one per example)."""
        report = cls(name=name, keep_misses=keep_misses)
        for example, found in zip(examples, results, strict=True):
            _count(report.counts, example, found)
            _count(report.per_category[example.category], example, found)
            if example.who:
                _count(report.per_who[example.who], example, found)
            if example.style:
                _count(report.per_style[example.style], example, found)
            if keep_misses and _missed(example, found):
                report.misses.append((example, found))
        return report

    def failures(self) -> list[str]:
        figures = self.figures
        failed = []
        for name, bar in BARS.items():
            value = figures[name]
            ok = value <= bar if name == "false_positive_rate" else value >= bar
            if not ok:
                failed.append(f"{self.name}: {name} {value:.3f} misses the bar of {bar}")
        return failed


def _fail(path: Path, problem: str, item: object, where: str, fix: str) -> DataFileError:
    return DataFileError(path, problem, line=line_of(item), item=where, fix=fix)


def load_examples(path: str | Path) -> list[Example]:
    """Read a labelled set (messages: text, category, level, also; optional id, who, style)."""
    path = Path(path)
    raw = load_yaml(path)
    items = raw.get("messages") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise DataFileError(path, "no 'messages:' list", fix="put the examples under messages:")
    examples = []
    for index, item in enumerate(items):
        where = f"messages[{index + 1}]"
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise _fail(path, "each message needs text", item, where, "add text: '...'")
        category = item.get("category")
        if category != "none" and category not in CATEGORIES:
            fix = f"use none or one of {', '.join(CATEGORIES)}"
            raise _fail(path, f"unknown category {category!r}", item, where, fix)
        level = item.get("level")
        if category != "none" and level not in LEVELS:
            problem = f"a risky message needs level urgent or concern, not {level!r}"
            raise _fail(path, problem, item, where, "add level: urgent or level: concern")
        examples.append(
            Example(
                text=item["text"],
                category=category,
                level=level,
                also=tuple(item.get("also") or ()),
                id=str(item.get("id") or ""),
                who=str(item.get("who") or ""),
                style=str(item.get("style") or ""),
            )
        )
    return examples


def load_split(path: Path = SPLIT) -> dict[str, str]:
    """id -> 'dev' or 'test', as split.yaml assigned them once."""
    raw = load_yaml(path)
    assignments = raw.get("assignments") if isinstance(raw, dict) else None
    if not isinstance(assignments, dict):
        raise DataFileError(path, "no 'assignments:' block", fix="restore split.yaml from git")
    return {str(key): str(value) for key, value in assignments.items()}


def corpus_part(part: str, path: Path = MESSAGES) -> list[Example]:
    """The dev or test half of a corpus file; every id must be in split.yaml."""
    split = load_split()
    examples = load_examples(path)
    unsplit = [e.id for e in examples if e.id not in split]
    if unsplit:
        raise DataFileError(
            path,
            f"{len(unsplit)} messages are not in split.yaml, e.g. {unsplit[0]}",
            fix="run benchmarks/split_safeguarding_corpus.py --new-items-only",
        )
    return [e for e in examples if split[e.id] == part]


def _count(row: Counter[str], example: Example, found: Disclosure | None) -> None:
    row["n"] += 1
    flagged = found is not None
    if not example.risky:
        row["negative"] += 1
        row["false_positive"] += flagged
        return
    accepted = {example.category, *example.also}
    row["risky"] += 1
    row["flagged"] += flagged
    if found is not None:
        row["category_right"] += found.category in accepted
        row["category_matched"] += bool(accepted & set(found.categories))
        row["level_right"] += found.level == example.level
    if example.level == "urgent":
        row["urgent"] += 1
        row["urgent_flagged"] += flagged
        row["urgent_as_urgent"] += flagged and found is not None and found.level == "urgent"


def _missed(example: Example, found: Disclosure | None) -> bool:
    if not example.risky:
        return found is not None
    if found is None:
        return True
    wrong_category = found.category not in {example.category, *example.also}
    return wrong_category or (example.level == "urgent" and found.level != "urgent")


def evaluate(
    examples: Sequence[Example],
    detector: Callable[[str], Disclosure | None] = detect,
    *,
    name: str = "set",
    keep_misses: bool = True,
) -> Report:
    """Run the detector on every example and count; misses are kept only if allowed."""
    detector("warm up")  # compile the lexicon and load the model before timing
    started = time.perf_counter()
    results = [detector(example.text) for example in examples]
    seconds = time.perf_counter() - started
    report = Report.of(examples, results, name=name, keep_misses=keep_misses)
    report.seconds = seconds
    return report


LABELS = {
    "urgent_recall": "Urgent recall (urgent detected as urgent)",
    "urgent_flagged": "Urgent messages flagged at all",
    "overall_recall": "Overall recall (risky flagged at all)",
    "false_positive_rate": "False-positive rate on `none`",
    "category_accuracy": "Category accuracy (first category)",
    "category_among_matched": "Category among those matched",
    "level_accuracy": "Level accuracy (of risky)",
}


def render_figures(reports: Sequence[Report]) -> str:
    """The headline figures of several reports, one row per set (for --cv)."""
    lines = [
        f"  {'':<30}{'urgent rec':>11}{'recall':>8}{'false pos':>10}{'category':>10}"
        f"{'level':>7}{'risky/urgent/none':>19}"
    ]
    for r in reports:
        f = r.figures
        sizes = "/".join(str(r.counts[k]) for k in ("risky", "urgent", "negative"))
        lines.append(
            f"  {r.name:<30}{f['urgent_recall']:>11.3f}{f['overall_recall']:>8.3f}"
            f"{f['false_positive_rate']:>10.3f}{f['category_accuracy']:>10.3f}"
            f"{f['level_accuracy']:>7.3f}{sizes:>19}"
        )
    return "\n".join(lines)


def _headline(reports: Sequence[Report]) -> list[str]:
    widths = [max(14, len(r.name) + 2) for r in reports]  # each set's column fits its name
    lines = [
        f"  {'':<44}"
        + "".join(f"{r.name:>{w}}" for r, w in zip(reports, widths, strict=True))
        + "   bar"
    ]
    for key, label in LABELS.items():
        bar = BARS.get(key)
        target = "" if bar is None else f"   {'<=' if key.startswith('false') else '>='} {bar}"
        values = "".join(f"{r.figures[key]:>{w}.3f}" for r, w in zip(reports, widths, strict=True))
        lines.append(f"  {label:<44}{values}{target}")
    sizes = "".join(
        f"{'/'.join(str(r.counts[k]) for k in ('risky', 'urgent', 'negative')):>{w}}"
        for r, w in zip(reports, widths, strict=True)
    )
    lines.append(f"  {'Risky / urgent / none':<44}{sizes}")
    return lines


def _table(title: str, rows: dict[str, Counter[str]], order: Sequence[str]) -> list[str]:
    lines = [
        "",
        f"  {title:<24}{'n':>5}{'flagged':>9}{'right cat':>11}{'urgent':>8}{'as urg':>8}",
    ]
    for key in order:
        row = rows.get(key)
        if not row:
            continue
        flagged = row["flagged"] + row["false_positive"]
        lines.append(
            f"  {key:<24}{row['n']:>5}{flagged:>9}{row['category_right']:>11}"
            f"{row['urgent']:>8}{row['urgent_as_urgent']:>8}"
        )
    return lines


def _by_group(title: str, rows: dict[str, Counter[str]]) -> list[str]:
    lines = ["", f"  {title:<16}{'n':>5}{'recall':>8}{'urgent rec':>12}{'false pos':>11}"]
    for key in sorted(rows):
        row = rows[key]
        recall = f"{row['flagged'] / row['risky']:.2f}" if row["risky"] else "-"
        urgent = f"{row['urgent_as_urgent'] / row['urgent']:.2f}" if row["urgent"] else "-"
        false = f"{row['false_positive'] / row['negative']:.2f}" if row["negative"] else "-"
        lines.append(f"  {key:<16}{row['n']:>5}{recall:>8}{urgent:>12}{false:>11}")
    return lines


def _other_languages(detector: Callable[[str], Disclosure | None]) -> list[str]:
    """Figures only: how many non-English messages are flagged today, by split."""
    raw = load_yaml(OTHER_LANGUAGES)
    split = load_split()
    counts: Counter[str] = Counter()
    for item in raw.get("messages", []):
        part = split.get(str(item.get("id")), "?")
        kind = "risky" if item.get("category") != "none" else "none"
        counts[f"{part} {kind}"] += 1
        counts[f"{part} {kind} flagged"] += detector(item["text"]) is not None
    parts = [
        f"{part}: risky {counts[f'{part} risky flagged']}/{counts[f'{part} risky']} flagged, "
        f"none {counts[f'{part} none flagged']}/{counts[f'{part} none']} flagged"
        for part in ("dev", "test")
    ]
    return [
        "",
        "Other languages (for the 'please read' path, built elsewhere; figures only)",
        "  " + "; ".join(parts),
    ]


def render(
    reports: Sequence[Report],
    *,
    detector_name: str = "combined",
    misses_from: Report | None = None,
    other_languages: Sequence[str] = (),
) -> str:
    """The figures for every set; misses only from a set we may read (never test)."""
    lines = [
        f"Safeguarding detector quality: {detector_name} "
        f"(lexicon {lexicon_version()}, model {model_version() or 'none'})",
        "Test is held out and never tuned on: quote test. Dev and legacy were tuned on;",
        "the model learned dev, legacy and train-* (cross-validated figures: --cv in",
        "train_safeguarding_model.py).",
        "",
        *_headline(reports),
    ]
    seconds = sum(r.seconds for r in reports)
    total = sum(r.size for r in reports)
    if seconds:
        lines.append(f"  {total / seconds:,.0f} messages a second ({total} messages, one core)")
    by_name = {r.name: r for r in reports}
    for name in ("test", "dev", *SCORED_SETS):
        if name in by_name:
            title = f"{name} by category"
            lines += _table(title, by_name[name].per_category, (*CATEGORIES, "none"))
    for name in ("dev", *SCORED_SETS):
        if name in by_name:
            if by_name[name].per_who:
                lines += _by_group(f"{name} by who", by_name[name].per_who)
            lines += _by_group(f"{name} by style", by_name[name].per_style)
    lines += list(other_languages)
    if misses_from is not None:
        if not misses_from.keep_misses:
            raise ValueError(f"{misses_from.name} is held out: its misses are never shown")
        lines += ["", f"Misses on {misses_from.name} ({len(misses_from.misses)}):"]
        for example, found in misses_from.misses:
            got = f"{found.category}/{found.level} {found.rules}" if found else "not flagged"
            want = f"{example.category}/{example.level}" if example.risky else "none"
            tag = f"{example.id} " if example.id else ""
            lines.append(f"  {tag}want {want:<32} got {got}: {example.text!r}")
    held_out = [r for r in reports if not r.keep_misses]
    failures = [f for r in held_out for f in r.failures()]
    if not held_out:
        lines += ["", "No held-out set evaluated (--no-test): bars not judged."]
    else:
        lines += ["", "FAILED: " + "; ".join(failures) if failures else "All bars met on held-out."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every miss on --set")
    parser.add_argument(
        "--set",
        "--split",
        dest="split",
        choices=("dev", "legacy", *SCORED_SETS, "test"),
        default="dev",
        help="whose misses --misses lists (dev by default; test and unlearned sets refused)",
    )
    parser.add_argument(
        "--no-test",
        action="store_true",
        help="leave test out (while tuning, so its figures are not looked at); exit 0",
    )
    parser.add_argument(
        "--detector",
        choices=(*DETECTORS, "all"),
        default="combined",
        help="all: the lexicon, the model and both, one after the other (one look at test)",
    )
    parser.add_argument(
        "--held-out",
        type=Path,
        action="append",
        default=[],
        metavar="MESSAGES.yaml",
        help="a council's own held-back set, judged against the bars like test",
    )
    args = parser.parse_args(argv)
    if args.misses and args.split == HELD_OUT:
        parser.error("test is held out: its misses are never shown (use --split dev)")
    if args.misses and args.split in UNLEARNED_SETS:
        parser.error(
            f"{args.split} is kept unlearned, an honest check on writing the detector never "
            "met: its misses are never shown (use --split dev or a training set)"
        )
    names = ("lexicon", "model", "combined") if args.detector == "all" else (args.detector,)
    failed = False
    for name in names:
        reports = _reports(DETECTORS[name], args.no_test, args.held_out)
        misses_from = next(r for r in reports if r.name == args.split) if args.misses else None
        print(
            render(
                reports,
                detector_name=name,
                misses_from=misses_from if name == names[-1] else None,
                other_languages=() if args.no_test else _other_languages(DETECTORS[name]),
            )
        )
        if name != names[-1]:
            print()
        failed = any(r.failures() for r in reports if not r.keep_misses)
    return 1 if failed else 0


def _reports(
    detector: Callable[[str], Disclosure | None], no_test: bool, held_out: Sequence[Path]
) -> list[Report]:
    """Test (unless left out), dev, legacy, the training sets and any council sets."""
    reports = (
        [] if no_test else [evaluate(corpus_part("test"), detector, keep_misses=False, name="test")]
    )
    reports += [
        evaluate(corpus_part("dev"), detector, name="dev"),
        evaluate(load_examples(LEGACY), detector, name="legacy"),
    ]
    reports += [evaluate(load_examples(p), detector, name=n) for n, p in SCORED_SETS.items()]
    for path in held_out:
        reports.append(evaluate(load_examples(path), detector, name=path.stem, keep_misses=False))
    return reports


if __name__ == "__main__":
    raise SystemExit(main())
