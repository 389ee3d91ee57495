"""Comments per second through theme tagging plus sentiment (issue 7: >= 2,000/s), and
messages per second through the safeguarding detector beside its lexicon alone.

    python benchmarks/text_throughput.py [--comments 20000] [--rounds 3]
                                         [--encoder-comments 2000]

The theme encoder (analysis/themes/encoder.py; shipped, off unless a council sets
HEARD_THEME_ENCODER=on) is timed on the first --encoder-comments comments only (the
rest of the figures on all of them), beside the lexicon and linear model without it on
the same comments, so its share is a ratio from the same run. The bar is held against
the shipped default.

The labelled test comments are repeated, with a counter appended so no two are
identical, up to --comments. The tagger and scorer are built before timing (a
process builds them once). The shipped tagger (lexicon + theme model) is timed beside
the same lexicon without the model, so the model's share is measured in the same run,
and themes + sentiment is timed again with the tagger's regex prefilter off
(analysis/prefilter.py), so its gain is a ratio from the same run too.
``str.lower().split()`` over the same comments is timed in the same run as a
baseline, so the ratio means something on any machine. The safeguarding detector
(lexicon + model, as every typed message meets it) is timed beside its lexicon alone on
the same comments, so the model's share is a ratio too, and its lexicon alone is timed
again with the detector's literal prefilter off (the same analysis/prefilter.py), so
that gain is a ratio from the same run (the rounds with and without it taken in turn,
so a change in load falls on both). Reports the best of --rounds.
Exits 1 below 2,000 comments/s for themes + sentiment.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.safeguarding.detector import (  # noqa: E402
    Detector,
    combine,
    detect,
    detect_with_lexicon,
    detector,
)
from analysis.safeguarding.model import shipped_model  # noqa: E402
from analysis.sentiment import default_scorer  # noqa: E402
from analysis.themes.quality import load_labelled  # noqa: E402
from analysis.themes.tagger import ThemeTagger, default_tagger  # noqa: E402

COMMENTS = ROOT / "tests" / "data" / "theme_comments.yaml"
BAR_PER_SECOND = 2_000


def corpus(size: int) -> list[str]:
    texts = [c.text for c in load_labelled(COMMENTS)]
    return [f"{texts[n % len(texts)]} {n}" for n in range(size)]


def best_rate(work: Callable[[str], object], comments: list[str], rounds: int) -> float:
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for comment in comments:
            work(comment)
        elapsed = time.perf_counter() - start
        best = max(best, len(comments) / elapsed)
    return best


def best_rates(
    works: list[Callable[[str], object]], comments: list[str], rounds: int
) -> list[float]:
    """`best_rate` of each, their rounds taken in turn, so a change in the machine's
    load falls on all of them alike and the ratio between them means more."""
    best = [0.0] * len(works)
    for _ in range(rounds):
        for number, work in enumerate(works):
            best[number] = max(best[number], best_rate(work, comments, 1))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--encoder-comments", type=int, default=2_000)
    args = parser.parse_args(argv)
    comments = corpus(args.comments)
    few = comments[: args.encoder_comments]
    # The lexicon and linear model, without the encoder.
    tagger, scorer = default_tagger(with_model=True, with_encoder=False), default_scorer()
    lexicon_alone = ThemeTagger(tagger.lexicon)  # the same lexicon without the model
    shipped = default_tagger()  # what Heard runs unless HEARD_THEME_ENCODER=on
    with_encoder = default_tagger(with_encoder=True)
    tagger.tag(comments[0]), scorer.score(comments[0]), with_encoder.tag(comments[0])  # warm
    lexicon_alone.tag(comments[0])

    unfiltered = ThemeTagger(tagger.lexicon, tagger.model, prefilter=False)
    unfiltered.tag(comments[0])

    def analyse(text: str) -> object:
        return shipped.tag(text), scorer.score(text)

    def analyse_with_encoder(text: str) -> object:
        return with_encoder.tag(text), scorer.score(text)

    def analyse_without_encoder(text: str) -> object:
        return tagger.tag(text), scorer.score(text)

    def analyse_unfiltered(text: str) -> object:
        return unfiltered.tag(text), scorer.score(text)

    baseline = best_rate(lambda text: text.lower().split(), comments, args.rounds)
    tags = best_rate(tagger.tag, comments, args.rounds)
    lexicon = best_rate(lexicon_alone.tag, comments, args.rounds)
    sentiment = best_rate(scorer.score, comments, args.rounds)
    both_with_encoder, both_without_encoder = best_rates(
        [analyse_with_encoder, analyse_without_encoder], few, args.rounds
    )
    both = best_rate(analyse, comments, args.rounds)
    fast = best_rate(analyse_without_encoder, comments, args.rounds)
    both_unfiltered = best_rate(analyse_unfiltered, comments, args.rounds)
    detect(comments[0])
    guard_unfiltered = Detector(detector().lexicon, prefilter=False)
    guard_unfiltered.detect(comments[0])
    model = shipped_model()
    # With and without the safeguarding prefilter, rounds in turn (best_rates).
    guarded, guarded_off = best_rates(
        [detect, lambda text: combine(guard_unfiltered, model, text)], comments, args.rounds
    )
    lexicon_guard, lexicon_guard_off = best_rates(
        [detect_with_lexicon, guard_unfiltered.detect], comments, args.rounds
    )
    print(f"{len(comments)} comments, best of {args.rounds} rounds")
    print(f"  baseline str.lower().split(): {baseline:>12,.0f} comments/s")
    print(f"  themes, lexicon + linear model:{tags:>11,.0f} comments/s")
    print(f"  themes, lexicon alone:        {lexicon:>12,.0f} comments/s")
    print(f"  the theme model costs {lexicon / tags:.2f}x the lexicon alone's time")
    print(f"  sentiment only:               {sentiment:>12,.0f} comments/s")
    print(f"  themes + sentiment without the encoder:{fast:>8,.0f} comments/s")
    print(f"  themes + sentiment, prefilter off:{both_unfiltered:>8,.0f} comments/s (no encoder)")
    print(f"  the prefilter makes themes + sentiment {fast / both_unfiltered:.2f}x as fast")
    print(f"  themes + sentiment (shipped):  {both:>12,.0f} comments/s")
    print(f"  baseline is {baseline / both:,.0f}x faster than themes + sentiment (shipped)")
    print(f"  on the first {len(few):,} comments, rounds in turn:")
    print(f"    themes + sentiment with the encoder: {both_with_encoder:>8,.0f} comments/s")
    print(f"    the same without the encoder:        {both_without_encoder:>8,.0f} comments/s")
    print(f"    the encoder makes it {both_without_encoder / both_with_encoder:.1f}x as slow")
    print(f"  safeguarding (lexicon + model):{guarded:>11,.0f} messages/s")
    print(f"  safeguarding, lexicon alone:  {lexicon_guard:>12,.0f} messages/s")
    print(f"  the safeguarding model costs {lexicon_guard / guarded:.2f}x the lexicon alone's time")
    print(
        f"  safeguarding lexicon, prefilter on / off: {lexicon_guard:,.0f} / "
        f"{lexicon_guard_off:,.0f} messages/s ({lexicon_guard / lexicon_guard_off:.2f}x as fast)"
    )
    print(
        f"  safeguarding (lexicon + model), prefilter on / off: {guarded:,.0f} / "
        f"{guarded_off:,.0f} messages/s ({guarded / guarded_off:.2f}x as fast)"
    )
    ok = both >= BAR_PER_SECOND
    verdict = "PASS" if ok else "FAIL"
    print(f"{verdict}: bar is {BAR_PER_SECOND:,} comments/s for themes + sentiment (shipped)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
