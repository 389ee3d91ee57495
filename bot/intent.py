"""Whether a typed message asks for no more messages (like /stop), before the engine sees it.

A pure function over the phrases in texts.yaml, so it is tested without Telegram. Whether
a message is a question of the person's own (for the local offer) is the engine's word
matching's to say: `surveys.matching.is_a_question`, the same rule in every channel.
"""

from __future__ import annotations

import re

_POLITE = re.compile(r"^(?:please|pls|plz|ok|okay|just|can you|can u)\s+|\s+(?:please|pls|plz)$")
_EDGES = "!?.,;:'\"()[]{}~*_ "


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
