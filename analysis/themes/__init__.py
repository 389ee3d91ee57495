"""Themes in young people's own words: a YAML lexicon and a tagger built from it.

``default_tagger().tag("my sw never turns up and i miss my m8s")`` gives
``["friendship", "trusted_adults"]``, in taxonomy order. Foster carers' comments
have their own theme set and lexicon: ``default_tagger("carers")``.
"""

from analysis.themes.lexicon import (
    AUDIENCE_THEMES,
    AUDIENCES,
    CARER_THEME_IDS,
    CARERS_LEXICON_FILE,
    LEXICON_FILE,
    THEME_IDS,
    THEME_TITLES,
    YOUNG_PEOPLE_THEME_IDS,
    Audience,
    Entry,
    Lexicon,
    audience_for_cohort,
    load_lexicon,
)
from analysis.themes.tagger import Match, ThemeTagger, default_tagger, tag, tagger_for_cohort

__all__ = [
    "AUDIENCES",
    "AUDIENCE_THEMES",
    "CARERS_LEXICON_FILE",
    "CARER_THEME_IDS",
    "YOUNG_PEOPLE_THEME_IDS",
    "Audience",
    "audience_for_cohort",
    "tagger_for_cohort",
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
