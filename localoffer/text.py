"""Turning what young people type into search terms: words, stems, slang and stopwords.

Kept apart from the ranking so the same rules apply to the offer's text and to
questions, and so a council can read exactly what the search does with words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from storage.datafiles import DataFileError, line_of, load_yaml

SYNONYMS_FILE = Path(__file__).parent / "synonyms.yaml"
OFF_TOPIC_FILE = Path(__file__).parent / "off_topic.yaml"

# Contractions whose apostrophe-free form would collide with a real word.
_CONTRACTIONS = {"i'd": "i would", "i'll": "i will", "we'll": "we will", "she'll": "she will"}
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_WORD_RE = re.compile(r"[a-z0-9]+")
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}\b)")

# Words that carry no meaning for finding an entry: grammar, question words,
# everyday verbs and text-speak. Domain words (home, care, stay, money, own,
# old, back, say) are deliberately not here.
STOPWORDS = frozenset(
    """
    a about above after again against all already also always am an and another any anymore
    anyone anything are arent as ask asked asking at be because been before being below
    between both but by can cant could couldnt did didnt do does doesnt doing done dont down
    during each either else even ever every everything few for from further get gets getting
    give given giving go goes going gone got gotten had hadnt has hasnt have havent having he
    hed her here hers herself him himself his how i if in into is isnt it its itself just
    know knows let lets like lot lots loads may me mean means might mine more most much must
    my myself need needed needs never next no nor not nothing now of off ok okay on once only
    or other others our ours ourselves out over please pls plz probably proper quite
    rather really said same shall she should shouldnt so some someone somebody something
    sometimes somewhere soon still stuff such sure tell telling than thank thanks thats the
    their theirs them themselves then there theres these they theyre thing things think this
    those though tho through to too told under until up upon us very want wanted wanting wants
    was wasnt way we well went were werent what whats when whens where wheres whether which
    while who whos whom whose why will with within without wont would wouldnt yeah yes yet you
    youd youll your youre yours yourself yourselves ive im hes shes weve theyve
    wat wot wht wats wots wen hw cn cud wud shud r u ur ya yh yea bout abt cos coz cuz bc
    gonna wanna gotta kinda sorta lol lmao omg idk tbh af rn ngl innit init bruh hi hello hey
    hiya cheers ta thx sup alright allowed able happen happens happened happening time times
    day days week weeks month months year years today tomorrow anyway basically actually
    literally seriously every even also feel feeling felt use using used new bit sort kind
    possible someones anyones make makes making made see seen saw am maybe else one ones
    help helps helped helping since little big lot quite different
    girlfriend boyfriend gf bf missus good morning evening afternoon night till til
    monday tuesday wednesday thursday friday saturday sunday weekend
    keep keeps keeping kept come comes coming came
    """.split()  # noqa: SIM905 - a word list reads better as text
)


# The people who help. In "can my PA help me find a flat" the PA is who helps,
# the flat is what is asked about; so these count for less when a question has
# other words (but fully in "whats a PA").
ROLE_PHRASES = frozenset(
    (
        "pa", "p a", "sw", "social worker", "social workers", "soc worker", "socialworker",
        "personal adviser", "personal advisor", "personal advisors", "adviser", "advisor",
        "iro", "leaving care worker", "worker",
    )
)  # fmt: skip


def words(text: str) -> list[str]:
    """Lower-case words with apostrophes dropped ("i'm" -> "im"), numbers kept."""
    text = text.lower().translate(_APOSTROPHES)
    for short, long in _CONTRACTIONS.items():
        text = text.replace(short, long)
    text = _THOUSANDS_RE.sub("", text.replace("'", ""))
    return _WORD_RE.findall(text)


def is_content(word: str) -> bool:
    """A word worth searching for: not a stopword, a single letter or a single digit."""
    return len(word) > 1 and word not in STOPWORDS and stem(word) not in STOPWORDS


# Words the suffix stripper would wrongly merge with another word's family:
# "care" strips to "car", "training" to "train" and "missing" to "miss".
_STEM_EXCEPTIONS = {
    "car": "motorcar",
    "cars": "motorcar",
    "train": "rail",
    "trains": "rail",
    "missing": "missing",
}


def stem(word: str) -> str:
    """A light suffix stripper so flats/flat, staying/stay and lodgings/lodge meet."""
    if word in _STEM_EXCEPTIONS:
        return _STEM_EXCEPTIONS[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            elif word.endswith("ick") and len(word) >= 6:
                word = word[:-1]  # panicking/panic, trafficked/traffic (not kicking/kick)
            break
    if word.endswith("ness") and len(word) > 6:
        word = word[:-4]
    elif word.endswith("tion") and len(word) > 6:
        word = word[:-3]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def content_stems(text: str) -> list[str]:
    """The searchable terms of a piece of offer text, in order."""
    return [stem(word) for word in words(text) if is_content(word)]


class SynonymTable:
    """Phrases young people write mapped to the words the offer uses; longest match wins."""

    def __init__(
        self, phrases: dict[tuple[str, ...], tuple[str, ...]], surface: Iterable[str] = ()
    ) -> None:
        self.phrases = dict(phrases)  # stemmed phrase -> words to search for instead
        self.surface = frozenset(surface)  # the phrases' words as written, for spelling
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for key in sorted(self.phrases, key=len, reverse=True):
            self._by_first.setdefault(key[0], []).append(key)

    def rewrite(self, tokens: list[str]) -> list[tuple[str, tuple[str, ...]]]:
        """Split tokens into units: (what was typed, words to search for).

        Phrases match on stems, and may have a pronoun inside, so "kicking me
        out" finds the "kicked out" line. The longest phrase wins.
        """
        stems = [stem(token) for token in tokens]
        units: list[tuple[str, tuple[str, ...]]] = []
        index = 0
        while index < len(tokens):
            for key in self._by_first.get(stems[index], ()):  # longest first
                end = _match(stems, index, key)
                if end is not None:
                    units.append((" ".join(tokens[index:end]), self.phrases[key]))
                    index = end
                    break
            else:
                units.append((tokens[index], (tokens[index],)))
                index += 1
        return units


_SKIPPABLE = frozenset(("me", "my", "him", "her", "them", "us", "you", "it", "myself", "the", "a"))


def _match(stems: list[str], start: int, key: tuple[str, ...]) -> int | None:
    """Where a phrase ends if it starts at `start`, letting pronouns sit inside it."""
    position = start
    for number, word in enumerate(key):
        if number:
            while (
                position < len(stems) and stems[position] != word and stems[position] in _SKIPPABLE
            ):
                position += 1
        if position >= len(stems) or stems[position] != word:
            return None
        position += 1
    return position


def load_synonyms(path: Path | None = None) -> SynonymTable:
    """Read the slang table; each line is `phrase: words to search for instead`."""
    path = Path(path) if path is not None else SYNONYMS_FILE
    data = load_yaml(path)
    if data is None:
        return SynonymTable({})
    if not isinstance(data, dict):
        raise DataFileError(
            path,
            "expected 'phrase: words' lines",
            line=line_of(data),
            fix="write one 'phrase: words to search for' per line",
        )
    phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
    surface: set[str] = set()
    lines = path.read_text(encoding="utf-8").splitlines()
    for raw_key, raw_value in data.items():
        key = tuple(stem(word) for word in words(str(raw_key)))
        value = tuple(words(str(raw_value))) if raw_value is not None else ()
        if not key or not value:
            line = next(
                (n for n, text in enumerate(lines, 1) if text.startswith(f"{raw_key}:")), None
            )
            raise DataFileError(
                path,
                f"the synonym {raw_key!r} needs words on both sides",
                line=line,
                item=str(raw_key),
                fix="write it as 'phrase: words to search for'",
            )
        phrases[key] = value
        surface.update(words(str(raw_key)))
    return SynonymTable(phrases, surface)


class OffTopicWords:
    """Words and phrases that say a question is about something else (off_topic.yaml)."""

    def __init__(self, phrases: Iterable[tuple[str, ...]] = ()) -> None:
        self.phrases = tuple(sorted(set(phrases), key=len, reverse=True))
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in self.phrases:
            self._by_first.setdefault(phrase[0], []).append(phrase)

    def without(self, used: Iterable[tuple[str, ...]]) -> OffTopicWords:
        """These words less any that appear inside the given phrases (the offer's own)."""
        used = list(used)
        return OffTopicWords(
            phrase for phrase in self.phrases if not any(_inside(phrase, text) for text in used)
        )

    def mark(self, tokens: list[str]) -> list[bool]:
        """For each token as typed, whether it is part of an off-topic word or phrase."""
        marked = [False] * len(tokens)
        for start, token in enumerate(tokens):
            for phrase in self._by_first.get(token, ()):
                end = start + len(phrase)
                if tuple(tokens[start:end]) == phrase:
                    marked[start:end] = [True] * len(phrase)
        return marked


def _inside(phrase: tuple[str, ...], text: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(text[start : start + size] == phrase for start in range(len(text) - size + 1))


def load_off_topic(path: Path | None = None) -> OffTopicWords:
    """Read off_topic.yaml: `group:` headings, each a list of words or phrases."""
    path = Path(path) if path is not None else OFF_TOPIC_FILE
    data = load_yaml(path)
    if data is None:
        return OffTopicWords()
    if not isinstance(data, dict):
        raise DataFileError(
            path,
            "expected 'group:' headings, each with a list of words",
            line=line_of(data),
            fix="write e.g. 'games:' and under it '  - game' lines",
        )
    phrases: list[tuple[str, ...]] = []
    for group, items in data.items():
        if not isinstance(items, list):
            raise DataFileError(
                path,
                f"the group {group!r} should be a list of words or phrases",
                line=line_of(items) or line_of(data),
                item=str(group),
                fix="put each word on its own '  - word' line under the group",
            )
        for item in items:
            phrase = tuple(words(str(item))) if isinstance(item, str | int) else ()
            if not phrase:
                raise DataFileError(
                    path,
                    f"{item!r} in {group!r} is not a word or phrase",
                    line=line_of(items),
                    item=str(group),
                    fix="write a word or phrase, e.g. '  - video game'",
                )
            phrases.append(phrase)
    return OffTopicWords(phrases)
