"""Spot a disclosure of harm in free text, so it reaches a person before Heard replies.

Pure functions over the curated lexicon (lexicon.yaml) and a small linear model
(model.py): no network, no state, so the same words always give the same answer and
a safeguarding lead can read why a message was flagged (the pattern ids, or the
model's score). Recall matters more than precision: negation and past tense lower
`urgent` to `concern` but never drop a disclosure, and the model never dismisses a
match graded urgent, nor a concern in a message that says it matters (a word of worry,
something happening now, "it is happening to me"): it adds what the lexicon missed,
raises a level, and dismisses only a concern it reads as clearly harmless or a marked joke.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from analysis.prefilter import Prefilter, alternation_matches, scannable_alone

from .lexicon import LEXICON_PATH, Level, Lexicon, Rule, english_words, load_lexicon
from .model import LinearModel, Opinion, shipped_model

log = logging.getLogger(__name__)
_APOSTROPHES = re.compile(r"['’‘`´ʼʹ′＇]")
_SENTENCES = re.compile(r"[.!?;\n\r\u2026\u3002\uff01\uff1f]+")
_TOKEN = re.compile(r"[^\W_]+")
_LEET = re.compile(r"(?<=[a-z])[013457]+(?=[a-z])")
_LEET_MAP = str.maketrans("013457", "oieast")
_RUN3 = re.compile(r"(.)\1{2,}")
_RUN2 = re.compile(r"(.)\1+")
_CONTRAST = frozenset({"but", "though", "although", "except", "however", "whereas"})
_NEGATION_WINDOW = 4


@dataclass(frozen=True)
class Disclosure:
    """What was found: the category to file it under, how urgent, why, and what fired.

    `source` is "lexicon", "model" or "lexicon+model"; `rules` lists the lexicon
    patterns that matched (e.g. "self_harm_suicide.urgent[3]"); `model_score` and
    `model_version` say what the statistical second opinion made of the message, so a
    safeguarding lead can always see why an alert was raised.
    """

    category: str
    level: Level
    categories: list[str]
    matched: list[str]
    lexicon_version: str
    flag: bool = field(default=True)
    source: str = "lexicon"
    rules: list[str] = field(default_factory=list)
    model_score: float | None = None
    model_version: str | None = None
    # True when the grading rules settled a concern (a negation or past cue, or a
    # pattern under `model_grading.keep_concern`): the model never raises it then.
    level_settled: bool = False
    # The level the lexicon gave, when the model raised it to urgent.
    raised_from: Level | None = None
    # Urgent only because the harm is said to keep happening ("he hits me again"): a
    # concern otherwise, so the model may still read it as harmless (`combine`).
    ongoing: bool = False

    @property
    def urgent(self) -> bool:
        return self.level == "urgent"

    @property
    def detected_by(self) -> str:
        """One line for the alert row (at most 200 characters): the rules and/or the model."""
        parts = []
        if self.rules:
            parts.append(f"lexicon {self.lexicon_version}: {', '.join(self.rules)}")
        if self.model_version is not None and "model" in self.source:
            raised = ", raised to urgent" if self.raised_from else ""
            parts.append(f"model {self.model_version}: {self.model_score:.2f}{raised}")
        line = "; ".join(parts) or self.source
        return line if len(line) <= 200 else line[:199] + "…"

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "detected_by": self.detected_by}


@dataclass(frozen=True)
class _Sentence:
    """One sentence as normalised words, with where each word starts and its clause."""

    text: str
    tokens: list[str]
    starts: list[int]
    clauses: list[int]

    def token_at(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1


@dataclass(frozen=True)
class _Cues:
    """Cue positions in one sentence, and each clause's character range."""

    past: list[tuple[int, int]]
    current: list[tuple[int, int]]
    clause_bounds: dict[int, tuple[int, int]]


@dataclass(frozen=True)
class _Hit:
    category: str
    level: Level
    phrase: str
    sentence: int
    span: tuple[int, int]
    rule: str
    lowered: bool = False
    # Urgent only because the harm is said to keep happening (cues.ongoing).
    ongoing: bool = False

    def overlaps(self, other: _Hit) -> bool:
        return (
            self.sentence == other.sentence
            and self.span[0] < other.span[1]
            and other.span[0] < self.span[1]
        )


