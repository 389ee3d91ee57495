"""A second opinion on what a question means, beside the words it shares with an entry.

BM25 (search.py) finds the entries that use the asker's words; it cannot see that
"im always broke before payday" is about the same thing as "Help with budgeting"
when they share no word. This reads meaning with the static sentence embedding
Heard already ships for safeguarding (analysis/text_vectors.py: the mean of the
`wordllama` package's word-piece vectors, read from its files, never downloaded).

Each entry is read as several short texts (its title, each of its also_known_as
and its summary), embedded once when the search is built; a question is as close
to an entry as to the closest of them (cosine similarity). Asking costs two
embeddings (the words as typed and as read after spelling and slang) and one
matrix product: well under a millisecond for 500 entries.

If the encoder cannot be read (the package missing or broken), `load_meaning`
returns None and the search runs on words alone, as it did before.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from localoffer.catalogue import OfferEntry

log = logging.getLogger(__name__)


def entry_texts(entry: OfferEntry) -> list[str]:
    """The short texts an entry is read as: what it is called and what it is."""
    return [entry.title, *entry.also_known_as, entry.summary]


@dataclass(frozen=True)
class EntryMeaning:
    """Entry vectors, built once; `similarity` says how close a question is to each."""

    encoder: Any = field(repr=False)  # analysis.text_vectors.StaticEncoder
    vectors: np.ndarray = field(repr=False)  # all entries' texts x dims, unit length
    starts: np.ndarray = field(repr=False)  # where each entry's rows begin
    size: int = 0

    @classmethod
    def build(cls, encoder: Any, entries: Sequence[OfferEntry]) -> EntryMeaning:
        rows: list[np.ndarray] = []
        starts: list[int] = []
        for entry in entries:
            starts.append(len(rows))
            rows.extend(encoder.embed(text) for text in entry_texts(entry))
        vectors = (
            np.stack(rows).astype(np.float32)
            if rows
            else np.zeros((0, encoder.dims), dtype=np.float32)
        )
        return cls(encoder, vectors, np.asarray(starts, dtype=np.intp), len(entries))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector for a question read several ways (the sum's direction)."""
        total = np.zeros(self.vectors.shape[1], dtype=np.float32)
        for text in texts:
            if text.strip():
                total += self.encoder.embed(text)
        norm = float(np.linalg.norm(total))
        return total / norm if norm > 0 else total

    def similarity(self, texts: Sequence[str]) -> np.ndarray:
        """Each entry's cosine similarity to the question (its closest text), -1..1."""
        if self.size == 0:
            return np.zeros(0, dtype=np.float32)
        query = self.embed(texts)
        if not query.any():
            return np.zeros(self.size, dtype=np.float32)
        # einsum, not BLAS: a matrix times one vector is memory-bound, and a threaded BLAS
        # on a busy two-core server took ten times longer (benchmarks/offer_latency.py).
        cosine = np.einsum("ij,j->i", self.vectors, query.astype(np.float32, copy=False))
        return np.maximum.reduceat(cosine, self.starts)


def load_meaning(entries: Sequence[OfferEntry]) -> EntryMeaning | None:
    """Entry vectors from the shipped encoder, or None (words alone) if it cannot be read."""
    try:
        from analysis.text_vectors import encoder
    except ImportError as error:  # pragma: no cover - analysis ships with Heard
        log.warning("Local offer search reads words alone: %s", error)
        return None
    try:
        found = encoder()
    except (ValueError, OSError) as error:  # EncoderUnavailable is a ValueError
        log.warning("Local offer search reads words alone: %s", error)
        return None
    return EntryMeaning.build(found, entries)
