"""Themes in young people's own words: a YAML lexicon and a tagger built from it.

``default_tagger().tag("my sw never turns up and i miss my m8s")`` gives
``["friendship", "trusted_adults"]``, in taxonomy order.
"""

from analysis.themes.lexicon import (
    LEXICON_FILE,
    THEME_IDS,
    THEME_TITLES,
    Entry,
    Lexicon,
    load_lexicon,
)
from analysis.themes.tagger import Match, ThemeTagger, default_tagger, tag

__all__ = [
    "LEXICON_FILE",
    "THEME_IDS",
    "THEME_TITLES",
    "Entry",
    "Lexicon",
    "Match",
    "ThemeTagger",
    "default_tagger",
    "load_lexicon",
    "tag",
]