class Detector:
    """Runs one compiled lexicon; build once and reuse, as word clean-up is cached.

    ``prefilter`` (on by default) runs a rule's patterns on a sentence only if the
    sentence contains the literal text they need (analysis/prefilter.py); the output
    is the same without it, only slower (tests/test_safeguarding_prefilter.py). It
    costs about 1.5 s when the detector is built (every pattern compiled and read alone).
    """

    def __init__(self, lexicon: Lexicon, *, prefilter: bool = True) -> None:
        self.lexicon = lexicon
        self._known = lexicon.vocabulary | frozenset(lexicon.tokens)
        self._never_correct = lexicon.fuzzy.keep | english_words()
        by_initial: dict[str, list[str]] = {}
        for word in lexicon.fuzzy.words:
            by_initial.setdefault(word[0], []).append(word)
        self._fuzzy = by_initial
        self._word = lru_cache(maxsize=65536)(self._word_uncached)
        self._rank = {name: index for index, name in enumerate(lexicon.priority)}
        self._negation = re.compile(rf"(?:{lexicon.cues['negation'].pattern})$")
        # With the prefilter: every rule's patterns compiled alone and numbered, rule
        # by rule in order, and one Prefilter saying which a sentence may match. A rule
        # whose patterns cannot be run alone (a backreference, an empty match) has
        # None in `_branches` and its alternation always runs.
        self._prefilter: Prefilter | None = None
        self._branches: list[tuple[re.Pattern[str], ...] | None] = []
        self._numbered: list[re.Pattern[str]] = []
        self._rule_of: list[int] = []
        if prefilter:
            for number, rule in enumerate(lexicon.rules):
                try:
                    branches = rule.branches()
                except re.error:  # a backreference to a group numbered in the alternation
                    branches = ()
                if len(branches) != len(rule.ids) or not all(map(scannable_alone, branches)):
                    self._branches.append(None)
                    continue
                self._branches.append(branches)
                self._numbered.extend(branches)
                self._rule_of.extend([number] * len(branches))
            self._prefilter = Prefilter(self._numbered)

    # --- normalising ---------------------------------------------------------
    def _correct(self, word: str) -> str:
        """Read a misspelt long word as the lexicon word it is one or two edits from."""
        fuzzy = self.lexicon.fuzzy
        if len(word) < fuzzy.min_length or not (word.isascii() and word.isalpha()):
            return word
        if word in self._never_correct:
            return word
        candidates = self._fuzzy.get(word[0])
        if not candidates:
            return word
        limit = (
            fuzzy.max_distance_long if len(word) >= fuzzy.long_from else fuzzy.max_distance_short
        )
        best = process.extractOne(word, candidates, scorer=OSA.distance, score_cutoff=limit)
        return best[0] if best else word

    def _word_uncached(self, word: str) -> tuple[str, ...]:
        tokens = self.lexicon.tokens
        if word.isascii() and not word.isalpha() and not word.isdigit():
            word = _LEET.sub(lambda m: m.group(0).translate(_LEET_MAP), word)
        if word in tokens:
            return tokens[word]
        if _RUN3.search(word):
            word = _RUN3.sub(r"\1\1", word)
            if word not in self._known:
                single = _RUN2.sub(r"\1", word)
                if single in self._known:
                    word = single
            if word in tokens:
                return tokens[word]
        if word in self._known:
            return (word,)
        if word.endswith("in") and word + "g" in self._known:
            return (word + "g",)
        return (self._correct(word),)

    def _clause_words(self, chunk: str) -> list[str]:
        words: list[str] = []
        for raw in _TOKEN.findall(chunk):
            words.extend(self._word(raw))
        # "2" means "to" after a verb ("want 2 die") but stays a number before nouns.
        for index in range(1, len(words)):
            if words[index] == "2" and words[index - 1] in {"want", "going", "need", "got", "have"}:
                words[index] = "to"
        text = " ".join(words)
        for pattern, replacement in self.lexicon.replacements:
            text = pattern.sub(replacement, text)
        return text.split()

    def sentences(self, text: str) -> list[_Sentence]:
        """The message as normalised sentences; exposed for tests and the benchmark."""
        text = unicodedata.normalize("NFKC", text).casefold()
        for symbol, word in self.lexicon.emoji.items():
            if symbol in text:
                text = text.replace(symbol, f" {word} ")
        text = _APOSTROPHES.sub("", text)
        result = []
        for part in _SENTENCES.split(text):
            tokens: list[str] = []
            clauses: list[int] = []
            clause = 0
            for chunk in part.split(","):
                clause += 1
                for word in self._clause_words(chunk):
                    if word in _CONTRAST:
                        clause += 1
                    tokens.append(word)
                    clauses.append(clause)
            if not tokens:
                continue
            starts, offset = [], 0
            for word in tokens:
                starts.append(offset)
                offset += len(word) + 1
            result.append(_Sentence(" ".join(tokens), tokens, starts, clauses))
        return result

    # --- matching ------------------------------------------------------------
    def _cues(self, sentence: _Sentence) -> _Cues:
        """Where the past and 'still/again' cues are, found once per sentence."""
        cues = self.lexicon.cues
        bounds: dict[int, tuple[int, int]] = {}
        for index, clause in enumerate(sentence.clauses):
            first, _ = bounds.get(clause, (sentence.starts[index], 0))
            bounds[clause] = (first, sentence.starts[index] + len(sentence.tokens[index]))
        return _Cues(
            past=[m.span() for m in cues["past"].finditer(sentence.text)],
            current=[m.span() for m in cues["current"].finditer(sentence.text)],
            clause_bounds=bounds,
        )

    @staticmethod
    def _in_clause(
        sentence: _Sentence, found: _Cues, span: tuple[int, int], cues: list[tuple[int, int]]
    ) -> bool:
        """Whether a cue lies in the clause of the match at `span`, outside the match (a
        pattern that names the repetition itself, "flinches every time ...", is a sign)."""
        if not cues:
            return False
        clause_start, clause_end = found.clause_bounds[sentence.clauses[sentence.token_at(span[0])]]
        return any(
            clause_start <= c[0] and c[1] <= clause_end and (c[1] <= span[0] or c[0] >= span[1])
            for c in cues
        )

    def _level(
        self, base: Level, sentence: _Sentence, found: _Cues, span: tuple[int, int], now: bool
    ) -> tuple[Level, bool]:
        """Negation or past tense lowers urgent to concern; a 'now' cue raises concern.

        Also says whether a cue lowered it, so a promotion never raises it again.
        """
        first = sentence.token_at(span[0])
        clause = sentence.clauses[first]
        low = first
        while low > 0 and first - low < _NEGATION_WINDOW and sentence.clauses[low - 1] == clause:
            low -= 1
        window = " ".join(sentence.tokens[low:first])
        negated = bool(window) and bool(self._negation.search(window))
        outside = [c for c in found.current if c[1] <= span[0] or c[0] >= span[1]]
        clause_start, clause_end = found.clause_bounds[clause]
        past = not outside and any(
            (p[1] <= span[0] or p[0] >= span[1]) and clause_start <= p[0] and p[1] <= clause_end
            for p in found.past
        )
        if negated or past:
            return "concern", True
        if now:
            return "urgent", False
        return base, False

    def _rule_matches(self, text: str) -> Iterator[tuple[Rule, Iterator[re.Match[str]]]]:
        """Each rule with what `rule.regex.finditer(text)` gives: without the prefilter
        that; with it, from only the rule's patterns whose literals `text` contains
        (the same matches), and nothing from a rule none of whose patterns it may match."""
        rules = self.lexicon.rules
        if self._prefilter is None:
            for rule in rules:
                yield rule, rule.regex.finditer(text)
            return
        chosen: dict[int, list[re.Pattern[str]]] = {}
        for index in sorted(self._prefilter.possible(text)):  # in each rule's own order
            chosen.setdefault(self._rule_of[index], []).append(self._numbered[index])
        for number, rule in enumerate(rules):
            branches = self._branches[number]
            if branches is None or len(chosen.get(number, ())) == len(branches):
                yield rule, rule.regex.finditer(text)
            elif number in chosen:
                yield rule, alternation_matches(chosen[number], text)

    def hits(self, text: str) -> list[_Hit]:
        """Every lexicon match in the text, with its level after the cues are applied."""
        sentences = self.sentences(text)
        lexicon = self.lexicon
        now = any(lexicon.cues["now"].search(s.text) for s in sentences)
        # Repetition does not make a joke urgent ("he hits me every time we play fifa lol").
        joking = "ongoing" in lexicon.cues and self.marked_as_joke(text)
        found: list[_Hit] = []
        for number, sentence in enumerate(sentences):
            masks = (
                [m.span() for m in lexicon.not_risky.finditer(sentence.text)]
                if lexicon.not_risky
                else []
            )
            found_cues = self._cues(sentence)
            ongoing_cue = None if joking else lexicon.cues.get("ongoing")
            ongoing = [m.span() for m in ongoing_cue.finditer(sentence.text)] if ongoing_cue else []
            story = self._story_span(sentence.text)
            back = lexicon.cues.get("frame_end")
            returns = [m.start() for m in back.finditer(sentence.text)] if back else []
            for rule, matches in self._rule_matches(sentence.text):
                for match in matches:
                    start, end = match.span()
                    if start == end or self._masked(sentence.text, (start, end), masks, returns):
                        continue
                    if story[0] <= start and end <= story[1]:
                        continue
                    stop = lexicon.doer_stops.get(rule.category)
                    if stop is not None and stop.someone_else(sentence.text, (start, end)):
                        continue  # "my carer said my dad hits me": the dad's harm
                    level, lowered = self._level(
                        rule.level, sentence, found_cues, (start, end), now
                    )
                    # Harm that keeps happening ("he hit me again") is ongoing abuse.
                    repeats = (
                        level == "concern"
                        and not lowered
                        and rule.category in lexicon.ongoing_urgent
                        and (
                            self._in_clause(sentence, found_cues, (start, end), ongoing)
                            or self._habitual(sentence.text, (start, end), joking)
                        )
                    )
                    hit = _Hit(
                        rule.category,
                        "urgent" if repeats else level,
                        match.group(0),
                        number,
                        (start, end),
                        rule.rule_id(match),
                        lowered,
                        ongoing=repeats,
                    )
                    found.append(hit)
                    found.extend(self._promote(hit, sentence))
        return found

    def _habitual(self, text: str, span: tuple[int, int], joking: bool) -> bool:
        """Whether the match itself says the harm goes on ("he hits me", "hes hurting
        me"): the present simple and progressive are habitual, so the abuse is ongoing.

        The cue is read from the match's start in its sentence, so it can look at the
        words either side ("it hurts me" is a feeling, "pushing me for pics" pressure).
        """
        cue = self.lexicon.cues.get("habitual")
        if joking or cue is None:
            return False
        found = cue.search(text, span[0])
        return found is not None and found.start() < span[1]

    def _masked(
        self, text: str, span: tuple[int, int], masks: list[tuple[int, int]], returns: list[int]
    ) -> bool:
        """Whether a match overlaps a known look-alike (`not_risky`) and stays inside it.

        A match that runs on past the look-alike to the child themselves is not masked:
        past the point where they come back to themselves (`cues.frame_end`: "we talked
        about grooming in pshe and i think it is happening to me"), or to where they say
        it is them (`cues.it_is_me`: "we had a workshop on county lines and im in it").
        """
        start, end = span
        mine = self.lexicon.cues.get("it_is_me")
        for mask_start, mask_end in masks:
            if start < mask_end and mask_start < end:
                if any(mask_end <= at < end for at in returns):
                    continue
                if mine is not None and end > mask_end and mine.search(text, mask_end, end):
                    continue
                return True
        return False

    def _story_span(self, text: str) -> tuple[int, int]:
        """The part of a sentence that is about a story, film, game or lesson, whose
        matches are the story's, not the child's; (0, -1) when there is none.

        A story named first (`cues.frame`: "a film about a girl who goes missing")
        covers what follows; one named after (`cues.frame_after`: "... in a book we
        read") covers what comes before. Either way it stops where the child comes back
        to themselves (`cues.frame_end`: "... and my carer hits me"), so a disclosure
        beside a story is never dropped with it.
        """
        cues = self.lexicon.cues
        frame, after, back = cues.get("frame"), cues.get("frame_after"), cues.get("frame_end")
        framed = frame.search(text) if frame else None
        if framed:
            stop = back.search(text, framed.end()) if back else None
            return framed.start(), stop.start() if stop else len(text)
        told = after.search(text) if after else None
        if told:
            since = [m.end() for m in back.finditer(text, 0, told.start())] if back else []
            return max(since, default=0), told.start()
        return 0, -1

    def _promote(self, hit: _Hit, sentence: _Sentence) -> list[_Hit]:
        """'My foster carer ... hits me' is also an allegation; 'at school' makes it bullying."""
        promoted = []
        first = sentence.token_at(hit.span[0])
        last = sentence.token_at(hit.span[1] - 1)
        for index, rule in enumerate(self.lexicon.promotions, 1):
            if hit.category not in rule.sources:
                continue
            low = first
            while (
                low > 0 and first - low < rule.window and sentence.tokens[low - 1] not in _CONTRAST
            ):
                low -= 1
            start = sentence.starts[low]
            who = (rule.who_before or rule.who).search(sentence.text, start, hit.span[0])
            if who is None and rule.after:
                high = last
                limit = len(sentence.tokens) - 1
                while (
                    high < limit
                    and high - last < rule.window
                    and sentence.tokens[high + 1] not in _CONTRAST
                ):
                    high += 1
                end = sentence.starts[high] + len(sentence.tokens[high])
                who = rule.who.search(sentence.text, hit.span[1], end)
                if (
                    who
                    and rule.not_across
                    and rule.not_across.search(sentence.text, hit.span[1], who.start())
                ):
                    who = None
            if who is not None:
                span = (min(who.start(), hit.span[0]), max(who.end(), hit.span[1]))
                phrase = sentence.text[span[0] : span[1]]
                level = hit.level if hit.lowered or rule.level is None else rule.level
                repeats = hit.ongoing and (rule.level is None or rule.level == "concern")
                promoted.append(
                    _Hit(
                        rule.category,
                        level,
                        phrase,
                        hit.sentence,
                        span,
                        f"{hit.rule}+promote[{index}]",
                        hit.lowered,
                        ongoing=repeats and level == "urgent",
                    )
                )
        return promoted

    def without_look_alikes(self, text: str) -> str | None:
        """The message's normalised words with its known look-alikes taken out ("hit me
        up", "killing me lol"), or None when it has none."""
        pattern = self.lexicon.not_risky
        if pattern is None:
            return None
        sentences = [s.text for s in self.sentences(text)]
        kept = [pattern.sub(" ", sentence) for sentence in sentences]
        if kept == sentences:
            return None
        return ". ".join(" ".join(sentence.split()) for sentence in kept)

    def says_it_matters(self, text: str) -> bool:
        """Anywhere in the message, a word of worry or a plea for help, something
        happening now, or the writer saying it is happening to them: a concern in such a
        message is never dismissed by the model."""
        return self._cue_anywhere(text, "worry", "now", "it_is_me")

    def marked_as_joke(self, text: str) -> bool:
        """The writer says it is a joke ("lol", "jk") and nowhere says it worries them or
        asks for help, and nothing in it is happening now."""
        return self._cue_anywhere(text, "joke") and not self._cue_anywhere(text, "worry", "now")

    def _cue_anywhere(self, text: str, *names: str) -> bool:
        """Any of these lexicon cues in any sentence (a cue the lexicon lacks never is)."""
        cues = [self.lexicon.cues[name] for name in names if self.lexicon.cues.get(name)]
        return any(cue.search(s.text) for s in self.sentences(text) for cue in cues)

    def model_grade(self, text: str, opinion: Opinion) -> Level:
        """The level of a disclosure only the model found, by the same rules as the lexicon.

        Urgent if a "now" cue is in the message, or the category is one where a current
        disclosure is urgent (`model_grading.urgent` in the lexicon) and no past or
        negation cue says it is over, or the model's level head grades it urgent
        (`Opinion.grades_urgent`); otherwise concern.
        """
        sentences = self.sentences(text)
        cues = self.lexicon.cues
        if opinion.grades_urgent or any(cues["now"].search(s.text) for s in sentences):
            return "urgent"
        if opinion.category not in self.lexicon.model_urgent:
            return "concern"
        over = any(
            cues["past"].search(s.text) and not cues["current"].search(s.text) for s in sentences
        )
        return "concern" if over else "urgent"

    @staticmethod
    def _replaces(o: _Hit, h: _Hit, outranks: Mapping[str, frozenset[str]]) -> bool:
        """Whether `o` is the more specific reading of the words `h` matched.

        It takes `h`'s place, level and all, but only a promotion ("... at school" is
        bullying) may lower an urgent reading: a more specific pattern graded a concern
        ("an older man ... meet") does not lower "chokes him" to a concern.
        """
        if o.category == h.category or h.category not in outranks.get(o.category, ()):
            return False
        if not o.overlaps(h):
            return False
        return o.level == "urgent" or h.level == "concern" or "+promote[" in o.rule

    def detect(self, text: str) -> Disclosure | None:
        """The disclosure in `text` (most urgent level, most specific category), or None."""
        if not isinstance(text, str) or not text.strip():
            return None
        found = self.hits(text)
        if not found:
            return None
        # A more specific reading that overlaps a general one replaces it, level and all:
        # "my carer ... hits me" is an allegation (urgent), "... at school" is bullying.
        outranks = self.lexicon.outranks
        live = [h for h in found if not any(self._replaces(o, h, outranks) for o in found)] or found
        level: Level = "urgent" if any(h.level == "urgent" for h in live) else "concern"
        top = [h for h in live if h.level == level]
        keep = self.lexicon.model_keep_concern
        settled = level == "concern" and (
            any(h.lowered for h in found) or any(h.rule.split("+")[0] in keep for h in top)
        )
        primary = min(top, key=lambda h: self._rank[h.category]).category
        ordered = sorted(found, key=lambda h: (h.level != "urgent", self._rank[h.category]))
        categories = list(dict.fromkeys([primary, *(h.category for h in ordered)]))
        matched = list(
            dict.fromkeys(h.phrase for h in sorted(found, key=lambda h: (h.sentence, h.span)))
        )
        return Disclosure(
            category=primary,
            level=level,
            ongoing=level == "urgent" and all(h.ongoing for h in top),
            categories=categories,
            matched=matched,
            lexicon_version=self.lexicon.version,
            source="lexicon",
            rules=list(dict.fromkeys(h.rule for h in ordered)),
            level_settled=settled,
        )


