"""Micro precision and recall of the tagger against hand-labelled comments.

Shared by ``benchmarks/theme_quality.py`` and the test suite so that the figure
the team quotes and the bar the tests enforce are computed the same way.

Two formats are read. The labelled corpus in ``tests/data/themes/`` (issue 17) gives
every comment an ``id``, ``who`` (child-4-7, child-8-11, child-11-17, care-leaver,
foster-carer), ``feeling`` and ``themes``; foster carers' comments carry carers'
themes and are tagged with the carers' lexicon. The older set
(``tests/data/theme_comments.yaml``) has ``who`` and ``themes`` only, all from the
young people's taxonomy, so it is always tagged with the young people's lexicon.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from analysis.themes.lexicon import AUDIENCE_THEMES, THEME_IDS, Audience
from analysis.themes.tagger import ThemeTagger, default_tagger
from storage.datafiles import DataFileError, line_of, load_yaml, require_mapping

WHO = ("child-4-7", "child-8-11", "child-11-17", "care-leaver", "foster-carer")
FEELINGS = ("positive", "negative", "mixed", "neutral")
CORPUS_DIR = Path(__file__).resolve().parents[2] / "tests" / "data" / "themes"
CORPUS_FILES = (
    "young_children.yaml",
    "teens.yaml",
    "care_leavers.yaml",
    "foster_carers.yaml",
    # Batch 2 (2026-12-07): written the same way by other writers, so that every theme has
    # enough held-out comments for its 0.70 recall bar to mean something.
    "young_children_two.yaml",
    "teens_two.yaml",
    "care_leavers_two.yaml",
    "foster_carers_two.yaml",
)
SPLIT_FILE = "split.yaml"


@dataclass(frozen=True)
class Labelled:
    """One comment and the themes a person gave it."""

    text: str
    themes: frozenset[str]
    line: int | None = None
    id: str | None = None
    who: str | None = None
    feeling: str | None = None
    audience: Audience = "young_people"


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
    per_audience: dict[str, Counts] = field(default_factory=dict)
    misses: list[tuple[Labelled, frozenset[str]]] = field(default_factory=list)


def _audience_of(who: str) -> Audience:
    return "carers" if who == "foster-carer" else "young_people"


def load_labelled(path: str | Path) -> list[Labelled]:
    """Read a labelled set (``comments: [{text, themes, ...}, ...]``); bad ids are errors."""
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
        new_format = "id" in item
        who = item.get("who")
        feeling = item.get("feeling")
        if new_format:
            where = f"comments[{number}] ({item['id']})"
            if who not in WHO:
                raise DataFileError(
                    path,
                    f"'who: {who}' is not one of the writers",
                    line=line_of(item),
                    item=where,
                    fix=f"use one of: {', '.join(WHO)}",
                )
            if feeling not in FEELINGS:
                raise DataFileError(
                    path,
                    f"'feeling: {feeling}' is not a feeling",
                    line=line_of(item),
                    item=where,
                    fix=f"use one of: {', '.join(FEELINGS)}",
                )
        audience = _audience_of(str(who)) if new_format else "young_people"
        allowed = AUDIENCE_THEMES[audience]
        for theme in themes:
            if theme not in allowed:
                whose = "foster carers'" if audience == "carers" else "young people's"
                raise DataFileError(
                    path,
                    f"'{theme}' is not one of the {whose} theme ids",
                    line=line_of(item),
                    item=where,
                    fix=f"use one of: {', '.join(allowed)}",
                )
        out.append(
            Labelled(
                text,
                frozenset(themes),
                line_of(item),
                id=str(item["id"]) if new_format else None,
                who=str(who) if who is not None else None,
                feeling=str(feeling) if feeling is not None else None,
                audience=audience,
            )
        )
    return out


def load_corpus(data_dir: Path = CORPUS_DIR) -> dict[str, list[Labelled]]:
    """The labelled corpus split into ``dev`` and ``test`` by ``split.yaml``.

    Every comment must have been split (run benchmarks/split_theme_corpus.py
    --new-items-only after adding comments); an unsplit id is an error, never a guess.
    """
    split_path = data_dir / SPLIT_FILE
    split = require_mapping(split_path, load_yaml(split_path), "the file")
    assignments = require_mapping(split_path, split.get("assignments"), "assignments")
    parts: dict[str, list[Labelled]] = {"dev": [], "test": []}
    for name in CORPUS_FILES:
        for comment in load_labelled(data_dir / name):
            part = assignments.get(comment.id)
            if part not in parts:
                raise DataFileError(
                    split_path,
                    f"comment {comment.id} from {name} is not in the split",
                    item=str(comment.id),
                    fix="run .venv/bin/python benchmarks/split_theme_corpus.py --new-items-only",
                )
            parts[str(part)].append(comment)
    return parts


def split_batches(data_dir: Path = CORPUS_DIR) -> dict[str, int]:
    """Each split comment's batch number: 1 unless a later batch lists it.

    Batch 1 is what the lexicons were tuned on (dev) and what test was looked at many
    times; a later batch's test half is words nobody has read a figure for before.
    """
    split_path = data_dir / SPLIT_FILE
    split = require_mapping(split_path, load_yaml(split_path), "the file")
    assignments = require_mapping(split_path, split.get("assignments"), "assignments")
    batch_of = {str(item_id): 1 for item_id in assignments}
    for batch in split.get("batches") or []:
        for item_id in batch.get("ids") or []:
            batch_of[str(item_id)] = int(batch["batch"])
    return batch_of


TaggerFor = Callable[[Labelled], ThemeTagger]


def shipped_taggers(comment: Labelled) -> ThemeTagger:
    """The shipped tagger for the comment's audience."""
    return default_tagger(comment.audience)


def evaluate(
    tagger: ThemeTagger | TaggerFor,
    comments: Iterable[Labelled],
    only: Iterable[str] | None = None,
) -> Quality:
    """Compare the tagger with the labels, theme by theme, by audience and overall.

    `tagger` is one tagger for every comment, or a function choosing one per comment
    (``shipped_taggers`` picks the carers' lexicon for foster carers' comments).
    `only` scores just those themes (a set labelled before later themes existed).
    """
    quality = Quality()
    kept = frozenset(only) if only is not None else None
    for comment in comments:
        chosen = tagger if isinstance(tagger, ThemeTagger) else tagger(comment)
        predicted = frozenset(chosen.tag(comment.text))
        if kept is not None:
            predicted &= kept
        audience = quality.per_audience.setdefault(comment.audience, Counts())
        for theme in THEME_IDS:
            counts = quality.per_theme[theme]
            if theme in predicted and theme in comment.themes:
                counts.tp += 1
                audience.tp += 1
            elif theme in predicted:
                counts.fp += 1
                audience.fp += 1
            elif theme in comment.themes:
                counts.fn += 1
                audience.fn += 1
        if predicted != comment.themes:
            quality.misses.append((comment, predicted))
    for counts in quality.per_theme.values():
        quality.overall.tp += counts.tp
        quality.overall.fp += counts.fp
        quality.overall.fn += counts.fn
    return quality
