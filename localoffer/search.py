"""Answering a young person's question from the local offer, in their own words.

Pure functions over an Offer: no database and nothing about who asked. The
caller (bot, web, CLI) logs the OfferAnswer it gets back.

How a question is read:
1. split into clauses, so "money for uni and where do i live" answers both;
2. misspelt words are corrected to the offer's vocabulary (rapidfuzz);
3. slang and phrases are rewritten from synonyms.yaml ("skint" -> money);
4. entries are ranked with field-weighted BM25 over title, also_known_as,
   summary and details, and things the asker is too old or young for sink;
5. the top entries are re-ranked by how much of the question they explain;
5a. a second opinion on meaning (meaning.py: a static sentence embedding of each
   entry's title, also_known_as and summary) is mixed in: the order is a weighted
   sum of the BM25 score and the cosine similarity, each scaled by the clause's
   best, so "always broke before payday" can reach budgeting help. It only orders
   and adds entries when the words found something (a question that touches no
   entry stays untouched), and it never makes Heard sure: being sure (6, 7) is
   still decided on the words, for the entry that comes first;
6. it is confident only when the top entry explains at least half of the
   question (rare words weigh more; words the offer never uses count against)
   and a word asked matches its title or also_known_as: an answer built on one
   stray word is worse than saying "not sure" and pointing to the PA;
7. and never when the question uses a word or phrase from off_topic.yaml
   (games, the weather, maths homework...) that no entry's title or
   also_known_as uses: "how do i get better at this game" gets "I'm not sure".
8. a question written in Arabic or Pashto is read the same way against the entries'
   translations in that language (search_translated.py); English stays English.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from localoffer.bm25 import FieldIndex
from localoffer.catalogue import AREAS, Offer, OfferEntry
from localoffer.meaning import EntryMeaning, load_meaning
from localoffer.ranking import (
    AGE_PENALTY,
    MIN_COVERAGE,
    MIN_SCORE,
    UNKNOWN_WORD_SHARE,
    ranked_entries,
    weighted_query,
)
from localoffer.search_translated import LANGUAGES as TRANSLATED_LANGUAGES
from localoffer.search_translated import (
    SearchWords,
    TranslatedSearch,
    load_search_words,
    question_language,
)
from localoffer.search_translated import age_in as translated_age
from localoffer.text import (
    ROLE_PHRASES,
    STOPWORDS,
    OffTopicWords,
    SynonymTable,
    content_stems,
    is_content,
    load_off_topic,
    load_synonyms,
    stem,
    words,
)
from localoffer.typos import SpellingFixer
from localoffer.words import DEFAULT, OfferWords, Said, Words, load_offer_words, plain

FIELD_WEIGHTS = {"title": 3.0, "also_known_as": 2.5, "summary": 1.5, "details": 0.6}
# How far a word found only in that field explains a question (see _coverage).
FIELD_CREDIT = {"title": 1.0, "also_known_as": 1.0, "summary": 0.75, "details": 0.35}
ROLE_WEIGHT = 0.35  # see text.ROLE_PHRASES
TOPIC_CREDIT = FIELD_CREDIT["title"]  # a word asked is in the title or also_known_as
OFF_TOPIC_SHARE = 2.0  # weight of an off-topic word, as a share of max idf
SHOWN = 3
# A part of a question starts a clause of its own only with a word that is rare
# enough to say what it is about; "im a care leaver and ..." is a preface.
CLAUSE_IDF = 1.0
# Share of the order given to meaning (cosine similarity) rather than words (BM25),
# chosen by 5-fold cross-validation on dev and the old set, never on test
# (benchmarks/README.md, Offer).
MEANING_WEIGHT = 0.5
_DEFAULT = object()

_CLAUSE_SPLIT = re.compile(r"[?!.;:\n]+|,|&|\band\b|\bn\b|\balso\b|\bplus\b|\baswell\b")
_AGE_RE = re.compile(
    r"\b(?:(?P<lead>i am|im|iam|i m|am|aged?|now)\s+(?P<a>\d{1,2})\b"
    r"|(?P<b>\d{1,2})\s*(?:yo|y o|yrs? old|years? old|year old)\b)"
)
_NOT_NOW = {"when", "til", "till", "until", "once", "after", "before", "if", "turn", "turning"}


@dataclass(frozen=True)
class ScoredAnswer:
    """One entry offered in reply, with how well it matched and whether it applies now."""

    entry: OfferEntry
    score: float
    status: str  # "available" | "ended" | "not_yet"
    status_note: str  # in English (the log's); OfferAnswer.note says it in a language
    instead: OfferEntry | None = None  # open to them when this has ended

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.entry.id,
            "title": self.entry.title,
            "area": self.entry.area,
            "summary": self.entry.summary,
            "score": round(self.score, 3),
            "status": self.status,
            "status_note": self.status_note,
        }


@dataclass(frozen=True)
class OfferAnswer:
    """The reply to one question: best entries first, and whether Heard is sure.

    The search is English, or Arabic or Pashto for a question typed in it (`language`);
    the log keeps the question as typed; `reply_text(language)` says it in a person's
    language: each entry's words from the offer's translation files, and the offer's own
    words (labels, "not sure", ages, topics) from localoffer/words.<code>.yaml, English
    wherever a translation has none."""

    query: str
    age: int | None
    answers: list[ScoredAnswer]
    confident: bool
    suggested_areas: list[str] = field(default_factory=list)
    understood: list[str] = field(default_factory=list)
    ask_pa: str = ""
    # The offer searched, for its translations (None: the entries stay as they are).
    offer: Offer | None = field(default=None, repr=False, compare=False)
    # The language the question was read in: "en", or "ar"/"ps" when it was typed in
    # Arabic or Pashto and searched against the translations.
    language: str = DEFAULT

    @property
    def answer_ids(self) -> list[str]:
        return [answer.entry.id for answer in self.answers]

    @property
    def top_score(self) -> float | None:
        return self.answers[0].score if self.answers else None

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "age": self.age,
            "confident": self.confident,
            "answers": [answer.to_json() for answer in self.answers],
            "suggested_areas": list(self.suggested_areas),
            "understood": list(self.understood),
        }

    def reply_text(self, language: str = DEFAULT) -> str:
        """A plain-text chat reply: the best entry, how to get it, who to contact, in
        `language` wherever a translation has the words. Phone numbers in right-to-left
        words still read left to right."""
        text = "\n\n".join(plain(paragraph) for paragraph in self.reply_parts(language))
        if language == DEFAULT:
            return text
        from analysis.safeguarding.replies import phone_numbers_read_left_to_right

        return phone_numbers_read_left_to_right(text)

    def reply_parts(self, language: str = DEFAULT) -> list[Words]:
        """The reply's paragraphs ("\n" between lines, "- " before a list's), each word
        saying which language it is in, so a web page can mark English as English."""
        words = load_offer_words(language)
        if not self.confident or not self.answers:
            return self._not_sure(words)
        best = self.answers[0]
        entry = self._entry(best.entry, language)
        parts: list[Words] = [[_field(entry, "title")]]
        if best.status != "available":
            parts.append(self.note(best, language))
        parts.append([_field(entry, "summary")])
        parts.append(
            words.say("how_to_get_it", how_to_get_it=_field(entry, "how_to_get_it"))
            + [Said("\n", words.language)]
            + words.say("contact", contact=_field(entry, "contact"))
        )
        others = self.answers[1:SHOWN]
        if others:
            lines: Words = words.say("others")
            for other in others:
                lines.append(Said("\n- ", words.language))
                lines.append(_field(self._entry(other.entry, language), "title"))
                lines += _status_tag(other, words)
            lines.append(Said("\n", words.language))
            lines += words.say("ask_about_others")
            parts.append(lines)
        return parts

    def note(self, answer: ScoredAnswer, language: str = DEFAULT) -> Words:
        """What an entry's age limits mean for the asker, in `language` ([] if nothing)."""
        words = load_offer_words(language)
        if language == DEFAULT and self.offer is None:
            return [Said(answer.status_note, DEFAULT)] if answer.status_note else []
        instead = answer.instead and self._entry(answer.instead, language)
        return status_note(words, answer.entry, answer.status, self.age, instead)

    def area_names(self, language: str = DEFAULT) -> list[Said]:
        """The suggested topics' names in `language`."""
        words = load_offer_words(language)
        return [words.area(area) for area in self.suggested_areas]

    def _entry(self, entry: OfferEntry, language: str) -> OfferEntry:
        if self.offer is None or language == DEFAULT:
            return entry
        return self.offer.localise(entry, language)

    def _not_sure(self, words: OfferWords) -> list[Words]:
        parts: list[Words] = [words.say("not_sure")]
        if self.suggested_areas:
            names = [words.area(area) for area in self.suggested_areas]
            parts.append(words.say("look_through", areas=words.join(names)))
        parts.append(self._ask_pa(words))
        return [part for part in parts if plain(part)]

    def _ask_pa(self, words: OfferWords) -> Words:
        """Who to ask instead, in the person's language unless the search was given its
        own words for it (those are shown as they are)."""
        if self.offer is None or words.language == DEFAULT:
            return [Said(self.ask_pa, DEFAULT)] if self.ask_pa else []
        if self.ask_pa != ask_pa_words(self.offer, load_offer_words(DEFAULT))[1]:
            return [Said(self.ask_pa, DEFAULT)] if self.ask_pa else []
        adviser = _adviser(self.offer)
        if adviser is not None:
            adviser = self.offer.localise(adviser, words.language)
        return ask_pa_words(self.offer, words, adviser)[0]