@lru_cache(maxsize=8)
def detector(path: str = str(LEXICON_PATH)) -> Detector:
    """The shared detector for a lexicon file (the shipped one by default)."""
    return Detector(load_lexicon(path))


def detect(text: str) -> Disclosure | None:
    """A disclosure in `text`, or None: the lexicon, with the model as a second opinion.

    Never raises; thousands of messages a second. See `combine` for how the two agree.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    return combine(detector(), _model_or_none(), text)


def _model_or_none() -> LinearModel | None:
    """The shipped model, or None if its file cannot be read: the lexicon alone still
    hears a disclosure, where an exception here would lose the child's message."""
    try:
        return shipped_model()
    except (OSError, ValueError) as error:
        log.error("the safeguarding model could not be loaded (%s); using the lexicon alone", error)
        return None


def combine(lexicon: Detector, model: LinearModel | None, text: str) -> Disclosure | None:
    """The lexicon and the model together; the model speaks where the lexicon is weak.

    - a lexicon match stands: the model never dismisses one on its own. A model allowed
      to dismissed "i wish i was dead" (urgent) and a foster carer's "I am worried the
      child in my care is being groomed online" (concern). A false alarm costs a lead a
      minute; a dismissed disclosure can cost a child. The model's score is recorded.
      The one exception is a joke the writer marks as one (`Detector.marked_as_joke`):
      a match graded only a concern, in a message with "lol" or "jk" and no word of
      worry, which the model also reads as harmless (`Opinion.dismisses`), is none, as
      the grading rules say of jokes ("my sister bullies me into doing her makeup lol").
      And a match graded only a concern that the model reads as clearly harmless
      (`Opinion.clearly_harmless`, a lower bar) in a message where nothing says it
      matters (`Detector.says_it_matters`: no word of worry, nothing happening now, not
      "it is happening to me") is none: the look-alikes a phrase list cannot tell apart
      ("we did a project on homelessness in geography", "six months since i last
      went missing"); a concern the model raises to urgent is never dismissed, while one
      urgent only because the harm is said to keep happening (`Disclosure.ongoing`) may be;
    - a match graded a concern is raised to urgent when the model is confident it is
      urgent (`Opinion.raises`), unless the grading rules settled that level
      (`Disclosure.level_settled`);
    - no match, but the model's score reaches its threshold: a disclosure with the
      model's category, graded by `model_grade`, unless the message has a known
      look-alike (the lexicon's `not_risky`) and without it the model would not flag;
    - otherwise None.

    The model says nothing on messages of fewer than `min_words` words (survey answers).
    """
    found = lexicon.detect(text)
    if model is None:
        return found
    try:
        opinion = model.opinion(text)
        plain = lexicon.without_look_alikes(text) if found is None and opinion.flagged else None
        look_alike = plain is not None and not model.opinion(plain).flagged
    except Exception:  # noqa: BLE001 - whatever the model trips on, the lexicon's answer stands
        log.exception("the safeguarding model failed on a message; using the lexicon alone")
        return found
    if found is None:
        if look_alike:
            return None  # what the model heard was a known look-alike ("hit me up")
        return _model_disclosure(lexicon, text, opinion)
    raised = found.level == "concern" and opinion.raises and not found.level_settled
    concern = (found.level == "concern" or found.ongoing) and not raised
    if concern and opinion.clearly_harmless and not lexicon.says_it_matters(text):
        return None
    if concern and opinion.dismisses and lexicon.marked_as_joke(text):
        return None
    return replace(
        found,
        level="urgent" if raised else found.level,
        raised_from=found.level if raised else None,
        source="lexicon+model" if opinion.flagged or raised else "lexicon",
        model_score=round(opinion.score, 4),
        model_version=opinion.version,
    )


def model_alone(lexicon: Detector, model: LinearModel, text: str) -> Disclosure | None:
    """What the model finds with no lexicon match, graded as `combine` grades it."""
    if not isinstance(text, str) or not text.strip():
        return None
    return _model_disclosure(lexicon, text, model.opinion(text))


def _model_disclosure(lexicon: Detector, text: str, opinion: Opinion) -> Disclosure | None:
    if not opinion.flagged:
        return None
    return Disclosure(
        category=opinion.category,
        level=lexicon.model_grade(text, opinion),
        categories=[opinion.category],
        matched=[],
        lexicon_version=lexicon.lexicon.version,
        source="model",
        rules=[],
        model_score=round(opinion.score, 4),
        model_version=opinion.version,
    )


def lexicon_version() -> str:
    """The version of the shipped lexicon, to record with every alert."""
    return detector().lexicon.version


def detect_with_lexicon(text: str) -> Disclosure | None:
    """The lexicon's answer alone (the benchmark compares it with the model's)."""
    return detector().detect(text)


def detect_with_model(text: str) -> Disclosure | None:
    """The model's answer alone, graded as `combine` grades it (for the benchmark)."""
    model = shipped_model()
    return None if model is None else model_alone(detector(), model, text)
