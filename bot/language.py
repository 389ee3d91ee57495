"""Which language the bot speaks to each person, and /language to change it.

A person's language is worked out once per update, before any handler runs (a TypeHandler
in an earlier group), and held in a context variable for that update, so every handler
reads `self.texts`, `self.engine` and `self.messages` in that language without passing it
around: the bot's own words (texts.<code>.yaml), the survey questions and the engine's
messages (`ConversationEngine.speaking`). Answers are then recorded with the language.

Where it comes from, first found wins:
1. their choice, kept on their respondent row (storage.respondent_language, migration 0013);
2. a choice made before they pressed /start (no row yet): kept in PTB's user_data until the
   row exists, then written to it;
3. the language their Telegram app is set to, if Heard speaks it;
4. English.
Erasing the person (/forgetme) deletes the row and with it the choice.
"""

from __future__ import annotations

from contextvars import ContextVar

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import callbacks as cb
from bot.callbacks import ButtonData
from bot.handler_host import Context, HandlerHost
from surveys import languages

SPEAKING: ContextVar[str] = ContextVar("heard_bot_language", default=languages.DEFAULT)
USER_DATA_KEY = "language"


def speaking() -> str:
    """The language of the update being handled."""
    return SPEAKING.get()


class LanguageHandlers(HandlerHost):
    """The per-update language, the /language command and its buttons."""

    async def _work_out_language(self, update: Update, context: Context) -> None:
        """Runs first for every update (group -1): sets SPEAKING for this update."""
        user = update.effective_user
        if user is None or user.is_bot:
            SPEAKING.set(languages.DEFAULT)
            return
        pseudonym = self._pseudonym(update)
        chosen = await self._db(self.services.chosen_language, pseudonym)
        waiting = (context.user_data or {}).get(USER_DATA_KEY)
        if chosen is None and isinstance(waiting, str) and languages.is_shipped(waiting):
            if await self._db(self.services.choose_language, pseudonym, waiting):
                context.user_data.pop(USER_DATA_KEY, None)  # type: ignore[union-attr]
            chosen = waiting
        if chosen is None or not languages.is_shipped(chosen):
            app_language = languages.resolve(user.language_code)
            chosen = app_language if languages.is_shipped(app_language) else languages.DEFAULT
        SPEAKING.set(chosen)

    async def language(self, update: Update, context: Context) -> None:
        """/language: every language Heard speaks, each a button in its own name."""
        assert update.effective_user is not None
        user_id = update.effective_user.id
        rows = [
            [
                InlineKeyboardButton(
                    language.native_name,
                    callback_data=self.signer.encode(user_id, cb.LANGUAGE, language.code),
                )
            ]
            for language in languages.shipped()
        ]
        await self._say(update, context, self.texts.language_question, InlineKeyboardMarkup(rows))

    async def _language_button(
        self, update: Update, context: Context, query: CallbackQuery, data: ButtonData
    ) -> None:
        """Keep the choice, say so in the new language, and carry on any check-in in it."""
        (code,) = data.parts
        if not languages.is_shipped(code):
            raise ValueError("not a language Heard speaks")
        if not await self._first_time(update):  # Telegram delivered the press twice
            await query.answer()
            return
        pseudonym = self._pseudonym(update)
        kept = await self._db(self.services.choose_language, pseudonym, code)
        if not kept and context.user_data is not None:
            context.user_data[USER_DATA_KEY] = code  # no row until /start: kept till then
        SPEAKING.set(code)
        await query.answer()
        chosen = self.texts.you_chose.format(answer=languages.native_name(code))
        await self._edit(query, f"{self.texts.language_question}\n\n{chosen}")
        await self._say(update, context, self.texts.language_saved)
        await self._show_current(update, context, None)
