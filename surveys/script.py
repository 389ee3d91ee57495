"""Folding Arabic-script text so typed answers match however they are written.

Young people type Arabic and Pashto with or without short vowels (harakat), with the
stretching tatweel (ـ), with any of the alef forms, Persian or Arabic yeh and kaf, and
with Eastern Arabic or Persian digits. Answers and the words they are matched against
are both folded, so "نَعَم", "نعــم" and "نعم" are one word, and "٣" and "۳" are 3.
English text passes through unchanged.
"""

from __future__ import annotations

import re

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD = str.maketrans(
    {
        # alef forms -> bare alef
        "\u0622": "\u0627",  # آ
        "\u0623": "\u0627",  # أ
        "\u0625": "\u0627",  # إ
        "\u0671": "\u0627",  # ٱ
        # yeh forms (Arabic, Persian/Pashto, alef maksura, Pashto ې ۍ) -> Arabic yeh
        "\u0649": "\u064a",  # ى
        "\u06cc": "\u064a",  # ی
        "\u06d0": "\u064a",  # ې
        "\u06cd": "\u064a",  # ۍ
        "\u0626": "\u064a",  # ئ
        # kaf and heh forms
        "\u06a9": "\u0643",  # ک -> ك
        "\u0629": "\u0647",  # ة -> ه
        "\u06c1": "\u0647",  # ہ
        "\u06d5": "\u0647",  # ە
        "\u0624": "\u0648",  # ؤ -> و
        # punctuation
        "\u060c": ",",  # ،
        "\u061b": ";",  # ؛
        "\u061f": "?",  # ؟
        "\u066a": "%",
        "\u200c": " ",  # zero-width non-joiner, typed between Pashto/Dari word parts
        "\u200f": "",  # right-to-left mark
        "\u200e": "",  # left-to-right mark
        **{chr(0x0660 + n): str(n) for n in range(10)},  # ٠١٢٣٤٥٦٧٨٩
        **{chr(0x06F0 + n): str(n) for n in range(10)},  # ۰۱۲۳۴۵۶۷۸۹
    }
)


def fold(text: str) -> str:
    """Arabic-script text without diacritics or tatweel, one alef/yeh/kaf, ASCII digits."""
    if not any("\u0600" <= ch <= "\u06ff" or "\u200c" <= ch <= "\u200f" for ch in text):
        return text
    return _DIACRITICS.sub("", text).translate(_FOLD)


def has_arabic_script(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)
