"""What each part of the bot's handlers may count on from the others.

The handlers are split by what they answer: /commands (`bot.commands`), typed words and
media (`bot.typed_messages`) and button presses (`bot.buttons`), each a mixin that
`bot.handlers.BotHandlers` is composed from. The parts share the services and a few
helpers (who is talking, say something, show the next question), and call one another
for a handful of things (typing "stop" does what /stop does). `HandlerHost` names all
of that, so each part is type-checked against exactly what it uses, and a composed
class that forgets something can't be built. It lives here, not in `bot.handlers`, so
the parts can inherit it without importing the module that imports them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.callbacks import ButtonData, ButtonSigner
from bot.config import BotConfig
from bot.keyboards import Keyboards
from bot.services import CHANNEL, BotServices
from bot.texts import Texts
from surveys.engine import ConversationEngine, Prompt, Reply
from surveys.messages import Messages
from surveys.people import Profile

# One logger for every part, named as it was before the split, so log lines read the same.
log = logging.getLogger("bot.handlers")
T = TypeVar("T")
Context = ContextTypes.DEFAULT_TYPE
CARE_LEAVER, CARER = "care_leaver", "carer"


def update_key(update: Update, step: str = "") -> tuple[str, str]:
    """The exactly-once key: one per update, with a suffix for each later step it takes."""
    return (CHANNEL, f"{update.update_id}{'/' + step if step else ''}")


class HandlerHost(Protocol):
    """The services and helpers `BotHandlers` gives its parts, and what the parts call in
    each other. The parts inherit it; `BotHandlers` implements every member."""

    config: BotConfig
    services: BotServices
    signer: ButtonSigner

    # In the language of the update being handled (bot.language).
    @property
    def engine(self) -> ConversationEngine: ...

    @property
    def texts(self) -> Texts: ...

    @property
    def messages(self) -> Messages: ...

    # Shared helpers (bot.handlers)

    @staticmethod
    async def _db(work: Callable[..., T], *args: Any, **kwargs: Any) -> T: ...

    def _keyboards(self, update: Update) -> Keyboards: ...

    def _pseudonym(self, update: Update) -> str: ...

    @staticmethod
    async def _say(
        update: Update, context: Context, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> None: ...

    async def _show(
        self, update: Update, context: Context, reply: Reply, lead: str | None = None
    ) -> None: ...

    async def _ask_contact(
        self, update: Update, context: Context, alert_id: int | None
    ) -> None: ...

    async def _show_current(self, update: Update, context: Context, lead: str | None) -> None: ...

    async def _what_next(self, update: Update, context: Context, cohort: str | None) -> None: ...

    async def _under_16(
        self,
        update: Update,
        context: Context,
        key: tuple[str, str | int],
        lead: str | None = None,
    ) -> None: ...

    async def _show_prompt(
        self, update: Update, context: Context, prompt: Prompt, session_id: int
    ) -> None: ...

    async def _ask_who(
        self, update: Update, context: Context, intro: str | None = None
    ) -> None: ...

    async def _begin(
        self, update: Update, context: Context, key: tuple[str, str], survey_id: str | None = None
    ) -> None: ...

    async def _first_time(self, update: Update) -> bool: ...

    async def _edit(self, query: CallbackQuery, text: str) -> None: ...

    def _settings_text(self, profile: Profile) -> str: ...

    # What one part calls in another

    async def _language_button(
        self, update: Update, context: Context, query: CallbackQuery, data: ButtonData
    ) -> None: ...  # bot.language

    async def help(self, update: Update, context: Context) -> None: ...  # bot.commands

    async def _ask_offer_question(
        self, update: Update, context: Context
    ) -> None: ...  # bot.commands

    async def _stop(
        self, update: Update, context: Context, lead: str | None = None
    ) -> None: ...  # bot.commands

    async def _free_text(
        self,
        update: Update,
        context: Context,
        text: str,
        *,
        offer: str | None,
        lead: str | None = None,
    ) -> bool: ...  # bot.typed_messages
