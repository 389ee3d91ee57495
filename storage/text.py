"""Text as every database Heard runs on can store it.

PostgreSQL refuses a NUL character in text, and a lone surrogate (which a Telegram
message or a hostile form can carry) cannot be encoded as UTF-8 at all. Anything a
person typed passes through here before it is written, so odd input is kept as close
to what they wrote as possible instead of failing the whole answer.
"""

from __future__ import annotations


def storable_text(text: str) -> str:
    """`text` without NUL characters, with each lone surrogate replaced by U+FFFD."""
    text = text.replace("\x00", "")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        text = "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)
    return text
