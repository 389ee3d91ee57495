"""Turning the engine's Prompt and Reply into what the public templates show.

The engine speaks in plain chat text; the web shows the same words as pages.
Keeping that translation here means the survey form and the web chat can never
drift apart in how they read a prompt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from surveys.engine import Prompt, Reply
from surveys.scales import PREFER_NOT_TO_SAY

PHONE_NUMBER = re.compile(r"\b(999|116 ?123|0800 ?1111|0\d{3,4} ?\d{3} ?\d{3,4})\b")
_BULLET = re.compile(r"^\s*[•\-*]\s+")


@dataclass(frozen=True)
class PromptView:
    """A prompt with the layout a page needs: which inputs, which words go where."""

    prompt: Prompt
    layout: str  # confirm | text | faces | scale | list
    intro: tuple[str, ...]
    legend: str
    selected: frozenset[str]

    @property
    def input_type(self) -> str:
        return "checkbox" if self.prompt.multiple else "radio"

    @property
    def is_question(self) -> bool:
        return self.prompt.is_question


def prompt_view(prompt: Prompt) -> PromptView:
    parts = [part.strip() for part in prompt.text.split("\n\n") if part.strip()]
    legend = parts[-1] if parts else prompt.text
    intro = tuple(parts[:-1])
    current = prompt.current_answer
    selected = frozenset([current] if isinstance(current, str) else current or [])
    if prompt.type == "confirm":
        layout = "confirm"
    elif prompt.type == "text":
        layout = "text"
    elif prompt.type == "scale0_10":
        layout = "scale"
    else:
        counted = [c for c in prompt.choices if c.value != PREFER_NOT_TO_SAY]
        layout = "faces" if counted and all(c.emoji for c in counted) else "list"
    return PromptView(prompt, layout, intro, legend, selected)


@dataclass(frozen=True)
class ReplyView:
    """A reply split into what must stand out (safeguarding help, problems) and the rest."""

    alert: str | None
    alert_urgent: bool
    errors: tuple[str, ...]
    notes: tuple[str, ...]
    alert_id: int | None = None


def reply_view(reply: Reply) -> ReplyView:
    messages = list(reply.messages)
    alert = messages.pop(0) if reply.alert_id is not None and messages else None
    alert_id = reply.alert_id if alert else None
    if reply.accepted or reply.state != "active":
        return ReplyView(alert, reply.alert_urgent, (), tuple(messages), alert_id)
    return ReplyView(alert, reply.alert_urgent, tuple(messages), (), alert_id)


def message_html(text: str) -> Markup:
    """Engine text as HTML: paragraphs, bullet lists, and tappable phone numbers."""
    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        run: list[str] = []
        in_list = False
        for line in [line for line in paragraph.splitlines() if line.strip()]:
            bullet = bool(_BULLET.match(line))
            if run and bullet != in_list:
                blocks.append(html_block(run, in_list))
                run = []
            in_list = bullet
            run.append(_linked(_BULLET.sub("", line)))
        if run:
            blocks.append(html_block(run, in_list))
    return Markup("".join(blocks))


def html_block(lines: list[str], as_list: bool) -> str:
    """Lines of a message already made safe as HTML: a list if they were "- " lines, else
    one paragraph with line breaks (the web chat's and the offer reply's shared shape)."""
    if as_list:
        return "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>"
    return "<p>" + "<br>".join(lines) + "</p>"


def _linked(line: str) -> str:
    escaped = str(escape(line.strip()))
    return PHONE_NUMBER.sub(
        # dir="ltr": a number reads left to right on a right-to-left page too ("0800 1111",
        # never "1111 0800"), whatever words (engine messages, translations) it sits in
        lambda m: f'<a href="tel:{m.group(1).replace(" ", "")}" dir="ltr">{m.group(1)}</a>',
        escaped,
    )
