"""Is this message in a language other than English? Then a person must read it.

About one child in twelve in care came to the UK alone, many with little English. The
lexicon and the model read English only, so "I want to kill myself" in Arabic or Pashto
would pass unheard. Heard does not guess at what such a message says: it asks a person
to read it ("please read: message in Pashto"), with an interpreter if need be.

Offline, small and fast: py3langid (a maintained fork of langid.py, a naive Bayes
model over byte n-grams, 97 languages, a few MB, numpy only) for the language, and the
writing system for what langid cannot name (Tigrinya is written in Ge'ez script, which
it reads as Amharic; Sorani Kurdish in an Arabic script with letters of its own).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# The alert category for a message in another language: not a harm, a message to read.
PLEASE_READ = "please_read"

# Too little to tell a language from, or to be worth a person's reading: "ok", "yes pls".
MIN_LATIN_WORDS = 3
MIN_OTHER_SCRIPT_WORDS = 2
MIN_CONFIDENCE = 0.9
# Letters English never uses (ą ł ș ț ư đ ë ...) make a less certain guess enough.
MIN_CONFIDENCE_WITH_LETTERS = 0.5
_FOREIGN_LETTERS = re.compile(
    "[ąćęłńśźżăâîșşțţđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹëçõãñßøåæ]",
    re.IGNORECASE,
)

NAMES = {
    "ar": "Arabic",
    "ps": "Pashto",
    "fa": "Persian (Farsi or Dari)",
    "ur": "Urdu",
    "ku": "Kurdish",
    "am": "Amharic or Tigrinya",
    "vi": "Vietnamese",
    "sq": "Albanian",
    "pl": "Polish",
    "ro": "Romanian",
    "so": "Somali",
    "tr": "Turkish",
    "fr": "French",
    "es": "Spanish",
    "pt": "Portuguese",
    "it": "Italian",
    "de": "German",
    "nl": "Dutch",
    "ru": "Russian",
    "uk": "Ukrainian",
    "bg": "Bulgarian",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "sk": "Slovak",
    "cs": "Czech",
    "hu": "Hungarian",
    "zh": "Chinese",
    "hi": "Hindi",
    "bn": "Bengali",
    "pa": "Punjabi",
    "ta": "Tamil",
    "ti": "Tigrinya or Amharic",
    "ckb": "Kurdish (Sorani)",
}
_SORANI_LETTERS = frozenset("ڵڕۆێەڤ")  # Sorani's own letters; Arabic and Persian lack them
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    confidence: float

    @property
    def detected_by(self) -> str:
        return f"please read: message in {self.name} ({self.confidence:.2f})"


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


# Writing systems people write messages in; a stray symbol that counts as a letter
# ("µ", "ª") belongs to none of them and says nothing about a language.
_SCRIPTS = frozenset(
    {
        "LATIN", "ARABIC", "ETHIOPIC", "CYRILLIC", "GREEK", "HEBREW", "CJK", "HIRAGANA",
        "KATAKANA", "HANGUL", "DEVANAGARI", "BENGALI", "GURMUKHI", "GUJARATI", "TAMIL",
        "TELUGU", "KANNADA", "MALAYALAM", "SINHALA", "THAI", "LAO", "KHMER", "MYANMAR",
        "GEORGIAN", "ARMENIAN", "TIBETAN",
    }
)  # fmt: skip


def _scripts(text: str) -> set[str]:
    """The writing systems of the letters, by the first word of each's Unicode name."""
    found = set()
    for char in text:
        if char.isalpha():
            script = unicodedata.name(char, "").split(" ", 1)[0]
            if script in _SCRIPTS:
                found.add(script)
    return found


def other_language(text: str) -> Language | None:
    """The language of a message that is clearly not English, or None (English, mixed
    mostly English, or too short to say)."""
    words = _WORD.findall(text)
    scripts = _scripts(text)
    if not words or not scripts:
        return None
    latin = scripts <= {"LATIN"}
    if len(words) < (MIN_LATIN_WORDS if latin else MIN_OTHER_SCRIPT_WORDS):
        return None
    if "ETHIOPIC" in scripts:
        return Language("ti", NAMES["ti"], 1.0)
    if "ARABIC" in scripts and _SORANI_LETTERS & set(text):
        return Language("ckb", NAMES["ckb"], 1.0)
    code, confidence = _identifier().classify(text)
    if code == "en":
        return None
    if latin and confidence < MIN_CONFIDENCE and not _FOREIGN_LETTERS.search(text):
        return None  # an English message with a typo or two, or slang langid can't place
    if latin and confidence < MIN_CONFIDENCE_WITH_LETTERS:
        return None
    return Language(code, NAMES.get(code, code), float(confidence))
