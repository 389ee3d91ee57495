"""Correcting misspelt words to the offer's vocabulary, without inventing meaning.

A wrong correction is worse than none: "maths" turned into "mates" makes a
homework question look like one about friends. So a correction must look like a
slip of the fingers: a missing, extra or swapped letter, or a key next to the
right one, or one vowel for another ("bursery", "councel").
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_OFFSETS = (0.0, 0.25, 0.75)
_KEYS = {
    key: (column + _OFFSETS[row], row)
    for row, letters in enumerate(_ROWS)
    for column, key in enumerate(letters)
}
_VOWELS = set("aeiouy")
_SOUND_ALIKE = {frozenset(pair) for pair in ("ck", "cs", "sz", "iy", "fv")}
_STRETCHED = re.compile(r"([a-z])\1{2,}")  # "brokeee", "plsss": a letter held down


def _near(typed: str, meant: str) -> bool:
    """Letters a finger or ear could confuse: neighbouring keys, two vowels, c/k, s/z."""
    if typed in _VOWELS and meant in _VOWELS:
        return True
    if frozenset((typed, meant)) in _SOUND_ALIKE:
        return True
    if typed not in _KEYS or meant not in _KEYS:
        return False
    (x1, y1), (x2, y2) = _KEYS[typed], _KEYS[meant]
    return abs(y1 - y2) <= 1 and abs(x1 - x2) <= 1.0


def looks_like_typo(typed: str, meant: str) -> bool:
    """Whether `typed` is a plausible slip for `meant` (already within edit distance)."""
    if not (meant[0] == typed[0] or meant[:2] == typed[1::-1]):
        return False  # people rarely get the first letter wrong
    if DamerauLevenshtein.distance(typed, meant) < Levenshtein.distance(typed, meant):
        return True  # two letters swapped
    if len(typed) <= 4 and len(typed) == len(meant):
        return False  # in a short word a changed letter usually makes another word
    for op in Levenshtein.editops(typed, meant):
        if op.tag == "replace" and not _near(typed[op.src_pos], meant[op.dest_pos]):
            return False
    return True


class SpellingFixer:
    """Maps unknown words to the closest vocabulary word, caching every answer."""

    def __init__(self, vocabulary: Mapping[str, int]) -> None:
        self.frequency = dict(vocabulary)
        self.candidates = sorted(word for word in vocabulary if len(word) >= 3)
        self._cache: dict[str, str | None] = {}

    def fix(self, word: str) -> str | None:
        """The word the asker most likely meant, or None if nothing is close enough."""
        if word in self._cache:
            return self._cache[word]
        best: str | None = None
        if _STRETCHED.search(word):
            # a letter typed three times or more is one letter, or a double one
            for size in (r"\1", r"\1\1"):
                shorter = _STRETCHED.sub(size, word)
                if shorter in self.frequency:
                    best = shorter
                    break
            else:
                best = self.fix(_STRETCHED.sub(r"\1", word))
        elif word.isalpha() and len(word) >= 4:
            # a long word can lose three letters and stay itself ("aprentiships")
            limit = 1 if len(word) <= 7 else 2 if len(word) <= 10 else 3
            found = process.extract(
                word,
                self.candidates,
                scorer=DamerauLevenshtein.distance,
                score_cutoff=limit,
                limit=25,
            )
            ranked = [
                (distance, -_shared_prefix(word, meant), -self.frequency[meant], meant)
                for meant, distance, _ in found
                if looks_like_typo(word, meant)
            ]
            if ranked:
                best = min(ranked)[3]
        if len(self._cache) < 50_000:
            self._cache[word] = best
        return best


def _shared_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count
