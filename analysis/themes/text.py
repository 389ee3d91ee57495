"""Tokens for young people's free text: our own regex, no NLTK corpora.

Both the theme tagger and the sentiment scorer read text through this module so
that "m8s", "moved AGAIN", "dont" and "skooool" mean the same thing to each.
Tokens keep their character offsets in the original text so that a dashboard
can highlight exactly what matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from storage.datafiles import DataFileError, line_of, load_yaml, require_mapping

SPELLINGS_FILE = Path(__file__).with_name("spellings.yaml")

_WORD = r"[^\W_]+(?:['&][^\W_]+)*"
_PUNCT = r"[.!?;:,]+"
_CURRENCY = r"[£$€]"
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_RUN = re.compile(r"([^\W\d_])\1{2,}")

#: Words that negate what follows in the same clause ("n't" endings count too).
NEGATORS = frozenset(
    {
        "not",
        "no",
        "never",
        "nobody",
        "noone",
        "nothing",
        "none",
        "nowhere",
        "neither",
        "nor",
        "without",
        "cannot",
        "hardly",
        "barely",
        "aint",
    }
)
#: Tokens that end a clause, so "not sad but lonely" leaves "lonely" un-negated.
CLAUSE_BREAKS = frozenset({"but", "and", "or", "so", "because", "though", "although", "cos"})
#: "-ing" nouns whose verb would mean something else ("housing" is not "house").
_KEEP = frozenset(
    {
        "housing",
        "feeling",
        "sibling",
        "meeting",
        "training",
        "clothing",
        "building",
        "evening",
        "morning",
        "nothing",
        "something",
        "everything",
        "anything",
        "during",
        "wedding",
        "bedding",
        "darling",
        "ceiling",
        "pudding",
    }
)
#: How many tokens after a negator are still in its scope ("don't really feel safe").
NEGATION_WINDOW = 3


@dataclass(frozen=True, slots=True)
class Token:
    """One normalised token and where its source sits in the original text.

    ``kind`` is "word", "punct" (one clause mark per run), "currency" or "extra"
    (an emoji or emoticon the caller asked to keep).
    """

    text: str
    start: int
    end: int
    kind: str = "word"
    elongated: bool = False

    @property
    def is_punct(self) -> bool:
        return self.kind == "punct"


def is_negator(word: str) -> bool:
    """True for "not", "never", "nobody", "don't", "can't" and the like."""
    return word in NEGATORS or word.endswith("n't")


def is_break(token: Token) -> bool:
    """True when the token ends a clause for negation purposes."""
    return token.is_punct or token.text in CLAUSE_BREAKS


def negated(tokens: list[Token], index: int, window: int = NEGATION_WINDOW) -> bool:
    """Whether the token at ``index`` sits in the scope of a preceding negator."""
    for back in range(index - 1, max(-1, index - 1 - window), -1):
        token = tokens[back]
        if is_break(token):
            return False
        if is_negator(token.text):
            return True
    return False


def stem(word: str) -> str:
    """Light stemming so "mates"/"mate", "moved"/"moving", "worried"/"worry" meet.

    Deliberately crude and symmetric: the lexicon and the text go through the
    same function, so only consistency matters, not linguistic correctness.
    """
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith(("ies", "ied")) and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word in _KEEP:
        return word
    if word.endswith("ing") and len(word) >= 6:
        word = word[:-3]
    elif word.endswith("ed") and len(word) >= 5:
        word = word[:-2]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    # "cancelled"/"cancel", "missing"/"miss": drop a final doubled consonant.
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouy":
        word = word[:-1]
    return word


def squeeze(word: str, known: Callable[[str], bool]) -> str:
    """Undo elongation ("sooooo", "happyyyy", "skoool") using a vocabulary check.

    Runs of three or more letters are cut to two, then to one; the first form
    that ``known`` recognises wins, otherwise the one-letter form.
    """
    two = _RUN.sub(r"\1\1", word)
    if known(two):
        return two
    return _RUN.sub(r"\1", word)


class Tokeniser:
    """Turns text into normalised tokens: lower case, spellings expanded, elongation undone.

    ``extra`` are literal tokens to keep whole (emoji and emoticons for sentiment);
    ``known`` tells :func:`squeeze` which de-elongated forms are real words.
    """

    def __init__(
        self,
        spellings: Mapping[str, str],
        *,
        extra: Iterable[str] = (),
        known: Callable[[str], bool] | None = None,
    ) -> None:
        self.spellings = {key: tuple(value.split()) for key, value in spellings.items()}
        extras = sorted({e for e in extra if e}, key=len, reverse=True)
        parts = [f"(?P<word>{_WORD})", f"(?P<currency>{_CURRENCY})", f"(?P<punct>{_PUNCT})"]
        if extras:
            # Variation selectors and skin tones may follow an emoji; swallow them.
            alternation = "|".join(re.escape(e) for e in extras)
            parts.insert(0, f"(?P<extra>(?:{alternation})[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]*)")
        self._pattern = re.compile("|".join(parts), re.IGNORECASE)
        self._known = known or (lambda word: word in self.spellings)
        self._strip = "\ufe0e\ufe0f\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff"

    def tokens(self, text: str) -> list[Token]:
        """The normalised tokens of ``text`` with their original offsets."""
        text = text.translate(_APOSTROPHES)
        out: list[Token] = []
        for match in self._pattern.finditer(text):
            raw = match.group().lower().rstrip(self._strip)
            start, end = match.span()
            kind = match.lastgroup or "word"
            if kind != "word":
                # One clause mark per run; "!!!" counts as emphasis in sentiment.
                out.append(Token(raw[0] if kind == "punct" else raw, start, end, kind))
                continue
            elongated = False
            if _RUN.search(raw):
                squeezed = squeeze(raw, self._known)
                elongated = squeezed != raw
                raw = squeezed
            for part in self.spellings.get(raw, (raw,)):
                out.append(Token(part, start, end, "word", elongated))
        return out


def load_spellings(path: str | Path = SPELLINGS_FILE) -> dict[str, str]:
    """Read the text-speak table ("m8" -> "mate"); errors name the line and the fix."""
    data = require_mapping(path, load_yaml(path), "the file")
    unknown = set(data) - {"spellings"}
    if unknown:
        key = sorted(unknown)[0]
        raise DataFileError(
            path,
            "unknown top-level key",
            line=line_of(data),
            item=str(key),
            fix="the file has one key, 'spellings:'",
        )
    table = require_mapping(path, data.get("spellings"), "spellings")
    result: dict[str, str] = {}
    for key, value in table.items():
        written = f"spellings.{key}"
        if not isinstance(key, str) or not isinstance(value, str) or not value.strip():
            raise DataFileError(
                path,
                "each spelling must map one written form to its plain words",
                line=find_line(path, line_of(table), str(key)),
                item=written,
                fix="write it as 'm8: mate' (quote keys such as 'no1' or 'b4' if needed)",
            )
        if not re.fullmatch(_WORD, key.lower()):
            raise DataFileError(
                path,
                "the written form must be a single word",
                line=find_line(path, line_of(table), key),
                item=written,
                fix="use one word on the left; multi-word forms belong in the lexicon",
            )
        result[key.lower()] = value.lower().translate(_APOSTROPHES).strip()
    return result


def find_line(path: str | Path, start: int | None, needle: str) -> int | None:
    """The first line at or after ``start`` that mentions ``needle`` (for error messages).

    The YAML loader records where blocks start, not where each string in a list
    sits, so errors about one list item look for it in the file text.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return start
    first = (start or 1) - 1
    for number in range(first, len(lines)):
        if needle and needle in lines[number]:
            return number + 1
    return start
