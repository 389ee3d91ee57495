"""Reading a question typed in Arabic or Pashto, against the offer's own translations.

About one child in twelve in care came to the UK alone, many with little English. A
question typed in Arabic script ("هل يمكنني البقاء مع عائلتي الحاضنة بعد 18؟", "زه څنګه
د بس کارت واخلم") is searched against the entries' words in that language (title,
summary, details, how_to_get_it, note from <id>.<code>.yaml), plus a short list a
council edits (localoffer/search_words.<code>.yaml): everyday words for each entry,
colloquial words read as the translations' words, little words to skip, and off-topic
words.

The discipline is the English search's (localoffer/search.py): field-weighted BM25
over light stems, re-ranked by how much of the question an entry explains; confident
only when the top entry explains at least half of the question (rare words weigh more;
words the offer never uses count against) and a word asked is in its title or topic
words, and never when an off-topic word is used. Otherwise "I'm not sure", in the
person's language.

Text is folded as typed answers are (surveys/script.py: no vowel marks or tatweel, one
alef/yeh/kaf, ASCII digits), and further for search only: Pashto letters typed on an
Arabic or Persian keyboard (ګ as گ, ښ as ش, ټ as ت...) are one letter.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from localoffer.bm25 import FieldIndex
from localoffer.catalogue import Offer, OfferEntry
from localoffer.ranking import (
    MIN_COVERAGE,
    MIN_SCORE,
    UNKNOWN_WORD_SHARE,
    ranked_entries,
    weighted_query,
)
from localoffer.text import OffTopicWords
from storage.datafiles import DataFileError, line_of, load_yaml
from surveys.script import fold

LANGUAGES = ("ar", "ps")
HERE = Path(__file__).resolve().parent

FIELD_WEIGHTS = {
    "title": 3.0,
    "topics": 2.5,
    "summary": 1.5,
    "note": 0.8,
    "how_to_get_it": 0.6,
    "details": 0.6,
}
FIELD_CREDIT = {
    "title": 1.0,
    "topics": 1.0,
    "summary": 0.75,
    "note": 0.5,
    "how_to_get_it": 0.35,
    "details": 0.35,
}
TOPIC_CREDIT = 1.0
FUZZY_CUTOFF = 80.0  # a typed word close enough to an offer word ("الجامعه", "یوازی")
FUZZY_MIN_LENGTH = 4

# Letters only Pashto writes (Arabic and Persian lack them).
_PASHTO_LETTERS = frozenset("ټځڅډړږښګڼېۍ")
# Letters Pashto shares with Persian and Arabic lacks: of Heard's languages, only Pashto
# writes them (a question in Dari or Farsi is searched as Pashto and is rarely sure).
_PERSIAN_LETTERS = frozenset("پچژگکی")
_ARABIC_LETTER = re.compile("[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff]")
_LATIN_LETTER = re.compile("[A-Za-z]")
_TOKEN = re.compile(r"[^\W_]+")
# Search-only folding, after surveys.script.fold: Pashto's own letters as the Arabic or
# Persian letter a keyboard without them gives, and hamza on its own dropped.
_SEARCH_FOLD = str.maketrans(
    {
        "ګ": "گ",
        "ښ": "ش",
        "ږ": "ژ",
        "ټ": "ت",
        "ډ": "د",
        "ړ": "ر",
        "ڼ": "ن",
        "ځ": "ز",
        "څ": "س",
        "ء": "",
        "أ": "ا",
    }
)
_ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_ARABIC_SUFFIXES = ("كما", "كم", "هم", "ها", "نا", "ان", "ات", "ون", "ين", "يه", "ه", "ي", "ك")
_VERB_PREFIX = frozenset("ايتنب")  # I, he, you, we; and the colloquial ب before them
_ARABIC_POSSESSIVE = frozenset({"كما", "كم", "ك"})
_PASHTO_SUFFIXES = ("گاني", "گانو", "توب", "ونه", "ونو", "انو", "ان", "و", "ي", "ه")
_AGE = re.compile(
    r"(?:عمري|عمرى|انا|زه|عمر\s*مي|عمر\s*مې)\s*(?P<a>\d{1,2})\b"
    r"|\b(?P<b>\d{1,2})\s*(?:سنه|سنة|عام|کلن|كلن|کلنه|کاله|كاله)\s*(?:يم|یم|عمري)?"
)
_NOT_NOW = ("بعد", "قبل", "لما", "حتى", "لحد", "وروسته", "مخکې", "تر", "کله")


def fold_for_search(text: str) -> str:
    """Lower case, folded as typed answers are (surveys.script.fold), and Pashto's own
    letters as an Arabic or Persian keyboard types them."""
    return fold(text).lower().translate(_SEARCH_FOLD)


def question_language(text: str) -> str | None:
    """'ar' or 'ps' when a question is written mostly in Arabic script, else None
    (English, or mostly English with an Arabic word in it, is searched as English).

    Pashto has letters Arabic lacks (ټ ځ څ ډ ړ ږ ښ ګ ڼ ې ۍ, and پ چ ژ ګ ک ی as Persian
    has them); a question in Arabic script without any, and without Pashto's little
    words, is read as Arabic."""
    arabic = len(_ARABIC_LETTER.findall(text))
    if arabic == 0 or arabic < len(_LATIN_LETTER.findall(text)):
        return None
    if (_PASHTO_LETTERS | _PERSIAN_LETTERS) & set(text):
        return "ps"
    tokens = set(_TOKEN.findall(fold(text)))
    if tokens & _PASHTO_WORDS:
        return "ps"
    return "ar"


# Pashto's little words, typed even on a keyboard without Pashto's own letters.
_PASHTO_WORDS = frozenset(fold(word) for word in ("زه", "یم", "دی", "کی", "ته", "زما", "نه لرم"))


def age_in(text: str) -> int | None:
    """An age stated about now ("عمري 17", "زه ۱۷ کلن یم"), not "بعد 18"."""
    folded = fold(text)
    for match in _AGE.finditer(folded):
        before = folded[: match.start()].split()
        if before and before[-1] in _NOT_NOW:
            continue
        value = int(match.group("a") or match.group("b"))
        if 12 <= value <= 30:
            return value
    return None


def stem(token: str, language: str) -> str:
    """A light stem: Arabic's article, and common endings (plural, possessive, case) in
    either language, at most two of them. Never shorter than three letters."""
    if language == "ar":
        if len(token) > 4 and token.startswith("و"):
            token = token[1:]
        for prefix in _ARABIC_PREFIXES:
            if token.startswith(prefix) and len(token) - len(prefix) >= 2:
                token = token[len(prefix) :]
                break
    suffixes = _ARABIC_SUFFIXES if language == "ar" else _PASHTO_SUFFIXES
    for strip in range(2):
        for suffix in suffixes:
            if strip and suffix in _ARABIC_POSSESSIVE:
                continue  # "your" comes last: اشتكي is اشتك, not اشت
            if token.endswith(suffix) and len(token) - len(suffix) >= 3:
                token = token[: -len(suffix)]
                break
        else:
            break
    return token


# ----------------------------------------------------------------- the council's words


@dataclass(frozen=True)
class SearchWords:
    """localoffer/search_words.<code>.yaml: the words a council gives the search."""

    language: str
    stopwords: frozenset[str] = frozenset()
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    off_topic: OffTopicWords = field(default_factory=OffTopicWords)
    topics: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def search_words_path(language: str) -> Path:
    return HERE / f"search_words.{language}.yaml"


def _text_list(path: Path, items: Any, item: str, fix: str) -> list[str]:
    if not isinstance(items, list) or not all(isinstance(i, str | int) for i in items):
        raise DataFileError(
            path, "should be a list of words or phrases", line=line_of(items), item=item, fix=fix
        )
    return [str(i) for i in items]


def parse_search_words(
    path: Path, data: Any, language: str, entry_ids: Iterable[str] | None = None
) -> SearchWords:
    """Check and read one search_words.<code>.yaml; any mistake is a DataFileError
    naming the file, the line, the item and the fix."""
    if not isinstance(data, dict):
        raise DataFileError(
            path, "expected language:, status:, stopwords:, synonyms:, off_topic:, topics:"
        )
    known = {"language", "status", "reviewed_by", "reviewed_on"} | {
        "stopwords",
        "synonyms",
        "off_topic",
        "topics",
    }
    for key in data:
        if key not in known:
            raise DataFileError(
                path,
                f"unknown heading {key!r}",
                line=line_of(data),
                item=str(key),
                fix="use language, status, stopwords, synonyms, off_topic or topics",
            )
    if data.get("language") != language:
        raise DataFileError(
            path,
            f"language: is {data.get('language')!r} but the file name says {language!r}",
            line=line_of(data),
            item="language",
            fix=f"write 'language: {language}'",
        )
    if data.get("status") not in ("draft", "reviewed"):
        raise DataFileError(
            path,
            "status: must be draft or reviewed",
            line=line_of(data),
            item="status",
            fix="write 'status: draft' until a qualified translator has checked it",
        )

    def terms(text: str) -> tuple[str, ...]:
        return tuple(_TOKEN.findall(fold_for_search(text)))

    stopwords = _text_list(
        path, data.get("stopwords") or [], "stopwords", "put each word on a '  - word' line"
    )
    raw_synonyms = data.get("synonyms") or {}
    if not isinstance(raw_synonyms, dict):
        raise DataFileError(
            path,
            "synonyms: should be 'typed word: the offer's word(s)' lines",
            line=line_of(raw_synonyms),
            item="synonyms",
            fix="write e.g. '  مصاري: مال'",
        )
    synonyms: dict[str, tuple[str, ...]] = {}
    for typed, read_as in raw_synonyms.items():
        typed_terms = terms(str(typed))
        read_terms = terms(str(read_as)) if isinstance(read_as, str | int) else ()
        if len(typed_terms) != 1 or not read_terms:
            raise DataFileError(
                path,
                "a synonym is one typed word and the offer's word(s) it means",
                line=line_of(raw_synonyms),
                item=f"synonyms: {typed}",
                fix="write one word before the colon and the offer's words after it",
            )
        synonyms[typed_terms[0]] = read_terms
    raw_off = data.get("off_topic") or {}
    if not isinstance(raw_off, dict):
        raise DataFileError(
            path,
            "off_topic: should be 'group:' headings, each a list of words",
            line=line_of(raw_off),
            item="off_topic",
            fix="write e.g. '  games:' and under it '    - فيفا'",
        )
    off_topic: list[tuple[str, ...]] = []
    for group, items in raw_off.items():
        for item in _text_list(
            path, items, f"off_topic: {group}", "put each word on a '    - word' line"
        ):
            if terms(item):
                off_topic.append(terms(item))
    raw_topics = data.get("topics") or {}
    if not isinstance(raw_topics, dict):
        raise DataFileError(
            path,
            "topics: should be entry ids, each a list of words people use for it",
            line=line_of(raw_topics),
            item="topics",
            fix="write e.g. '  travel-passes:' and under it '    - باص'",
        )
    ids = set(entry_ids) if entry_ids is not None else None
    topics: dict[str, tuple[str, ...]] = {}
    for entry_id, items in raw_topics.items():
        if ids is not None and entry_id not in ids:
            raise DataFileError(
                path,
                f"no offer entry has the id {entry_id!r}",
                line=line_of(raw_topics),
                item=f"topics: {entry_id}",
                fix="use an id from localoffer/data/<id>.yaml",
            )
        topics[str(entry_id)] = tuple(
            _text_list(path, items, f"topics: {entry_id}", "put each word on a '    - word' line")
        )
    return SearchWords(
        language=language,
        stopwords=frozenset(t for word in stopwords for t in terms(word)),
        synonyms=synonyms,
        off_topic=OffTopicWords(off_topic),
        topics=topics,
    )


def load_search_words(language: str, entry_ids: Iterable[str] | None = None) -> SearchWords:
    """The council's search words for `language` (empty lists if it has no file)."""
    path = search_words_path(language)
    if not path.exists():
        return SearchWords(language=language)
    return parse_search_words(path, load_yaml(path), language, entry_ids)


