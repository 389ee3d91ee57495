"""Theme ids and their words for staff pages: the report's, so both read alike."""

from __future__ import annotations

from analysis.report import theme_label
from analysis.themes import THEME_IDS

__all__ = ["theme_choices", "theme_label"]


def theme_choices() -> list[tuple[str, str]]:
    """Every theme Heard tags, young people's and carers': a "you said, we did" can answer
    any theme the reports show."""
    return [(theme, theme_label(theme)) for theme in THEME_IDS]
