"""Theme tagger quality against hand-labelled comments (issue 7: micro P and R >= 0.85).

    python benchmarks/theme_quality.py [FILE.yaml ...] [--bar 0.85] [--misses]

Default set: tests/data/theme_comments.yaml. Pass the held-back set's path to
check against it (same format: ``comments: [{text, themes}]``). Prints micro
precision and recall, then per theme; ``--misses`` lists every disagreement.
Exits 1 if micro precision or recall is below the bar.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.themes.lexicon import THEME_IDS  # noqa: E402
from analysis.themes.quality import Quality, evaluate, load_labelled  # noqa: E402
from analysis.themes.tagger import default_tagger  # noqa: E402

DEFAULT_SET = ROOT / "tests" / "data" / "theme_comments.yaml"
BAR = 0.85


def report(quality: Quality, show_misses: bool) -> None:
    overall = quality.overall
    print(f"micro precision {overall.precision:.3f}  recall {overall.recall:.3f}")
    print(f"  (tp {overall.tp}, fp {overall.fp}, fn {overall.fn})")
    print(f"\n{'theme':<24}{'precision':>10}{'recall':>8}{'labelled':>10}{'tagged':>8}")
    for theme in THEME_IDS:
        counts = quality.per_theme[theme]
        print(
            f"{theme:<24}{counts.precision:>10.2f}{counts.recall:>8.2f}"
            f"{counts.tp + counts.fn:>10}{counts.tp + counts.fp:>8}"
        )
    if show_misses:
        print("\ndisagreements (+ tagged but not labelled, - labelled but not tagged):")
        for comment, predicted in quality.misses:
            extra = sorted(predicted - comment.themes)
            missing = sorted(comment.themes - predicted)
            print(f"  line {comment.line}: {comment.text!r}  +{extra} -{missing}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=[DEFAULT_SET])
    parser.add_argument("--bar", type=float, default=BAR)
    parser.add_argument("--misses", action="store_true", help="list every disagreement")
    args = parser.parse_args(argv)
    comments = [c for path in args.files for c in load_labelled(path)]
    print(f"{len(comments)} labelled comments from {', '.join(str(p) for p in args.files)}")
    quality = evaluate(default_tagger(), comments)
    report(quality, args.misses)
    ok = quality.overall.precision >= args.bar and quality.overall.recall >= args.bar
    verdict = "PASS" if ok else "FAIL"
    print(f"\n{verdict}: bar is {args.bar:.2f} for both micro precision and recall")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
