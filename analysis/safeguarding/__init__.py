"""Safeguarding: spot a disclosure of harm and answer it calmly with the right help.

`detect(text)` returns a `Disclosure` (category, level, why) or None;
`safeguarding_reply(disclosure, cohort)` is what the person sees at once.
"""

from .detector import Detector, Disclosure, detect, lexicon_version
from .lexicon import CATEGORIES, LEVELS, Lexicon, compile_lexicon, load_lexicon
from .replies import Replies, compile_replies, load_replies, safeguarding_reply

__all__ = [
    "CATEGORIES",
    "LEVELS",
    "Detector",
    "Disclosure",
    "Lexicon",
    "Replies",
    "compile_lexicon",
    "compile_replies",
    "detect",
    "lexicon_version",
    "load_lexicon",
    "load_replies",
    "safeguarding_reply",
]
