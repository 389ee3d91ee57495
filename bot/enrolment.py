"""Who the bot enrols: people who say they are 16 or over.

Telegram's terms require users in the UK to be at least 16, so the bot never signs up a
younger child: its age question offers "16 or 17" and "Under 16" to young people in care
(care leavers are 16 to 25, foster carers adults), and someone who says, by that button
or in their own words ("im 14", "fourteen", "under 16"), that they are under 16 is told
kindly that their check-in is on the web, and nothing about them is kept. Pure functions
and constants, so they are tested without Telegram.
"""

from __future__ import annotations

import re

# Bands from age buttons sent before the bot asked "16 or 17?": these said under 16.
from storage.reminders import UNDER_16_BANDS  # noqa: F401 - re-exported for bot.buttons

# The one age band the bot enrols each group with; a young person in care must say
# they are 16 or 17 first (their check-in is the 11-17 one).
BOT_BAND = {"child_in_care": "11-17", "care_leaver": "16-25", "carer": "adult"}
ASKS_AGE = frozenset({"child_in_care"})

_WORDS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
_NUMBER_WORDS = {word: value for value, word in enumerate(_WORDS, start=1)}
# "one" (and "two" to "four") in "i'm one of them" is no age; from five on, it is.
_AGE_WORDS = sorted((w for w in _NUMBER_WORDS if _NUMBER_WORDS[w] >= 5), key=len, reverse=True)
_NUMBER = r"(\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_AGE = r"(\d{1,3}|" + "|".join(_AGE_WORDS) + r")"
_OLD = r"(?:\s*(?:years?|yrs?|y/?o|y\.o\.?)(?:\s*old)?)?"
# "im 14", "i'm only 13", "i am 12 years old", "age 13", "aged thirteen", "my age is 12";
# not "im 10 mins away", "i'm 12th" or "im 12:30".
_I_AM = re.compile(
    r"\b(?:i'?m|i\s+am|iam|aged?|my\s+age\s+is|age\s+is)\s*:?\s*"
    r"(?:only\s+|just\s+|nearly\s+|almost\s+)?" + _AGE + _OLD + r"(?![:.,/]\d)(?!\w)"
    r"(?!\s*(?:mins?|minutes?|hours?|hrs?|days?|weeks?|months?|pounds?|quid|am|pm|%)(?!\w))"
)
# The whole message is an age: "14", "fourteen", "13 years old", "12yo".
_JUST_AN_AGE = re.compile(r"^" + _NUMBER + _OLD + r"$")
# "under 16", "under-16", "younger than sixteen", "not 16 yet"; not "not under 16".
_UNDER = re.compile(
    r"(?<!not )\b(?:under|younger\s+than|below|less\s+than)[\s-]+(?:16|sixteen)(?![\w-])"
    r"|\bnot\s+(?:16|sixteen)\s+yet\b|\bnot\s+yet\s+(?:16|sixteen)\b"
)
_EDGES = "!?.,;:'\"()[]{}~*_- "


def _value(number: str) -> int:
    return int(number) if number.isdigit() else _NUMBER_WORDS[number]


def says_under_16(text: str) -> bool:
    """Whether someone not yet enrolled says they are under 16. A bare number counts only
    from 5 to 15 (1 to 4 may be someone picking a button by its place)."""
    plain = " ".join(text.lower().replace("’", "'").replace("‘", "'").split()).strip(_EDGES)
    if _UNDER.search(plain):
        return True
    whole = _JUST_AN_AGE.match(plain)
    if whole:
        return 5 <= _value(whole.group(1)) < 16
    said = _I_AM.search(plain)
    return said is not None and 1 <= _value(said.group(1)) < 16