def _field(entry: OfferEntry, name: str) -> Said:
    return Said(str(getattr(entry, name)), entry.lang_of(name))


def _adviser(offer: Offer) -> OfferEntry | None:
    return offer.get("leaving-care-service") or offer.get("personal-adviser")


def ask_pa_words(
    offer: Offer, words: OfferWords, adviser: OfferEntry | None = None
) -> tuple[Words, str]:
    """ "You can always ask your PA...", with the leaving care service's contact."""
    adviser = adviser or _adviser(offer)
    if adviser is None:
        contact: Words = words.say("leaving_care_service")
    else:
        found = _field(adviser, "contact")
        contact = [Said(found.text.rstrip("."), found.lang)]
    said = words.say("ask_pa", contact=contact)
    return said, plain(said)


def status_note(
    words: OfferWords,
    entry: OfferEntry,
    status: str,
    age: int | None,
    instead: OfferEntry | None = None,
) -> Words:
    """What an entry's ages mean for someone of `age`: ended (and what is open instead),
    not yet, or who it is for; [] when their age is not known and it is open to them."""
    limits = entry.who_can_get_it
    ages = words.ages(limits.min_age, limits.max_age)
    if status == "ended":
        alternative = (
            words.say("instead", title=_field(instead, "title"))
            if instead is not None
            else words.say("instead_ask_pa")
        )
        return words.say("ended", ages=ages, age=str(age), instead=alternative)
    if status == "not_yet":
        return words.say("not_yet", min_age=str(limits.min_age), age=str(age))
    return words.say("for_ages", ages=ages) if age is not None else []


