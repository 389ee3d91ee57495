"""An alert's history, read back: one entry per thing done, and its words trimmed.

The history is `safeguarding_alerts.note`: lines of "time · who · what happened", where
what happened is an action written by Heard ("acknowledged", "assigned to ...",
"messaged them in Telegram", "reply from the young person") and, after ": ", words a
person wrote (a staff note, the lead's message, the young person's reply), which may run
over several lines. Retention keeps each entry's time, who and action, so the audit
trail stays, and takes out the words (storage.retention).

Every line is written by `line`: a person's words run on over further lines only after
CONTINUED, which no entry's first line can start with, so nothing anyone types can start
an entry of its own or change who wrote one, or when. Histories written before this kept
their further lines as typed and read back as they always did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from storage.models import ALERT_STATUSES

REMOVED = "[removed after the retention period]"

# "06 Dec 2026, 16:05 GMT · someone@council.gov.uk · closed: what was done"
_ENTRY = re.compile(
    r"^(?P<stamp>(?P<local>\d{2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2})"
    r"(?: (?P<zone>[A-Za-z0-9+\-]{1,10}))?)"
    r" · (?P<who>[^\s·]+|the young person) · (?P<what>.*)$"
)
# Put before each further line of a person's words: an entry starts with a digit (its
# time), so a line starting with this is never read as an entry (shown without it).
CONTINUED = "\t"
_WHO = re.compile(r"[^\s·]+|the young person")
# Actions Heard writes before any words; anything else before ": " may be words.
_ACTIONS = frozenset(
    (
        *ALERT_STATUSES,
        "note",  # a note added with the status left as it was
        "messaged them in Telegram",
        "reply from the young person",
        "get in touch",
    )
)
_ASSIGNED = re.compile(r"assigned to [^\s:]+")
# Heard's own lines, which hold no one's words and are kept whole.
_HEARD_LINES = (
    re.compile(r"new: reopened because [a-z ,]+"),
    re.compile(
        r"get in touch: not asked again; their answer for alert \d+ within the last day "
        r"\((?:yes, please|no, thank you)\) stands"
    ),
)
# When the zone in a stamp is not the council's (the council changed HEARD_TIMEZONE), a
# local time is at most this far from UTC: an entry is trimmed only when surely old.
_ANY_ZONE = timedelta(hours=14)


@dataclass(frozen=True)
class Entry:
    """One thing done: its first line and any further lines of the same words."""

    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        """The entry as stored (further lines of words still marked CONTINUED)."""
        return "\n".join(self.lines)

    @property
    def shown(self) -> str:
        """The entry as people read it: further lines as they were typed."""
        return "\n".join((self.lines[0], *(unmarked(more) for more in self.lines[1:])))


def unmarked(further: str) -> str:
    """A further line of a person's words as typed (older histories: as stored)."""
    return further.removeprefix(CONTINUED)


def stamp(moment: datetime, timezone: str) -> str:
    """When an entry was written, as its line starts: the council's own time to the minute
    with the zone named ("06 Dec 2026, 16:05 GMT"), as the staff pages show times, so an
    entry reads the same wherever it is read and `written_by` can date it."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%d %b %Y, %H:%M %Z")


def line(moment: datetime, timezone: str, who: str, what: str, words: str = "") -> str:
    """One entry of the history: when (`stamp`), who, what was done (Heard's own words,
    on one line) and, after ": ", any words a person wrote, which may run over several
    lines (any line break: CR, LF, U+2028, ...); each further line is marked CONTINUED
    so it can never be read as an entry of its own."""
    if not _WHO.fullmatch(who):
        raise ValueError(f"not a name for a history line: {who!r}")
    if what.splitlines() != [what] or what != what.strip():
        raise ValueError(f"not an action for a history line: {what!r}")
    first, *more = words.strip().splitlines() or [""]
    said = "".join(f"\n{CONTINUED}{further}" for further in more)
    return f"{stamp(moment, timezone)} · {who} · {what}" + (
        f": {first}{said}" if words.strip() else ""
    )


def at_most_one_entry(text: str) -> bool:
    """Whether `text` can start no entry but on its first line, as `line` writes it: any
    further lines marked CONTINUED, no line break but LF."""
    first, *more = text.split("\n")
    return text.splitlines() == [first, *more] and all(
        further.startswith(CONTINUED) for further in more
    )


def entries(note: str | None) -> list[Entry]:
    """The history, entry by entry. A line that does not start "time · who · " belongs
    to the entry above it (a note typed over several lines)."""
    found: list[list[str]] = []
    for line in (note or "").split("\n"):
        if _ENTRY.match(line) or not found:
            found.append([line])
        else:
            found[-1].append(line)
    return [Entry(tuple(lines)) for lines in found if lines != [""]]


def written_by(entry: Entry, timezone: str) -> datetime | None:
    """The latest moment the entry can have been written: its stamp is to the minute, in
    the council's time with the zone named ("GMT", "BST") or in UTC. None: no stamp."""
    match = _ENTRY.match(entry.lines[0])
    if match is None:
        return None
    try:
        local = datetime.strptime(match["local"], "%d %b %Y, %H:%M")
    except ValueError:
        return None
    zone = match["zone"]
    latest = local + timedelta(minutes=1)
    if zone in ("UTC", "Z", None):
        return latest.replace(tzinfo=UTC)
    tz = ZoneInfo(timezone)
    for fold in (0, 1):
        candidate = local.replace(tzinfo=tz, fold=fold)
        if candidate.tzname() == zone:
            return candidate.astimezone(UTC) + timedelta(minutes=1)  # fold kept
    return (latest + _ANY_ZONE).replace(tzinfo=UTC)


def without_words(entry: Entry) -> Entry:
    """The entry with its words taken out: time, who and what was done stay."""
    match = _ENTRY.match(entry.lines[0])
    if match is None:  # no stamp at all: nothing here is Heard's own
        return Entry((REMOVED,)) if entry.text != REMOVED else entry
    head = f"{match['stamp']} · {match['who']} · "
    what = match["what"]
    extra = len(entry.lines) > 1
    if (
        match["who"] == "Heard"
        and not extra
        and any(pattern.fullmatch(what) for pattern in _HEARD_LINES)
    ):
        return entry
    action, colon, words = what.partition(": ")
    if words == REMOVED and not extra:
        return entry
    if action in _ACTIONS or _ASSIGNED.fullmatch(action):
        if not colon and not extra:
            return entry
        return Entry((f"{head}{action}: {REMOVED}",))
    return Entry((f"{head}{REMOVED}",))


def trimmed(note: str | None, before: datetime, timezone: str) -> str | None:
    """The history with the words of every entry written before `before` taken out."""
    if not note:
        return note
    kept: list[str] = []
    for entry in entries(note):
        written = written_by(entry, timezone)
        if written is None or written <= before:
            entry = without_words(entry)
        kept.append(entry.text)
    return "\n".join(kept)
