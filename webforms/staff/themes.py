"""Words for the theme ids (surveys.definition.THEMES): the report's own, so both read alike."""

from __future__ import annotations

from analysis.report import THEME_LABELS
from surveys.definition import THEMES


def theme_label(theme: str) -> str:
    return THEME_LABELS.get(theme, theme.replace("_", " ").capitalize())


def theme_choices() -> list[tuple[str, str]]:
    return [(theme, theme_label(theme)) for theme in THEMES]