def check_search_words(entry_ids: Iterable[str]) -> list[DataFileError]:
    """Every shipped search_words file's mistakes (for `heard offer check` and tests)."""
    problems = []
    ids = list(entry_ids)
    for language in LANGUAGES:
        try:
            load_search_words(language, ids)
        except DataFileError as problem:
            problems.append(problem)
    return problems


# ----------------------------------------------------------------------- the search


@dataclass
class _Unit:
    typed: str
    terms: list[str]
    known: list[str]
    off_topic: bool = False

    @property
    def is_number(self) -> bool:
        """An age or amount: it orders entries but never says what is asked about."""
        return all(term.isdigit() for term in self.terms)


class TranslatedSearch:
    """The offer in one language, built once; `rank` is then cheap."""

    def __init__(self, offer: Offer, language: str, words: SearchWords | None = None) -> None:
        self.language = language
        self.entries: list[OfferEntry] = list(offer)
        self.words = (
            words
            if words is not None
            else load_search_words(language, [entry.id for entry in offer])
        )
        self._synonyms: dict[str, tuple[str, ...]] = {}
        for typed, read_as in self.words.synonyms.items():
            self._synonyms.setdefault(typed, read_as)
            self._synonyms.setdefault(stem(typed, language), read_as)
        self._built = False
        table = offer.translations.get(language, {})
        documents = []
        names: list[tuple[str, ...]] = []
        for entry in self.entries:
            texts = table[entry.id].fields if entry.id in table else {}
            for name in (texts.get("title", ""), *self.words.topics.get(entry.id, ())):
                names.append(tuple(self._tokens(name)))
            document: dict[str, list[list[str]]] = {
                name: [self._stems(texts[name])] if name in texts else []
                for name in ("title", "summary", "note", "how_to_get_it", "details")
            }
            document["topics"] = [self._stems(p) for p in self.words.topics.get(entry.id, ())]
            documents.append(document)
        self.index = FieldIndex.build(documents, FIELD_WEIGHTS, FIELD_CREDIT)
        # An off-topic word an entry's title or topic words use is the offer's own.
        self.off_topic = self.words.off_topic.without(names)
        self.max_idf = max(self.index.idf.values(), default=1.0)
        self._built = True
        self._vocabulary = sorted(
            term
            for term in self.index.idf
            if not term.startswith("\u00b7") and len(term) >= FUZZY_MIN_LENGTH
        )
        self._by_first: dict[str, list[str]] = defaultdict(list)
        for term in self._vocabulary:
            self._by_first[term[0]].append(term)
        self._fixed: dict[str, str | None] = {}

    @property
    def ready(self) -> bool:
        """Whether there is anything to search (a language with no translations is not)."""
        return bool(self.index.idf)

    def _tokens(self, text: str) -> list[str]:
        return _TOKEN.findall(fold_for_search(text))

    def _stems(self, text: str) -> list[str]:
        return [term for token in self._tokens(text) for term in self._read(token)]

    def _read(self, token: str) -> list[str]:
        """What a typed word is searched as: its stem, or the stems of the words the
        council's synonyms say it means; [] for a little word."""
        if not self._content(token):
            return []
        if token.isdigit():
            return [token]
        if self._built:
            token = self._and(token)
        read_as = self._synonyms.get(token) or self._synonyms.get(stem(token, self.language))
        if read_as is None:
            return [stem(token, self.language)]
        return [stem(word, self.language) for word in read_as if self._content(word)]

    def _content(self, token: str) -> bool:
        stopwords = self.words.stopwords
        if token.isdigit():
            return 1 < len(token) < 3  # an age or a year of age ("18", "25"), not "2026"
        if len(token) < 2 or token in stopwords:
            return False
        return not (self.language == "ar" and token[0] == "و" and token[1:] in stopwords)

    def _and(self, token: str) -> str:
        """Arabic's "and" (و) written onto a word the search knows: the word alone."""
        if self.language != "ar" or len(token) < 3 or token[0] != "و":
            return token
        rest = token[1:]
        known = rest in self._synonyms or stem(rest, self.language) in self.index.idf
        return rest if known and stem(token, self.language) not in self.index.idf else token

    def _verb(self, term: str) -> str | None:
        """An Arabic verb as the word the offer uses: "اعيش" (I live) is العيش's عيش,
        "بتعرف" is تعرف; the offer's words are mostly nouns."""
        if self.language != "ar":
            return None
        for size in (2, 1):
            if len(term) - size >= 3 and all(letter in _VERB_PREFIX for letter in term[:size]):
                rest = term[size:]
                if rest in self.index.idf:
                    return rest
        return None

    def _fix(self, term: str) -> str | None:
        """The offer's word a typed one is most likely a slip for, or None."""
        if term in self._fixed:
            return self._fixed[term]
        found = None
        if len(term) >= FUZZY_MIN_LENGTH:
            # People rarely get the first letter wrong (as localoffer/typos.py says).
            candidates = self._by_first.get(term[0], [])
            best = process.extractOne(
                term, candidates, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
            )
            if best is not None:
                found = str(best[0])
        self._fixed[term] = found
        return found

    def units(self, text: str) -> list[_Unit]:
        units = []
        tokens = self._tokens(text)
        for token, off_topic in zip(tokens, self.off_topic.mark(tokens), strict=True):
            if off_topic:
                units.append(_Unit(token, [token], [], off_topic=True))
                continue
            terms = self._read(token)
            if not terms:
                continue
            known = []
            for number, term in enumerate(terms):
                if term not in self.index.idf:
                    fixed = self._verb(term) or self._fix(term)
                    if fixed is not None:
                        terms[number] = term = fixed
                if term in self.index.idf:
                    known.append(term)
            units.append(_Unit(token, terms, known))
        return units

    def _coverage(self, units: Sequence[_Unit], number: int) -> float:
        credit = self.index.field_credit[number]
        total = matched = 0.0
        for unit in units:
            if unit.is_number:
                continue
            if unit.off_topic or not unit.known:
                total += UNKNOWN_WORD_SHARE * self.max_idf
                continue
            weight = max(self.index.idf[term] for term in unit.known)
            total += weight
            matched += weight * max(credit.get(term, 0.0) for term in unit.known)
        return matched / total if total else 0.0

    def rank(self, units: Sequence[_Unit], open_now: Sequence[bool]) -> list[tuple[float, int]]:
        """Entries in order for the question (open_now[i]: entry i is open at their age),
        by the English search's rules (localoffer.ranking)."""
        sequence: list[tuple[str, float]] = []
        for unit in units:
            if not unit.off_topic:
                sequence += [(term, 1.0 / len(unit.terms)) for term in unit.terms]
        return ranked_entries(
            self.index.score(weighted_query(sequence)),
            open_now,
            lambda number: self._coverage(units, number),
        )

    def sure(self, units: Sequence[_Unit], ranked: Sequence[tuple[float, int]]) -> bool:
        """Confident if the top entry explains enough of the question and is about it."""
        if not ranked or any(unit.off_topic for unit in units):
            return False
        score, number = ranked[0]
        if score < MIN_SCORE or self._coverage(units, number) < MIN_COVERAGE:
            return False
        credit = self.index.field_credit[number]
        return any(
            credit.get(term) == TOPIC_CREDIT
            for unit in units
            if not unit.is_number
            for term in unit.known
        )
