"""Words for the theme ids (surveys.definition.THEMES): the report's own, so both read alike."""

from __future__ import annotations

from analysis.report import THEME_LABELS
from analysis.themes import THEME_TITLES
from surveys.definition import THEMES


def theme_label(theme: str) -> str:
    """The report's words for a theme; issue 17's themes (young people's new ones and
    carers' own) take the taxonomy's titles."""
    fallback = theme.replace("_", " ").capitalize()
    return THEME_LABELS.get(theme) or THEME_TITLES.get(theme) or fallback


def theme_choices() -> list[tuple[str, str]]:
    return [(theme, theme_label(theme)) for theme in THEMES]
