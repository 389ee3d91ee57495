"""What the bot does with each command, typed message and button press.

Handlers stay thin: they work out who is talking (a pseudonym, never the raw
id), hand the input to the engine or a service in a worker thread, and show
the reply. Anything that changes data carries the update's key, so a
redelivered update changes nothing; a stale or forged button gets a polite
answer and changes nothing.

`BotHandlers` is composed from one part per kind of input: the /commands
(`bot.commands`), typed words and media (`bot.typed_messages`) and button presses
(`bot.buttons`). This module wires them to the Application and holds what they share:
the services, the helpers that talk to the person, and the error handler. What the
parts may use is named in `bot.handler_host`.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Callable
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.buttons import PULSE, ButtonHandlers, Pressed
from bot.callbacks import ButtonSigner
from bot.commands import CommandHandlers
from bot.config import BotConfig
from bot.handler_host import CARE_LEAVER, CARER, Context, T, update_key
from bot.keyboards import Keyboards
from bot.language import LanguageHandlers, speaking
from bot.mydata import reminder_words
from bot.services import CHANNEL, BotServices, Duplicate, UpdateKey
from bot.texts import COMMANDS, Texts, load_texts
from bot.typed_messages import TypedMessageHandlers
from surveys.engine import ConversationEngine, EngineError, Prompt, Reply
from surveys.messages import Messages
from surveys.people import Profile

__all__ = [
    "CARE_LEAVER",
    "CARER",
    "MESSAGE_LIMIT",
    "NOT_WORDS",
    "PULSE",
    "SPOKEN",
    "BotHandlers",
    "Context",
    "Pressed",
    "split_message",
    "update_key",
]

log = logging.getLogger(__name__)
MESSAGE_LIMIT = 4000  # Telegram's limit is 4096; leave room
# Messages that aren't words. Spoken ones (voice notes, audio, round videos) may hold
# something worrying Heard cannot hear, so their reply says where to get help now.
# Nothing is ever downloaded: Heard keeps no photos or recordings.
SPOKEN = filters.VOICE | filters.AUDIO | filters.VIDEO_NOTE
NOT_WORDS = filters.ATTACHMENT


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Telegram refuses messages over 4096 characters: split between lines, in order."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line) > limit:  # one enormous line: cut it
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        if len(current) + len(line) > limit:
            parts.append(current)
            current = ""
        current += line
    if current:
        parts.append(current)
    return [part.strip() for part in parts if part.strip()]


class BotHandlers(CommandHandlers, TypedMessageHandlers, ButtonHandlers, LanguageHandlers):
    """Every handler the bot registers: the parts' handlers and the helpers they share.

    `engine`, `texts` and `messages` are in the language of the update being handled
    (bot.language works it out before any handler runs)."""

    def __init__(
        self,
        config: BotConfig,
        services: BotServices,
        engine: ConversationEngine,
        texts: Texts,
        messages: Messages,
    ) -> None:
        self.config = config
        self.services = services
        self._engine = engine
        self._texts = texts
        self._messages = messages
        self.signer = ButtonSigner(config.secret_key)

    @property
    def engine(self) -> ConversationEngine:
        return self._engine.speaking(speaking())

    @property
    def texts(self) -> Texts:
        language = speaking()
        return self._texts if language == "en" else load_texts(language=language)

    @property
    def messages(self) -> Messages:
        language = speaking()
        return self._messages if language == "en" else self.engine.messages

    def register(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        # New messages in private chats only: groups (like the staff chat) and edits are ignored.
        private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        commands: dict[str, Callable[[Update, Context], Any]] = {
            "start": self.start,
            "checkin": self.checkin,
            "back": self.back,
            "skip": self.skip,
            "offer": self.offer,
            "yousaid": self.you_said,
            "help": self.help,
            "privacy": self.privacy,
            "mydata": self.my_data,
            "forgetme": self.forget_me,
            "settings": self.settings,
            "stop": self.stop,
            "language": self.language,
        }
        assert set(commands) == set(COMMANDS)
        # First, for every update: which language to speak to this person (bot.language).
        application.add_handler(TypeHandler(Update, self._work_out_language), group=-1)
        for name, callback in commands.items():
            application.add_handler(CommandHandler(name, callback, filters=private))
        application.add_handler(CallbackQueryHandler(self.button))
        application.add_handler(
            MessageHandler(private & filters.TEXT & ~filters.COMMAND, self.typed)
        )
        application.add_handler(MessageHandler(private & filters.COMMAND, self.unknown))
        # A photo's (or file's) caption is read exactly as typed words; then the rest.
        application.add_handler(MessageHandler(private & filters.CAPTION, self.captioned))
        application.add_handler(MessageHandler(private & SPOKEN, self.spoken))
        application.add_handler(MessageHandler(private & NOT_WORDS, self.not_words))
        application.add_error_handler(self.error)

    # ------------------------------------------------------------------ helpers

    @staticmethod
    async def _db(work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.to_thread(work, *args, **kwargs)

    def _keyboards(self, update: Update) -> Keyboards:
        assert update.effective_user is not None
        return Keyboards(self.signer, self.texts, update.effective_user.id)

    def _pseudonym(self, update: Update) -> str:
        assert update.effective_user is not None
        return self.services.pseudonym(update.effective_user.id)

    @staticmethod
    async def _say(
        update: Update, context: Context, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        assert update.effective_chat is not None
        parts = split_message(text)
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            await context.bot.send_message(
                update.effective_chat.id, part, reply_markup=markup if last else None
            )

    async def _show(
        self, update: Update, context: Context, reply: Reply, lead: str | None = None
    ) -> None:
        """The engine's messages (after `lead`), then the next question with its buttons.
        After someone's first finished check-in, the thanks asks about reminders.

        When an alert was raised the help (the engine's first message) goes on its own,
        then "would you like someone to get in touch?", then the rest and the next
        question: the offer sits with the help it follows, and whatever the person is to
        answer next ("carry on?", the next question) stays at the bottom of the chat."""
        messages = [*([lead] if lead else []), *reply.messages]
        if reply.alert_id is not None and reply.messages and self.services.contact is not None:
            with_help = len(messages) - len(reply.messages) + 1
            await self._say(update, context, "\n\n".join(messages[:with_help]))
            await self._ask_contact(update, context, reply.alert_id)
            messages = messages[with_help:]
        markup = None
        if reply.state == "completed" and await self._db(
            self.services.should_offer_reminders, self._pseudonym(update)
        ):
            messages.append(self.texts.reminder_offer)
            markup = self._keyboards(update).reminder_offer()
        if messages:
            await self._say(update, context, "\n\n".join(messages), markup)
        if reply.prompt is not None and reply.session_id is not None:
            await self._show_prompt(update, context, reply.prompt, reply.session_id)

    async def _ask_contact(self, update: Update, context: Context, alert_id: int | None) -> None:
        """After help shown because an alert was raised: would they like someone from the
        council to get in touch? Two buttons signed for this person and this alert. Not
        asked again within a day of an answer for another alert: that answer stands, and
        they are told this one was passed on too."""
        if alert_id is None or self.services.contact is None:
            return
        pseudonym = self._pseudonym(update)
        standing = await self._db(self.services.contact_standing, pseudonym, alert_id)
        if standing is not None:  # answered for another alert today: not asked again
            passed_on = (
                self.texts.contact_passed_on_yes if standing else self.texts.contact_passed_on_no
            )
            await self._say(update, context, passed_on)
            return
        wording = await self._db(self.services.contact_wording, self._pseudonym(update), speaking())
        markup = self._keyboards(update).contact(alert_id, wording.yes, wording.no)
        await self._say(update, context, wording.ask, markup)

    async def _show_current(self, update: Update, context: Context, lead: str | None) -> None:
        """The question on screen again, if a check-in is going, so they can carry on."""
        current = await self._db(self.engine.current, self._pseudonym(update), language=speaking())
        if current.state == "active" and current.prompt and current.session_id is not None:
            if lead:
                await self._say(update, context, lead)
            await self._show_prompt(update, context, current.prompt, current.session_id)

    async def _what_next(self, update: Update, context: Context, cohort: str | None) -> None:
        """A care leaver chooses between the offer and a check-in; others are offered one."""
        keyboards = self._keyboards(update)
        if cohort == CARE_LEAVER:
            text, markup = self.texts.care_leaver_welcome, keyboards.care_leaver_welcome()
        else:
            text, markup = self.texts.checkin_offer, keyboards.checkin_offer()
        await self._say(update, context, text, markup)

    async def _under_16(
        self, update: Update, context: Context, key: UpdateKey, lead: str | None = None
    ) -> None:
        """Someone who says they are under 16: Telegram is not for them, so nothing about
        them is kept (a /start's row and sealed address are erased, as /forgetme erases)
        and they are told kindly that their check-in is on the web, and how to get a link.
        Said once, even if Telegram delivers the update twice. Someone who joined before
        (and says so now, in /settings) is not erased on one press: reminders stop, and
        they are asked whether to delete what they told us."""
        pseudonym = self._pseudonym(update)
        profile = await self._db(self.services.profile, pseudonym)
        if profile is not None and profile.complete:
            stopped = await self._db(self.services.choose_reminders, pseudonym, key, on=False)
            if isinstance(stopped, Duplicate):
                return
            words = "\n\n".join(filter(None, [lead, self.texts.under_16_joined]))
            await self._say(update, context, words, self._keyboards(update).forget())
            return
        erased = await self._db(self.services.erase, pseudonym, key)
        if isinstance(erased, Duplicate):
            return
        if context.chat_data is not None:
            context.chat_data.clear()
        await self._say(update, context, "\n\n".join(filter(None, [lead, self.texts.under_16])))

    async def _show_prompt(
        self, update: Update, context: Context, prompt: Prompt, session_id: int
    ) -> None:
        keyboards = self._keyboards(update)
        mask = 0
        if prompt.multiple and isinstance(prompt.current_answer, list):
            values = [choice.value for choice in prompt.choices]
            mask = sum(1 << values.index(v) for v in prompt.current_answer if v in values)
        markup = keyboards.prompt(prompt, session_id, mask)
        await self._say(update, context, keyboards.prompt_text(prompt), markup)

    async def _ask_who(self, update: Update, context: Context, intro: str | None = None) -> None:
        text = f"{intro}\n\n{self.texts.who_are_you}" if intro else self.texts.who_are_you
        await self._say(update, context, text, self._keyboards(update).cohorts())

    async def _begin(
        self, update: Update, context: Context, key: tuple[str, str], survey_id: str | None = None
    ) -> None:
        pseudonym = self._pseudonym(update)
        try:
            reply = await self._db(
                self.engine.begin,
                pseudonym,
                channel=CHANNEL,
                survey_id=survey_id,
                update_key=key,
                language=speaking(),
            )
        except EngineError:
            await self._ask_who(update, context, self.messages.needs_profile)
            return
        if reply.state != "duplicate":
            await self._show(update, context, reply)

    async def _first_time(self, update: Update) -> bool:
        """For a reply that changes nothing: False if this update was handled before (here,
        or by the engine when a check-in was going then), so a redelivery says nothing."""
        return await self._db(self.services.first_time, update_key(update))

    async def _edit(self, query: CallbackQuery, text: str) -> None:
        try:
            await query.edit_message_text(text, reply_markup=None)
        except BadRequest as exc:
            log.info("could not edit the message: %s", exc.message)

    def _settings_text(self, profile: Profile) -> str:
        t = self.texts
        frequency = reminder_words(t, profile.reminders_on, profile.reminder_every_days)
        return t.settings.format(
            frequency=frequency, quiet_start=profile.quiet_start, quiet_end=profile.quiet_end
        )

    # ------------------------------------------------------------------ errors

    async def error(self, update: object, context: Context) -> None:
        """Log where it failed but not the message (it may hold a child's words, and database
        errors quote their parameters); tell the person kindly."""
        error = context.error
        frames = "".join(traceback.format_tb(error.__traceback__)) if error else ""
        log.error("handling an update failed: %s\n%s", type(error).__name__, frames)
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is not None and chat.type == "private":
            try:
                sorry = f"{self.messages.save_failed} {self.texts.sorry_help}"
                await context.bot.send_message(chat.id, sorry)
            except TelegramError:
                log.warning("could not say sorry after a failure")
