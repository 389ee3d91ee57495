"""Figures from outside Heard to read the satisfied-or-better rate against.

A council's performance framework puts each KPI beside comparators (statistical
neighbours, England). Heard cannot know those, so a council writes them in a YAML
file with the source and date of every figure (shipped empty: Heard invents no
numbers); a mistake names the file, the line, the entry and the fix.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from storage.datafiles import DataFileError, line_of, load_yaml

COMPARATORS_FILE = Path(__file__).with_name("comparators.yaml")
KEYS = ("name", "value", "period", "source", "date", "note")


@dataclass(frozen=True)
class Comparator:
    name: str
    rate: float  # 0 to 1
    period: str
    source: str
    published: date
    note: str = ""


def _entry(file: Path, raw: Any, index: int) -> Comparator:
    item = f"comparators[{index + 1}]"
    line = line_of(raw)
    if not isinstance(raw, dict):
        raise DataFileError(
            file,
            "expected 'name:', 'value:' and the rest",
            line=line,
            item=item,
            fix="see the example at the top of the shipped comparators.yaml",
        )
    unknown = sorted(set(map(str, raw)) - set(KEYS))
    if unknown:
        raise DataFileError(
            file,
            f"unknown key '{unknown[0]}'",
            line=line,
            item=item,
            fix=f"allowed keys are: {', '.join(KEYS)}",
        )
    texts: dict[str, str] = {}
    for key in ("name", "period", "source"):
        value = raw.get(key)
        if value is None or not str(value).strip():
            raise DataFileError(
                file,
                f"'{key}' is missing",
                line=line,
                item=item,
                fix={
                    "name": "say what the figure is, e.g. name: Statistical neighbours (average)",
                    "period": "say which period it is for, e.g. period: 2025-26",
                    "source": "say where it comes from, so a reader can check it",
                }[key],
            )
        texts[key] = str(value).strip()
    value = raw.get("value")
    if isinstance(value, str):
        value = value.strip().rstrip("%").strip()
        with contextlib.suppress(ValueError):  # left as text, refused below
            value = float(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise DataFileError(
            file,
            f"the value must be a percentage from 0 to 100, found {raw.get('value')!r}",
            line=line,
            item=item,
            fix="write the percentage satisfied or better, e.g. value: 78",
        )
    published = raw.get("date")
    if isinstance(published, str):
        try:
            published = date.fromisoformat(published.strip())
        except ValueError:
            published = None
    if not isinstance(published, date):
        raise DataFileError(
            file,
            "'date' is missing or not a date",
            line=line,
            item=item,
            fix="write when the source was published or retrieved, e.g. date: 2026-05-14",
        )
    return Comparator(
        name=texts["name"],
        rate=float(value) / 100,
        period=texts["period"],
        source=texts["source"],
        published=published,
        note=str(raw.get("note") or "").strip(),
    )


def load_comparators(path: str | Path | None = None) -> tuple[Comparator, ...]:
    """Read and check a comparators file (the shipped, empty one by default)."""
    file = Path(path) if path is not None else COMPARATORS_FILE
    doc = load_yaml(file)
    if not isinstance(doc, dict) or set(map(str, doc)) - {"comparators"}:
        raise DataFileError(
            file,
            "expected one key, 'comparators:', holding a list",
            line=line_of(doc),
            fix="start from the shipped comparators.yaml",
        )
    entries = doc.get("comparators") or []
    if not isinstance(entries, list):
        raise DataFileError(
            file,
            "'comparators' must be a list of entries, each starting with '- name:'",
            line=line_of(doc),
            item="comparators",
            fix="see the example at the top of the shipped comparators.yaml",
        )
    return tuple(_entry(file, raw, index) for index, raw in enumerate(entries))
