"""Field-weighted BM25 over short documents, with word pairs as extra terms.

A hand-rolled index (no rank-bm25 dependency): the offer is small, the fields
matter (a word in a title says more than one in the small print), and the
search needs to know which field a term matched in to judge its confidence.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

K1 = 1.2
B = 0.5
PAIR_PREFIX = "\u00b7"  # marks a word-pair term so it can't collide with a word


def pair_term(first: str, second: str) -> str:
    return f"{PAIR_PREFIX}{first} {second}"


def pairs(terms: Sequence[str]) -> list[str]:
    """Adjacent word pairs ("staying put", "foster carer") as single terms."""
    return [pair_term(a, b) for a, b in zip(terms, terms[1:], strict=False) if a != b]


@dataclass
class FieldIndex:
    """BM25 over documents made of weighted fields, each a list of term segments."""

    weights: Mapping[str, float]
    credits: Mapping[str, float]
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    lengths: list[float] = field(default_factory=list)
    field_credit: list[dict[str, float]] = field(default_factory=list)
    norms: list[float] = field(default_factory=list)
    average_length: float = 1.0

    @classmethod
    def build(
        cls,
        documents: Sequence[Mapping[str, Sequence[Sequence[str]]]],
        weights: Mapping[str, float],
        credits: Mapping[str, float],
    ) -> FieldIndex:
        """`credits` says how much a term found in each field counts as matched."""
        index = cls(weights=weights, credits=credits)
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for number, fields in enumerate(documents):
            tf: dict[str, float] = defaultdict(float)
            credit: dict[str, float] = {}
            length = 0.0
            for name, segments in fields.items():
                weight = weights[name]
                for terms in segments:  # pairs never span two segments (two phrases)
                    all_terms = [*terms, *pairs(terms)]
                    for term in all_terms:
                        tf[term] += weight
                        credit[term] = max(credit.get(term, 0.0), credits[name])
                    length += weight * len(terms)
            for term, value in tf.items():
                postings[term].append((number, value))
            index.lengths.append(length)
            index.field_credit.append(credit)
        count = len(documents)
        index.postings = dict(postings)
        index.idf = {
            term: math.log(1 + (count - len(docs) + 0.5) / (len(docs) + 0.5))
            for term, docs in postings.items()
        }
        index.average_length = (sum(index.lengths) / count) if count else 1.0
        index.norms = [K1 * (1 - B + B * length / index.average_length) for length in index.lengths]
        return index

    def __len__(self) -> int:
        return len(self.lengths)

    def score(self, query: Mapping[str, float]) -> list[float]:
        """BM25 score of every document for weighted query terms."""
        scores = [0.0] * len(self.lengths)
        norm = self.norms
        for term, query_weight in query.items():
            docs = self.postings.get(term)
            if not docs:
                continue
            idf = self.idf[term] * query_weight
            for number, tf in docs:
                scores[number] += idf * tf * (K1 + 1) / (tf + norm[number])
        return scores
