"""Safeguarding: spot a disclosure of harm and answer it calmly with the right help.

`detect(text)` returns a `Disclosure` (category, level, why, and what fired: lexicon
rules and/or the statistical model) or None; `safeguarding_reply(disclosure, cohort)`
is what the person sees at once. A message in another language is never guessed at:
`other_language(text)` says so, and a person reads it. docs/safeguarding.md says what
is detected and how it is graded.
"""

from .detector import (
    Detector,
    Disclosure,
    combine,
    detect,
    detect_with_lexicon,
    detect_with_model,
    lexicon_version,
)
from .language import PLEASE_READ, Language, other_language
from .lexicon import CATEGORIES, LEVELS, Lexicon, compile_lexicon, load_lexicon
from .model import LinearModel, model_version, shipped_model
from .replies import (
    ContactWording,
    Replies,
    compile_replies,
    contact_wording,
    load_replies,
    please_read_reply,
    safeguarding_reply,
    standing_help,
)

# Every category an alert can have: the detector's, and "please read" for another language.
ALERT_CATEGORIES: tuple[str, ...] = (*CATEGORIES, PLEASE_READ)

__all__ = [
    "ALERT_CATEGORIES",
    "CATEGORIES",
    "ContactWording",
    "LEVELS",
    "PLEASE_READ",
    "Detector",
    "Disclosure",
    "Language",
    "Lexicon",
    "LinearModel",
    "Replies",
    "combine",
    "compile_lexicon",
    "compile_replies",
    "contact_wording",
    "detect",
    "detect_with_lexicon",
    "detect_with_model",
    "lexicon_version",
    "load_lexicon",
    "load_replies",
    "model_version",
    "other_language",
    "please_read_reply",
    "safeguarding_reply",
    "shipped_model",
    "standing_help",
]
