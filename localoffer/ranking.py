"""How the offer's searches, English and translated, weigh a question and order entries.

One place for both, so a question asked in Arabic is ranked by the same rules as one
asked in English: each word's share of the question, word pairs as they were typed,
what is open at the asker's age first, and the entries that explain most of what was
asked ahead of those that merely repeat one word of it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from localoffer.bm25 import pair_term

PAIR_WEIGHT = 0.5  # a matching word pair adds to, never replaces, its two words
AGE_PENALTY = 0.7  # something ended or not yet due still shows, below what's open now
MIN_COVERAGE = 0.5  # share of the question's meaning the top entry must explain
MIN_SCORE = 1.5  # and a floor on the raw score, against near-empty matches
UNKNOWN_WORD_SHARE = 1.0  # weight of a word the offer never uses, as a share of max idf
COVERAGE_FLOOR = 0.5  # re-ranking: score * (floor + coverage)
RERANK = 12


def weighted_query(sequence: Sequence[tuple[str, float]]) -> dict[str, float]:
    """Each searched term's share of the question (terms in the order typed), plus each
    neighbouring pair at PAIR_WEIGHT times the smaller share."""
    query: dict[str, float] = defaultdict(float)
    for term, share in sequence:
        query[term] += share
    for (a, share_a), (b, share_b) in zip(sequence, sequence[1:], strict=False):
        if a != b:
            query[pair_term(a, b)] += PAIR_WEIGHT * min(share_a, share_b)
    return query


def ranked_entries(
    scores: Iterable[float],
    open_now: Sequence[bool] | np.ndarray,
    coverage: Callable[[int], float],
) -> list[tuple[float, int]]:
    """(score, entry number), best first. BM25 rewards an entry that repeats one of the
    asker's words; the answer should be the entry that explains most of what they asked,
    so the head of the list is re-ranked by `coverage` (0-1) of the question."""
    ranked = []
    for number, score in enumerate(scores):
        if score <= 0:
            continue
        if not open_now[number]:
            score *= AGE_PENALTY
        ranked.append((score, number))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    head = [
        (score * (COVERAGE_FLOOR + coverage(number)), number) for score, number in ranked[:RERANK]
    ]
    head.sort(key=lambda item: (-item[0], item[1]))
    return head + ranked[RERANK:]