def _status_tag(answer: ScoredAnswer, words: OfferWords) -> Words:
    limits = answer.entry.who_can_get_it
    if answer.status == "ended":
        return [Said(" ", words.language), *words.say("ended_tag", max_age=str(limits.max_age))]
    if answer.status == "not_yet":
        return [Said(" ", words.language), *words.say("not_yet_tag", min_age=str(limits.min_age))]
    return []


def age_from_text(text: str) -> int | None:
    """An age the asker states about now ("im 22", "19 yo"), not "when im 18"."""
    lowered = " ".join(words(text))
    for match in _AGE_RE.finditer(lowered):
        before = lowered[: match.start()].split()
        if before and before[-1] in _NOT_NOW:
            continue
        value = int(match.group("a") or match.group("b"))
        if 8 <= value <= 30:
            return value
    return None


@dataclass
class _Unit:
    """One thing the asker typed (a word or a phrase) and the terms searched for it."""

    typed: str
    words: list[str]  # what it was read as, after spelling and slang
    terms: list[str]  # their stems, as indexed
    known: list[str]  # the terms the offer uses
    off_topic: bool = False  # typed words listed in off_topic.yaml

    @property
    def is_role(self) -> bool:
        return self.typed in ROLE_PHRASES

    @property
    def is_number(self) -> bool:
        return all(term.isdigit() for term in self.terms)

    @property
    def typed_words(self) -> int:
        return max(1, sum(1 for word in self.typed.split() if is_content(word)))


