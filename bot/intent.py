"""What a typed message is for, when that decides where it goes before the engine sees it:
a request for no more messages (like /stop), or a question for the local offer.

Pure functions over the phrases in texts.yaml, so they are tested without Telegram.
"""

from __future__ import annotations

import re

_POLITE = re.compile(r"^(?:please|pls|plz|ok|okay|just|can you|can u)\s+|\s+(?:please|pls|plz)$")
_EDGES = "!?.,;:'\"()[]{}~*_ "
_LETTER = re.compile(r"[^\W\d_]")


def _plain(text: str) -> str:
    """Lower case, single spaces, no edge punctuation: 'Stop messaging me!!' -> 'stop ...'."""
    return " ".join(text.lower().split()).strip(_EDGES)


def asks_for_no_messages(text: str, phrases: tuple[str, ...]) -> bool:
    """'stop messaging me', 'pls stop texting me': the whole message is one of the phrases."""
    plain = _plain(text)
    for _ in range(3):  # "ok please stop messaging me pls"
        shorter = _POLITE.sub("", plain).strip(_EDGES)
        if shorter == plain:
            break
        plain = shorter
    return plain.replace("’", "'") in phrases


def looks_like_question(text: str, starts: tuple[str, ...]) -> bool:
    """Ends with '?' or starts like a question ('can i', 'how do i', 'what'): only then is
    an answer the engine couldn't read worth trying on the local offer."""
    if text.strip().endswith("?") and _LETTER.search(text):  # "??" is "not sure"
        return True
    plain = _plain(text).replace("’", "'")
    return any(plain == start or plain.startswith(start + " ") for start in starts)
