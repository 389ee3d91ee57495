"""How fast the local offer search answers with a 500-entry offer (issue 6: p95 < 20 ms).

    python benchmarks/offer_latency.py [--entries 500] [--rounds 3]

The offer is the shipped entries plus generated variants (other districts,
extra made-up words so the vocabulary grows as a real, bigger offer's would).
Queries are the test questions. A plain substring scan over the same entries
is timed in the same run as a baseline, so the ratio means something on any
machine. Exits 1 if p95 is 20 ms or more.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from localoffer.catalogue import Offer, OfferEntry, load_offer  # noqa: E402
from localoffer.quality import load_questions  # noqa: E402
from localoffer.search import OfferSearch  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "offer_questions.yaml"
P95_BAR_MS = 20.0
PLACES = ("Stroud", "Cheltenham", "Tewkesbury", "Cotswold", "Forest of Dean", "Gloucester")
SYLLABLES = ("ka", "lo", "mi", "ter", "van", "sho", "dru", "pel", "nix", "bor", "quen", "ast")


def made_up_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def big_offer(size: int, seed: int = 6) -> Offer:
    """The real entries, then variants of them until there are `size` entries."""
    rng = random.Random(seed)
    real = list(load_offer())
    entries: list[OfferEntry] = list(real)
    number = 0
    while len(entries) < size:
        base = real[number % len(real)]
        place = PLACES[number % len(PLACES)]
        extra = " ".join(made_up_word(rng) for _ in range(rng.randint(15, 40)))
        entries.append(
            replace(
                base,
                id=f"{base.id}-{number}",
                title=f"{base.title} in {place}",
                details=f"{base.details} {extra}",
                also_known_as=(*base.also_known_as, made_up_word(rng)),
            )
        )
        number += 1
    return Offer(tuple(entries))


def substring_baseline(offer: Offer):
    """The simplest thing that could work: count query words found in each entry."""
    texts = [
        (entry.id, " ".join([entry.title, entry.summary, entry.details]).lower()) for entry in offer
    ]

    def ask(question: str) -> list[str]:
        words = [word for word in question.lower().split() if len(word) > 2]
        hits = [(sum(word in text for word in words), entry_id) for entry_id, text in texts]
        hits.sort(reverse=True)
        return [entry_id for count, entry_id in hits[:3] if count]

    return ask


def timed(ask, questions: list[str], rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            ask(question)
            times.append((time.perf_counter() - started) * 1000)
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    offer = big_offer(args.entries)
    questions = [q.text for q in load_questions(QUESTIONS)]
    started = time.perf_counter()
    search = OfferSearch(offer)
    build_ms = (time.perf_counter() - started) * 1000

    cold = timed(search.ask, questions, 1)  # first time: spelling fixes not cached yet
    warm = timed(search.ask, questions, args.rounds)
    ours = cold + warm
    baseline = timed(substring_baseline(offer), questions, args.rounds + 1)

    p50, p95 = percentile(ours, 0.50), percentile(ours, 0.95)
    base50, base95 = percentile(baseline, 0.50), percentile(baseline, 0.95)
    print(f"Local offer search latency ({len(offer)} entries, {len(questions)} questions)")
    print(f"  build once:          {build_ms:7.1f} ms")
    print(f"  search p50 / p95:    {p50:7.2f} / {p95:.2f} ms  (bar p95 < {P95_BAR_MS:.0f} ms)")
    print(f"  first-time p95:      {percentile(cold, 0.95):7.2f} ms")
    print(f"  max:                 {max(ours):7.2f} ms  (mean {statistics.mean(ours):.2f})")
    print(f"  substring baseline:  {base50:7.2f} / {base95:.2f} ms (p50 / p95)")
    print(f"  ratio to baseline:   {p50 / base50:7.2f}x p50, {p95 / base95:.2f}x p95")
    ok = p95 < P95_BAR_MS
    print("  ok" if ok else "  MISSED: p95 is over the bar")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