class OfferSearch:
    """Built once per offer; `ask` is then cheap (a few milliseconds at most)."""

    def __init__(
        self,
        offer: Offer,
        synonyms: SynonymTable | None = None,
        ask_pa: str | None = None,
        off_topic: OffTopicWords | None = None,
        meaning: EntryMeaning | None | object = _DEFAULT,
    ) -> None:
        """`meaning=None` reads words alone; by default the shipped encoder is used if it loads."""
        self.offer = offer
        self.entries: list[OfferEntry] = list(offer)
        self.synonyms = synonyms if synonyms is not None else load_synonyms()
        # An off-topic word the offer itself names an entry by ("football" once a
        # council adds it to the gym entry) is the offer's word, not off-topic.
        topics = [
            tuple(words(text))
            for entry in self.entries
            for text in (entry.title, *entry.also_known_as)
        ]
        self.off_topic = (off_topic if off_topic is not None else load_off_topic()).without(topics)
        documents = [
            {
                "title": [content_stems(entry.title)],
                "also_known_as": [content_stems(phrase) for phrase in entry.also_known_as],
                "summary": [content_stems(entry.summary)],
                "details": [content_stems(entry.details)],
            }
            for entry in self.entries
        ]
        self.index = FieldIndex.build(documents, FIELD_WEIGHTS, FIELD_CREDIT)
        self.max_idf = max(self.index.idf.values(), default=1.0)
        surface: dict[str, int] = defaultdict(int)
        for entry in self.entries:
            text = " ".join([entry.title, *entry.also_known_as, entry.summary, entry.details])
            for word in set(words(text)):
                if is_content(word) and word.isalpha():
                    surface[word] += 1
        for word in self.synonyms.surface:
            if is_content(word) and word.isalpha():
                surface.setdefault(word, 0)
        self._surface = dict(surface)
        # Misspelt little words ("hapens", "becuase") should be recognised and dropped,
        # not counted as words the offer has never heard of.
        self.spelling = SpellingFixer({**{word: 0 for word in STOPWORDS}, **self._surface})
        self.ask_pa = ask_pa or self._default_ask_pa()
        self._names = {
            tuple(content_stems(text))
            for entry in self.entries
            for text in (entry.title, *entry.also_known_as)
        }
        self._title_terms = {term for entry in self.entries for term in content_stems(entry.title)}
        self._open_cache: dict[int | None, np.ndarray] = {}
        self._translated_searches: dict[str, TranslatedSearch | None] = {}
        # The council's words for searching in Arabic and Pashto are checked now, so a
        # mistake in them stops Heard at start; the search itself is built on first use.
        ids = [entry.id for entry in self.entries]
        self._search_words: dict[str, SearchWords] = {
            language: load_search_words(language, ids)
            for language in TRANSLATED_LANGUAGES
            if offer.translations.get(language)
        }
        self.meaning: EntryMeaning | None = (
            load_meaning(self.entries) if meaning is _DEFAULT else meaning  # type: ignore[assignment]
        )

    def _default_ask_pa(self) -> str:
        return ask_pa_words(self.offer, load_offer_words(DEFAULT))[1]

    # -- reading the question -------------------------------------------------

    def correct(self, word: str) -> str | None:
        """The offer word a misspelling most likely meant, or None if unsure."""
        return self.spelling.fix(word)

    def _known(self, word: str) -> bool:
        return word in STOPWORDS or word in self._surface or stem(word) in self.index.idf

    def _units(self, text: str) -> list[_Unit]:
        typed_words = words(text)
        marked = self.off_topic.mark(typed_words)
        tokens = []
        for word, off_topic in zip(typed_words, marked, strict=True):
            if not off_topic and not self._known(word) and not word.isdigit():
                word = self.correct(word) or word
            tokens.append(word)
        units = []
        position = 0
        for typed, replacement in self.synonyms.rewrite(tokens):
            size = len(typed.split())
            off_topic = any(marked[position : position + size])
            position += size
            read_as = [word for word in replacement if is_content(word)]
            if not read_as:
                continue
            terms = [stem(word) for word in read_as]
            known = [term for term in terms if term in self.index.idf]
            units.append(_Unit(typed, read_as, terms, known, off_topic))
        return units

    def _clauses(self, text: str) -> list[list[_Unit]]:
        clauses: list[list[_Unit]] = []
        pending: list[_Unit] = []
        for piece in _CLAUSE_SPLIT.split(text):
            units = self._units(piece)
            if any(
                self.index.idf[term] >= CLAUSE_IDF
                for unit in units
                for term in unit.known
                if not term.isdigit()
            ) and not (clauses and self._tail(piece, units)):
                clauses.append(pending + units)
                pending = []
            elif clauses:
                clauses[-1].extend(units)
            else:
                pending.extend(units)
        if pending:
            if clauses:
                clauses[-1].extend(pending)
            else:
                clauses.append(pending)
        return clauses

    def _tail(self, piece: str, units: list[_Unit]) -> bool:
        """A one-word afterthought ("... to uni and back") rather than a second question.

        A piece of one word starts a clause of its own only if the word is in an
        entry's title ("... and housing") or is the whole of an also_known_as.
        """
        if len(words(piece)) != 1 or len(units) != 1:
            return False
        terms = tuple(units[0].terms)
        return terms not in self._names and not set(terms) & self._title_terms

    # -- ranking -------------------------------------------------------------------

    def _rank(
        self, units: list[_Unit], age: int | None
    ) -> tuple[list[tuple[float, int]], dict[int, float]]:
        """The entries in order for one clause, and their BM25 scores (which decide sureness).

        The order mixes the words' score with meaning: (1 - w) * bm25 / best bm25 +
        w * cosine / best cosine, where a cosine below zero counts as zero and an entry
        the asker is too old or young for sinks (AGE_PENALTY) once, as for the words.
        """
        ranked = self._rank_words(units, age)
        raw = {number: score for score, number in ranked}
        if self.meaning is None or not ranked:
            return ranked, raw
        texts = [
            " ".join(word for unit in units for word in unit.words),
            " ".join(unit.typed for unit in units),
        ]
        cosine = np.maximum(self.meaning.similarity(texts), 0.0)
        best_cosine = float(cosine.max()) if len(cosine) else 0.0
        if best_cosine <= 0:
            return ranked, raw
        words_best = max(score for score, _ in ranked)
        words = np.zeros(len(self.entries))
        for score, number in ranked:
            words[number] = score
        # The words' score already sank what is not open at this age; an entry found by
        # meaning alone sinks the same way.
        sink = (words == 0) & ~self._open_to(age)
        meant = np.where(sink, cosine * AGE_PENALTY, cosine) / best_cosine
        mixed = (1 - MEANING_WEIGHT) * words / words_best + MEANING_WEIGHT * meant
        order = np.argsort(-mixed, kind="stable")  # ties: the offer's order, as for words
        fused = [(float(mixed[number]), int(number)) for number in order if mixed[number] > 0]
        return fused, raw

    def _open_to(self, age: int | None) -> np.ndarray:
        """Which entries are open at this age (True) rather than ended or not yet due."""
        found = self._open_cache.get(age)
        if found is None:
            found = np.array(
                [entry.who_can_get_it.age_status(age) == "available" for entry in self.entries],
                dtype=bool,
            )
            self._open_cache[age] = found
        return found

    def _rank_words(self, units: list[_Unit], age: int | None) -> list[tuple[float, int]]:
        sequence: list[tuple[str, float]] = []
        weights = self._unit_weights(units)
        for unit, weight in zip(units, weights, strict=True):
            # A slang word expanded into three offer words still counts as one word.
            share = weight * unit.typed_words / len(unit.terms)
            sequence += [(term, share) for term in unit.terms]
        scores = self.index.score(weighted_query(sequence))
        return ranked_entries(
            scores, self._open_to(age), lambda number: self._coverage(units, number)
        )

    def _unit_weights(self, units: list[_Unit]) -> list[float]:
        """Roles (PA, social worker) count for less when something else is asked about."""
        asked = any(not unit.is_role and not unit.is_number and unit.known for unit in units)
        return [ROLE_WEIGHT if asked and unit.is_role else 1.0 for unit in units]

    def _coverage(self, units: list[_Unit], number: int) -> float:
        """How much of the question's meaning an entry explains, weighted by rarity.

        A word in the title or also_known_as counts fully, in the summary a little
        less (it may be an example in passing), in the details only a little.
        """
        credit = self.index.field_credit[number]
        # Numbers are usually ages or amounts, not what is asked about.
        counted = [
            (unit, role_weight)
            for unit, role_weight in zip(units, self._unit_weights(units), strict=True)
            if not unit.is_number
        ]
        total = matched = 0.0
        for unit, role_weight in counted:
            if unit.off_topic:
                total += OFF_TOPIC_SHARE * self.max_idf
                continue
            if not unit.known:
                total += UNKNOWN_WORD_SHARE * self.max_idf
                continue
            weight = role_weight * max(self.index.idf[term] for term in unit.known)
            total += weight
            matched += weight * max(credit.get(term, 0.0) for term in unit.known)
        return matched / total if total else 0.0

    def _sure(self, units: list[_Unit], score: float, number: int) -> bool:
        """Confident if the entry explains enough of the question and is about it."""
        if score < MIN_SCORE or self._coverage(units, number) < MIN_COVERAGE:
            return False
        credit = self.index.field_credit[number]
        if any(unit.off_topic for unit in units):
            return False
        return any(credit.get(term) == TOPIC_CREDIT for unit in units for term in unit.known)

    def ask(self, text: str, age: int | None = None) -> OfferAnswer:
        """Answer one question; `age` (or an age stated in the text) shapes the status.

        A question written in Arabic or Pashto is searched against the entries' words in
        that language (localoffer/search_translated.py), with the same discipline."""
        text = text or ""
        language = question_language(text)
        if language is not None:
            translated = self._translated(language)
            if translated is not None:
                return self._ask_translated(translated, text, age)
        if age is None:
            age = age_from_text(text)
        clauses = [units for units in self._clauses(text) if units]
        results = []
        for units in clauses:
            ranked, words_score = self._rank(units, age)
            sure = bool(ranked) and self._sure(
                units, words_score.get(ranked[0][1], 0.0), ranked[0][1]
            )
            results.append((sure, ranked))
        understood = [word for units in clauses for unit in units for word in unit.words]
        return self._reply(text, age, results, understood)

    def _translated(self, language: str) -> TranslatedSearch | None:
        """The offer's search in `language`, built on first use (None: nothing translated)."""
        if language not in self._translated_searches:
            words = self._search_words.get(language)
            found = TranslatedSearch(self.offer, language, words) if words else None
            self._translated_searches[language] = found if found and found.ready else None
        return self._translated_searches[language]

    def _ask_translated(
        self, translated: TranslatedSearch, text: str, age: int | None
    ) -> OfferAnswer:
        if age is None:
            age = translated_age(text)
        units = translated.units(text)
        ranked = translated.rank(units, list(self._open_to(age))) if units else []
        sure = translated.sure(units, ranked)
        understood = [term for unit in units for term in unit.known]
        answer = self._reply(text, age, [(sure, ranked)], understood)
        return replace(answer, language=translated.language)

    def _reply(
        self,
        text: str,
        age: int | None,
        results: list[tuple[bool, list[tuple[float, int]]]],
        understood: list[str],
    ) -> OfferAnswer:
        confident = any(sure for sure, _ in results)
        # Confident clauses lead; within them, the order the asker wrote.
        ordered = [ranked for sure, ranked in results if sure] + [
            ranked for sure, ranked in results if not sure
        ]
        picked: list[tuple[float, int]] = []
        seen: set[int] = set()
        depth = 0
        while len(picked) < SHOWN and any(depth < len(ranked) for ranked in ordered):
            for ranked in ordered:
                if depth < len(ranked) and ranked[depth][1] not in seen and len(picked) < SHOWN:
                    picked.append(ranked[depth])
                    seen.add(ranked[depth][1])
            depth += 1
        statuses = [self.entries[number].who_can_get_it.age_status(age) for _, number in picked]
        open_now = [
            self.entries[number]
            for (_, number), status in zip(picked, statuses, strict=True)
            if status == "available"
        ]
        answers = [
            self._answer(number, score, age, open_now[0] if open_now else None)
            for score, number in picked
        ]
        suggested = [] if confident else self._suggest_areas(results)
        return OfferAnswer(
            query=text,
            age=age,
            answers=answers,
            confident=confident,
            suggested_areas=suggested,
            understood=understood,
            ask_pa=self.ask_pa,
            offer=self.offer,
        )

    def _answer(
        self, number: int, score: float, age: int | None, instead: OfferEntry | None
    ) -> ScoredAnswer:
        """An entry with its status for this age; if it has ended, what is open instead."""
        entry = self.entries[number]
        status = entry.who_can_get_it.age_status(age)
        if status != "ended":
            instead = None
        note = plain(status_note(load_offer_words(DEFAULT), entry, status, age, instead))
        return ScoredAnswer(entry, score, status, note, instead)

    def _suggest_areas(self, results: list[tuple[bool, list[tuple[float, int]]]]) -> list[str]:
        totals: dict[str, float] = defaultdict(float)
        for _, ranked in results:
            for score, number in ranked[:8]:
                totals[self.entries[number].area] += score
        if not totals:
            return [area for area in AREAS if area in set(self.offer.areas())]
        best = sorted(totals, key=lambda area: (-totals[area], AREAS.index(area)))
        return best[:3]
