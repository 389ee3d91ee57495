"""Tag free-text comments with themes from the taxonomy, and say why.

Topic, not mood: a theme is tagged when the comment talks about it, so "not
lonely anymore" is still friendship and "don't feel safe" is still
feeling_safe; the sentiment scorer deals with the negation. Only entries the
lexicon lists under ``affirmed_only`` ("mind": "never mind") stop counting when
negated, and ``except_in`` phrases ("foster mum" for family_time) and
``except_patterns`` ("drove me to school" for education_and_work) switch a theme's
evidence off inside them.

The shipped taggers (``default_tagger``) also hear a second opinion, a small
statistical model per theme (model.py, trained by benchmarks/train_theme_model.py):
it may add a theme no lexicon word found, or drop a lexicon theme it is very sure is
absent (a word mentioned in passing beside another theme; with the shipped model never
the only theme found). ``why`` says, for every theme, which did what: the lexicon's
words, the model's score. A tagger built from a council's own lexicon file
(``from_files``) runs the lexicon alone unless it is given a model.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from analysis.prefilter import Prefilter
from analysis.themes.encoder import ThemeEncoder, has_words, shipped_encoder
from analysis.themes.lexicon import (
    AUDIENCE_THEMES,
    THEME_IDS,
    Audience,
    Entry,
    Lexicon,
    audience_for_cohort,
    load_lexicon,
)
from analysis.themes.model import ThemeModel, may_veto, shipped_model, word_count
from analysis.themes.text import SPELLINGS_FILE, Token, Tokeniser, negated, stem

log = logging.getLogger(__name__)
_ORDER = {theme: n for n, theme in enumerate(THEME_IDS)}
# At most this many themes a comment, the ones the model is surest of, when it speaks.
# People who labelled comments gave more than two themes to under 1% of them (24 of
# 2,684 in dev and the training sets), while the tagger gave three or more to 3.6%,
# and those third and fourth themes were right about half the time (0.58 and 0.50).
# Keeping the two the model scores highest raised precision on the sets nobody tuned
# on (0.754 to 0.768) for a little recall (0.714 to 0.707).
MOST_THEMES = 2
BEYOND_MOST = f"beyond the {MOST_THEMES} most likely"


@dataclass(frozen=True, slots=True)
class Match:
    """One piece of evidence found in a comment (for the dashboard's "why")."""

    theme: str
    term: str  # the lexicon entry as written
    kind: str  # "word", "phrase" or "pattern"
    text: str  # the comment's own words that matched
    start: int  # character offsets in the original comment
    end: int
    negated: bool  # a negator ("not", "never", "don't") came just before


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a theme was tagged, or why a lexicon match was dropped (``tagged`` False).

    ``by`` is "lexicon" (its words found it; the model did not object), "model" (no
    lexicon word: the model's score reached the theme's ``add_from``), "lexicon and
    model" (both), or "encoder" (the encoder's score reached its bar for the theme,
    whatever the others found); for a dropped theme it is "model veto" (the lexicon's
    words were there but the model's score was under the theme's ``veto_below``),
    ``BEYOND_MOST`` (tagged, but more themes than ``MOST_THEMES`` were, and the model
    was surer of the others) or "encoder veto" (tagged by the others, but the
    encoder's score was under its ``veto_below``).
    """

    theme: str
    tagged: bool
    by: str
    words: tuple[str, ...]  # the comment's own words the lexicon matched
    score: float | None  # the model's chance the comment is about the theme
    threshold: float | None  # the bar the score was held to (add_from or veto_below)
    encoder_score: float | None = None  # the encoder's chance, when it read the comment


class ThemeTagger:
    """Built once from a lexicon; ``tag``, ``explain`` and ``why`` are then cheap and
    thread-safe. With a ``model`` its opinion adds and vetoes themes (see ``why``); with
    an ``encoder`` (encoder.py) it has the last word on what the two found.

    ``prefilter`` (on by default) skips each pattern and except_pattern on a comment
    that lacks the literal text it needs (analysis/prefilter.py); the results
    are the same without it, only slower (issue 17: the pattern searches were most of
    the lexicon's time).
    """

    def __init__(
        self,
        lexicon: Lexicon,
        model: ThemeModel | None = None,
        *,
        prefilter: bool = True,
        encoder: ThemeEncoder | None = None,
    ) -> None:
        self.lexicon = lexicon
        self.model = model
        self.encoder = encoder
        self._audience_themes = AUDIENCE_THEMES[lexicon.audience]
        # The model's rows for this audience's themes, and whether it can ever speak.
        self._rows: list[tuple[int, str]] = []
        if model is not None:
            mine = set(AUDIENCE_THEMES[lexicon.audience])
            self._rows = [(n, t) for n, t in enumerate(model.themes) if t in mine]
            active = [n for n, _ in self._rows if model.add_from[n] <= 1 or model.veto_below[n] > 0]
            if not active:
                self._rows = []
        self._row_of = {theme: n for n, theme in self._rows}
        self._row_index = np.array([n for n, _ in self._rows], dtype=np.intp)
        vocabulary = {s for e in lexicon.entries for s in e.stems}
        vocabulary.update(s for phrases in lexicon.exceptions.values() for p in phrases for s in p)
        spellings = lexicon.spellings
        self._tokeniser = Tokeniser(
            spellings, known=lambda word: word in spellings or stem(word) in vocabulary
        )
        self._index = _index(e.stems for e in lexicon.entries if e.kind != "pattern")
        self._entries = {e.stems: e for e in lexicon.entries if e.kind != "pattern"}
        patterns: dict[str, list[Entry]] = {}
        for entry in lexicon.entries:
            if entry.kind == "pattern":
                patterns.setdefault(entry.theme, []).append(entry)
        # Without the prefilter (below), one alternation per theme finds out whether
        # any of its patterns can match; only then are the patterns run one by one.
        self._patterns = [(_prefilter(group), group) for group in patterns.values()]
        self._except_index = _index(key for keys in lexicon.exceptions.values() for key in keys)
        self._except_patterns = {theme: group for theme, group in lexicon.except_patterns.items()}
        # With the prefilter: every regex numbered, patterns then except_patterns, and
        # one Prefilter saying which of them a comment may match.
        self._prefilter: Prefilter | None = None
        self._numbered_patterns: list[list[tuple[int, Entry]]] = []
        self._numbered_excepts: dict[str, list[tuple[int, re.Pattern[str]]]] = {}
        if prefilter:
            regexes: list[re.Pattern[str]] = []
            for group in patterns.values():
                numbered = []
                for entry in group:
                    assert entry.regex is not None
                    numbered.append((len(regexes), entry))
                    regexes.append(entry.regex)
                self._numbered_patterns.append(numbered)
            for theme, regex_group in lexicon.except_patterns.items():
                self._numbered_excepts[theme] = [
                    (len(regexes) + n, r) for n, r in enumerate(regex_group)
                ]
                regexes.extend(regex_group)
            self._prefilter = Prefilter(regexes)
        self._except_themes: dict[tuple[str, ...], list[str]] = {}
        for theme, keys in lexicon.exceptions.items():
            for key in keys:
                self._except_themes.setdefault(key, []).append(theme)

    @classmethod
    def from_files(
        cls,
        lexicon: str | Path | None = None,
        spellings: str | Path = SPELLINGS_FILE,
        audience: Audience = "young_people",
        model: ThemeModel | None = None,
    ) -> ThemeTagger:
        """A tagger for a council's own lexicon file (by default the shipped one for
        the audience: lexicon.yaml for young people, carers_lexicon.yaml for carers);
        the lexicon alone unless a model is given."""
        return cls(load_lexicon(lexicon, spellings, audience), model)

    @property
    def audience(self) -> Audience:
        return self.lexicon.audience

    def tag(self, text: str) -> list[str]:
        """Theme ids the comment talks about, in taxonomy order."""
        found = self._without_encoder(text)
        encoder = self.encoder
        if encoder is not None and has_words(text):
            scores = encoder.scores([self.as_encoder_reads(text)], self.audience)[0]
            kept, added = encoder.decide(scores, found, self._audience_themes)
            found = kept | added
        return sorted(found, key=_ORDER.__getitem__)

    def plain_words(self, text: str) -> str:
        """The comment as the lexicon reads it: lower case, the spellings table applied,
        elongation undone ("i miss my m8sss" -> "i miss my mates")."""
        return " ".join(token.text for token in self._tokeniser.tokens(text))

    def as_encoder_reads(self, text: str, encoder: ThemeEncoder | None = None) -> str:
        """The words `encoder` (this tagger's own unless given) learned from: plain words
        or the comment as written."""
        encoder = encoder or self.encoder
        return self.plain_words(text) if encoder and encoder.reads_plain_words else text

    def _without_encoder(self, text: str) -> set[str]:
        """What the lexicon and the linear model tag."""
        found = {m.theme for m in self._scan(text, first_only=True)}
        if self._rows:
            found = self._with_model(text, found)
        return found

    def _most_likely(self, themes: set[str], score: Callable[[str], float | None]) -> set[str]:
        """The `MOST_THEMES` the model scores highest (a theme it has no score for first)."""
        if len(themes) <= MOST_THEMES:
            return themes

        def sureness(theme: str) -> tuple[float, int]:
            chance = score(theme)
            return (-(2.0 if chance is None else chance), _ORDER[theme])

        return set(sorted(themes, key=sureness)[:MOST_THEMES])

    def _opinions(self, text: str, found: int) -> dict[str, tuple[float, bool, bool]]:
        """Theme -> (score, adds, vetoes) for this audience's themes; {} when the model
        does not speak (none, or a comment too short). `found`: how many themes the
        lexicon found (a model trained with add_when_silent adds only when none; one
        with spare_only_theme vetoes only when more than one)."""
        model = self.model
        if model is None or not self._rows or word_count(text) < model.min_words:
            return {}
        chances = model.scores(text)
        may_add = found == 0 or not model.add_when_silent
        vetoes = may_veto(found, model.spare_only_theme)
        return {
            theme: (
                float(chances[n]),
                may_add and bool(chances[n] >= model.add_from[n]),
                vetoes and bool(chances[n] < model.veto_below[n]),
            )
            for n, theme in self._rows
        }

    def _with_model(self, text: str, lexicon: set[str]) -> set[str]:
        """`tag`'s fast path: the same decisions as `_opinions`, on arrays."""
        model = self.model
        if model is None or word_count(text) < model.min_words:
            return lexicon
        chances = model.scores(text)
        rows = self._row_of

        def score(theme: str) -> float | None:
            return float(chances[rows[theme]]) if theme in rows else None

        kept = {
            t
            for t in lexicon
            if not (
                may_veto(len(lexicon), model.spare_only_theme)
                and t in rows
                and chances[rows[t]] < model.veto_below[rows[t]]
            )
        }
        if lexicon and model.add_when_silent:
            return self._most_likely(kept, score)
        mine = self._row_index
        added = np.flatnonzero(chances[mine] >= model.add_from[mine])
        return self._most_likely(kept | {self._rows[int(n)][1] for n in added}, score)

    def why(self, text: str) -> list[Reason]:
        """Every theme tagged, with its reason, then every lexicon theme the model
        dropped; in taxonomy order within each."""
        words: dict[str, list[str]] = {}
        for match in self.explain(text):
            words.setdefault(match.theme, []).append(match.text)
        opinions = self._opinions(text, found=len(words))
        model = self.model
        bars = {t: n for n, t in self._rows}
        reasons: list[Reason] = []
        for theme in sorted(set(words) | set(opinions), key=_ORDER.__getitem__):
            found = tuple(dict.fromkeys(words.get(theme, ())))
            score, adds, vetoes = opinions.get(theme, (None, False, False))
            rounded = round(score, 3) if score is not None else None
            # The bar that mattered: veto_below for the lexicon's themes (the score
            # stayed above it, or fell under it), add_from for the model's additions.
            veto_bar = add_bar = None
            if model is not None and score is not None:
                veto_bar = float(model.veto_below[bars[theme]])
                add_bar = float(model.add_from[bars[theme]])
            if found and vetoes:
                reasons.append(Reason(theme, False, "model veto", found, rounded, veto_bar))
            elif found and adds:
                reasons.append(Reason(theme, True, "lexicon and model", found, rounded, add_bar))
            elif found:
                reasons.append(Reason(theme, True, "lexicon", found, rounded, veto_bar))
            elif adds:
                reasons.append(Reason(theme, True, "model", found, rounded, add_bar))
        tagged = {r.theme for r in reasons if r.tagged}
        if opinions and len(tagged) > MOST_THEMES:
            kept = self._most_likely(tagged, lambda t: opinions[t][0] if t in opinions else None)
            reasons = [
                dataclasses.replace(r, tagged=False, by=BEYOND_MOST)
                if r.tagged and r.theme not in kept
                else r
                for r in reasons
            ]
        if self.encoder is not None and has_words(text):
            reasons = self._encoder_reasons(text, reasons)
        return sorted(reasons, key=lambda r: (not r.tagged, _ORDER[r.theme]))

    def _encoder_reasons(self, text: str, reasons: list[Reason]) -> list[Reason]:
        """`why`'s last step: the encoder's vetoes and additions (as `tag_many`)."""
        encoder = self.encoder
        assert encoder is not None
        scores = encoder.scores([self.as_encoder_reads(text)], self.audience)[0]
        chance = {t: round(float(scores[n]), 3) for n, t in enumerate(encoder.themes)}
        tagged = {r.theme for r in reasons if r.tagged}
        kept, added = encoder.decide(scores, tagged, self._audience_themes)
        out = []
        for reason in reasons:
            mine = chance.get(reason.theme)
            if reason.tagged and reason.theme not in kept:
                out.append(
                    dataclasses.replace(
                        reason,
                        tagged=False,
                        by="encoder veto",
                        threshold=encoder.veto_below,
                        encoder_score=mine,
                    )
                )
            elif reason.theme in added:
                bar = encoder.add_bar(reason.theme)
                out.append(
                    dataclasses.replace(
                        reason, tagged=True, by="encoder", threshold=bar, encoder_score=mine
                    )
                )
            else:
                out.append(dataclasses.replace(reason, encoder_score=mine))
        for theme in added - {r.theme for r in reasons}:
            out.append(
                Reason(theme, True, "encoder", (), None, encoder.add_bar(theme), chance[theme])
            )
        return out

    def explain(self, text: str) -> list[Match]:
        """The evidence that counted, in reading order; evidence nested in a longer
        match for the same theme ("worker" in "social worker") is left out."""
        found = sorted(self._scan(text, first_only=False), key=lambda m: (m.start, -m.end))
        kept: list[Match] = []
        for match in found:
            if not any(
                k.theme == match.theme and k.start <= match.start and match.end <= k.end
                for k in kept
            ):
                kept.append(match)
        return sorted(kept, key=lambda m: (m.start, _ORDER[m.theme]))

    def _scan(self, text: str, *, first_only: bool) -> list[Match]:
        tokens = self._tokeniser.tokens(text)
        if not tokens:
            return []
        stems = [stem(t.text) for t in tokens]
        spans: dict[str, list[tuple[int, int]]] = {}
        for key, i, j in _find(self._except_index, stems):
            for theme in self._except_themes[key]:
                spans.setdefault(theme, []).append((i, j))
        joined, starts = _joined(tokens)
        # The regexes that may match (all of them without the prefilter).
        possible = self._prefilter.possible(joined) if self._prefilter is not None else None
        # A theme's except_patterns are run only once it has evidence to switch off.
        pending = set(self._except_patterns)
        matches: list[Match] = []

        def keep(entry: Entry, i: int, j: int) -> None:
            if entry.theme in pending:
                pending.discard(entry.theme)
                if possible is None:
                    excepts = self._except_patterns[entry.theme]
                else:
                    excepts = tuple(
                        r for n, r in self._numbered_excepts[entry.theme] if n in possible
                    )
                for regex in excepts:
                    for hit in regex.finditer(joined):
                        a = bisect_right(starts, hit.start()) - 1
                        b = max(a + 1, bisect_left(starts, hit.end()))
                        spans.setdefault(entry.theme, []).append((a, b))
            if any(a <= i and j <= b for a, b in spans.get(entry.theme, ())):
                return
            is_negated = negated(tokens, i)
            if entry.affirmed_only and is_negated:
                return
            start, end = tokens[i].start, tokens[j - 1].end
            matches.append(
                Match(entry.theme, entry.term, entry.kind, text[start:end], start, end, is_negated)
            )

        for key, i, j in _find(self._index, stems):
            keep(self._entries[key], i, j)

        def keep_regex_hits(entry: Entry) -> None:
            assert entry.regex is not None
            for hit in entry.regex.finditer(joined):
                i = bisect_right(starts, hit.start()) - 1
                keep(entry, i, max(i + 1, bisect_left(starts, hit.end())))

        done = {m.theme for m in matches} if first_only else set()
        if possible is not None:
            for numbered in self._numbered_patterns:
                if numbered[0][1].theme in done:
                    continue
                for n, entry in numbered:
                    if n in possible:
                        keep_regex_hits(entry)
            return matches
        for combined, group in self._patterns:
            if group[0].theme in done or (combined and combined.search(joined) is None):
                continue
            for entry in group:
                keep_regex_hits(entry)
        return matches


# Whether the shipped taggers hear the theme model. On since model 2026.12-3 (2,877
# training comments, four sets more than 2026.12-2): leaving each training set out it
# beat the lexicon alone (F1 0.764 against 0.743; +0.03 to +0.06 on each of the four sets
# the lexicon never saw), and on test precision rose 0.739 to 0.788 with recall 0.866 to
# 0.852 (benchmarks/README.md, "Theme quality"). Earlier models, trained on fewer
# comments, did not beat the lexicon, and were off. Model 2026.12-5 (same comments, the
# comment's only lexicon theme never vetoed) with lexicon 3: leaving sets out F1 0.784.
SECOND_OPINION = True


@lru_cache(maxsize=8)
def default_tagger(
    audience: Audience = "young_people",
    *,
    with_model: bool = SECOND_OPINION,
    with_encoder: bool = False,
) -> ThemeTagger:
    """The tagger for the shipped lexicon of an audience; `with_model`, with the shipped
    linear model too, and `with_encoder`, the shipped encoder last (each if it can be
    read; otherwise without it, logged). The encoder is the council's choice
    (HEARD_THEME_ENCODER, off unless set; docs/operations.md, "The theme encoder", says
    what it gains and what it costs)."""
    model: ThemeModel | None = None
    if with_model:
        try:
            model = shipped_model()
        except (OSError, ValueError, KeyError) as error:
            log.error("the theme model could not be loaded (%s); using the lexicon alone", error)
    encoder = shipped_encoder() if with_encoder else None
    return ThemeTagger(load_lexicon(None, SPELLINGS_FILE, audience), model, encoder=encoder)


def tagger_for_cohort(cohort: str | None, *, with_encoder: bool = False) -> ThemeTagger:
    """Foster carers' comments get the carers' themes; everyone else's the young people's."""
    return default_tagger(audience_for_cohort(cohort), with_encoder=with_encoder)


def tag(text: str, audience: Audience = "young_people") -> list[str]:
    """Theme ids for one comment using the shipped lexicon for the audience."""
    return default_tagger(audience).tag(text)


def _prefilter(group: list[Entry]) -> re.Pattern[str] | None:
    """All of a theme's patterns as one alternation, when that cannot change their meaning.

    Capture groups would be renumbered (breaking backreferences), and some inline
    flags cannot be combined, so those themes run their patterns one by one.
    """
    if any(e.regex is None or e.regex.groups for e in group):
        return None
    try:
        return re.compile("|".join(f"(?:{e.term})" for e in group), re.IGNORECASE)
    except re.error:
        return None


def _index(keys: Iterable[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    """Stem sequences grouped by first stem, longest first."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for key in keys:
        index.setdefault(key[0], []).append(key)
    for options in index.values():
        options.sort(key=len, reverse=True)
    return index


def _find(
    index: dict[str, list[tuple[str, ...]]], stems: list[str]
) -> Iterable[tuple[tuple[str, ...], int, int]]:
    """Every (key, start, end) where a stem sequence occurs in the comment."""
    for i, first in enumerate(stems):
        for key in index.get(first, ()):
            if len(key) == 1 or tuple(stems[i : i + len(key)]) == key:
                yield key, i, i + len(key)


def _joined(tokens: list[Token]) -> tuple[str, list[int]]:
    """The normalised comment as one string for patterns, and each token's offset in it."""
    starts: list[int] = []
    position = 0
    for token in tokens:
        starts.append(position)
        position += len(token.text) + 1
    return " ".join(t.text for t in tokens), starts
