"""Micro precision and recall of the tagger against hand-labelled comments.

Shared by ``benchmarks/theme_quality.py`` and the test suite so that the figure
the team quotes and the bar the tests enforce are computed the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from analysis.themes.lexicon import THEME_IDS
from analysis.themes.tagger import ThemeTagger
from storage.datafiles import DataFileError, line_of, load_yaml, require_mapping


@dataclass(frozen=True)
class Labelled:
    """One comment and the themes a person gave it."""

    text: str
    themes: frozenset[str]
    line: int | None = None


@dataclass
class Counts:
    """True positives, false positives and false negatives for one theme or overall."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Quality:
    """Micro-averaged figures, per-theme figures and the comments that disagreed."""

    overall: Counts = field(default_factory=Counts)
    per_theme: dict[str, Counts] = field(
        default_factory=lambda: {theme: Counts() for theme in THEME_IDS}
    )
    misses: list[tuple[Labelled, frozenset[str]]] = field(default_factory=list)


def load_labelled(path: str | Path) -> list[Labelled]:
    """Read a labelled set (``comments: [{text, themes}, ...]``); bad theme ids are errors."""
    data = require_mapping(path, load_yaml(path), "the file")
    comments = data.get("comments")
    if not isinstance(comments, list) or not comments:
        raise DataFileError(
            path, "no 'comments:' list", item="comments", fix="add 'comments:' with items"
        )
    out: list[Labelled] = []
    for number, item in enumerate(comments, start=1):
        where = f"comments[{number}]"
        item = require_mapping(path, item, where)
        text, themes = item.get("text"), item.get("themes")
        if not isinstance(text, str) or not isinstance(themes, list):
            raise DataFileError(
                path,
                "each comment needs 'text' and a 'themes' list",
                line=line_of(item),
                item=where,
                fix='write {text: "...", themes: [friendship]} (themes: [] for none)',
            )
        for theme in themes:
            if theme not in THEME_IDS:
                raise DataFileError(
                    path,
                    f"'{theme}' is not a theme id",
                    line=line_of(item),
                    item=where,
                    fix=f"use one of: {', '.join(THEME_IDS)}",
                )
        out.append(Labelled(text, frozenset(themes), line_of(item)))
    return out


def evaluate(tagger: ThemeTagger, comments: Iterable[Labelled]) -> Quality:
    """Compare the tagger with the labels, theme by theme and overall."""
    quality = Quality()
    for comment in comments:
        predicted = frozenset(tagger.tag(comment.text))
        for theme in THEME_IDS:
            counts = quality.per_theme[theme]
            if theme in predicted and theme in comment.themes:
                counts.tp += 1
            elif theme in predicted:
                counts.fp += 1
            elif theme in comment.themes:
                counts.fn += 1
        if predicted != comment.themes:
            quality.misses.append((comment, predicted))
    for counts in quality.per_theme.values():
        quality.overall.tp += counts.tp
        quality.overall.fp += counts.fp
        quality.overall.fn += counts.fn
    return quality
