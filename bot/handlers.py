"""What the bot does with each command, typed message and button press.

Handlers stay thin: they work out who is talking (a pseudonym, never the raw
id), hand the input to the engine or a service in a worker thread, and show
the reply. Anything that changes data carries the update's key, so a
redelivered update changes nothing; a stale or forged button gets a polite
answer and changes nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from telegram import CallbackQuery, ForceReply, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import callbacks as cb
from bot.callbacks import ButtonData, ButtonSigner, step_tag
from bot.config import BotConfig
from bot.intent import asks_for_no_messages, looks_like_question
from bot.keyboards import (
    MENU_CHECKIN,
    MENU_HELP,
    MENU_LATER,
    MENU_OFFER,
    QUIET_PRESETS,
    Keyboards,
    chosen_labels,
    parse_mask,
)
from bot.mydata import readable_my_data, reminder_words
from bot.services import (
    ALWAYS,
    CHANNEL,
    DUPLICATE,
    IF_CONFIDENT,
    NEVER,
    BotServices,
    Duplicate,
    FreeTextResult,
)
from bot.staff_alerts import notify_new_alerts
from bot.texts import COMMANDS, FREQUENCIES, Texts
from storage.models import COHORTS
from surveys.engine import ConversationEngine, EngineError, Prompt, Reply
from surveys.messages import Messages
from surveys.people import AGE_BANDS_FOR, Profile

log = logging.getLogger(__name__)
T = TypeVar("T")
Context = ContextTypes.DEFAULT_TYPE
PULSE = "pulse"
MESSAGE_LIMIT = 4000  # Telegram's limit is 4096; leave room
CARE_LEAVER, CARER = "care_leaver", "carer"
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


@dataclass(frozen=True)
class Pressed:
    """An answer button read against the question showing: stale, toggle, empty or save."""

    kind: str
    label: str = ""
    text: str | None = None
    choice: str | None = None
    mask: int = 0


def update_key(update: Update, step: str = "") -> tuple[str, str]:
    """The exactly-once key: one per update, with a suffix for each later step it takes."""
    return (CHANNEL, f"{update.update_id}{'/' + step if step else ''}")


class BotHandlers:
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
        self.engine = engine
        self.texts = texts
        self.messages = messages
        self.signer = ButtonSigner(config.secret_key)

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
        }
        assert set(commands) == set(COMMANDS)
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
        After someone's first finished check-in, the thanks asks about reminders."""
        messages = [*([lead] if lead else []), *reply.messages]
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
        if reply.alert_id is not None:
            await self._tell_staff(context)

    async def _show_current(self, update: Update, context: Context, lead: str | None) -> None:
        """The question on screen again, if a check-in is going, so they can carry on."""
        current = await self._db(self.engine.current, self._pseudonym(update))
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

    async def _tell_staff(self, context: Context) -> None:
        try:
            await notify_new_alerts(context.bot, self.services.sessions, self.config)
        except Exception as exc:  # the repeating sweep will try again; the child's reply is sent
            log.error(
                "could not notify the staff chat now (%s); the sweep will retry", type(exc).__name__
            )

    async def _ask_who(self, update: Update, context: Context, intro: str | None = None) -> None:
        text = f"{intro}\n\n{self.texts.who_are_you}" if intro else self.texts.who_are_you
        await self._say(update, context, text, self._keyboards(update).cohorts())

    async def _begin(
        self, update: Update, context: Context, key: tuple[str, str], survey_id: str | None = None
    ) -> None:
        pseudonym = self._pseudonym(update)
        try:
            reply = await self._db(
                self.engine.begin, pseudonym, channel=CHANNEL, survey_id=survey_id, update_key=key
            )
        except EngineError:
            await self._ask_who(update, context, self.messages.needs_profile)
            return
        if reply.state != "duplicate":
            await self._show(update, context, reply)

    # ------------------------------------------------------------------ commands

    async def start(self, update: Update, context: Context) -> None:
        assert update.effective_chat is not None
        profile = await self._db(
            self.services.register,
            self._pseudonym(update),
            update.effective_chat.id,
            update_key(update, "start"),
        )
        if isinstance(profile, Duplicate):
            return  # handled before, when it was welcomed or its check-in begun
        if profile is not None and profile.complete:
            current = await self._db(self.engine.current, profile.pseudonym)
            if current.state in ("active", "paused"):  # carry on where they were
                await self._begin(update, context, update_key(update))
            else:
                await self._what_next(update, context, profile.cohort)
            return
        await self._say(update, context, self.texts.welcome)
        await self._ask_who(update, context)

    async def checkin(self, update: Update, context: Context) -> None:
        profile = await self._db(self.services.profile, self._pseudonym(update))
        if profile is None or not profile.complete:
            await self._ask_who(update, context, self.messages.needs_profile)
            return
        await self._begin(update, context, update_key(update))

    async def back(self, update: Update, context: Context) -> None:
        await self._checkin_word(update, context, "back", self.texts.no_checkin_back)

    async def skip(self, update: Update, context: Context) -> None:
        await self._checkin_word(update, context, "skip", self.texts.no_checkin_skip)

    async def _checkin_word(
        self, update: Update, context: Context, word: str, outside: str
    ) -> None:
        """/back and /skip do what typing back or skip does; outside a check-in, say so."""
        reply = await self._db(
            self.engine.handle_if_active,
            self._pseudonym(update),
            word,
            update_key=update_key(update),
        )
        if reply is None:
            if await self._first_time(update):
                await self._say(update, context, outside)
        elif reply.state != "duplicate":
            await self._show(update, context, reply)

    async def _first_time(self, update: Update) -> bool:
        """For a reply that changes nothing: False if this update was handled before (here,
        or by the engine when a check-in was going then), so a redelivery says nothing."""
        return await self._db(self.services.first_time, update_key(update))

    async def offer(self, update: Update, context: Context) -> None:
        if self.services.offer is None:
            await self._say(update, context, self.texts.offer_coming_soon)
            return
        question = " ".join(context.args or []).strip()
        if not question:
            await self._ask_offer_question(update, context)
            return
        if await self._free_text(update, context, question, offer=ALWAYS):
            await self._show_current(update, context, self.texts.back_to_checkin)

    async def _ask_offer_question(self, update: Update, context: Context) -> None:
        assert context.chat_data is not None
        context.chat_data["awaiting_offer"] = True
        # ForceReply makes the next message quote this one, so whichever bot worker
        # receives it knows it is an offer question, even if this one restarted.
        assert update.effective_chat is not None
        await context.bot.send_message(
            update.effective_chat.id,
            self.texts.offer_ask,
            reply_markup=ForceReply(input_field_placeholder=self.texts.offer_placeholder),
        )

    def _answers_offer_prompt(self, message: Message) -> bool:
        quoted = message.reply_to_message
        return (
            quoted is not None
            and quoted.from_user is not None
            and quoted.from_user.is_bot
            and " ".join((quoted.text or "").split()) == " ".join(self.texts.offer_ask.split())
        )

    async def you_said(self, update: Update, context: Context) -> None:
        posts = await self._db(self.services.you_said)
        if not posts:
            await self._say(update, context, self.texts.yousaid_empty)
            return
        items = [self.texts.yousaid_item.format(you_said=s, we_did=d) for s, d in posts]
        await self._say(update, context, "\n\n".join([self.texts.yousaid_title, *items]))

    async def help(self, update: Update, context: Context) -> None:
        """Works at any time, even mid-check-in, and touches nothing."""
        await self._say(update, context, f"{self.messages.help}\n\n{self.texts.help_footer}")

    async def privacy(self, update: Update, context: Context) -> None:
        await self._say(update, context, self.texts.privacy)

    async def my_data(self, update: Update, context: Context) -> None:
        """What Heard keeps, in sentences they can read; the JSON file after, for computers."""
        assert update.effective_chat is not None
        data = await self._db(self.services.export, self._pseudonym(update))
        if data is None:
            await self._say(update, context, self.texts.mydata_empty)
            return
        readable = readable_my_data(data, self.texts, self.engine.catalogue, self.config.timezone)
        await self._say(update, context, readable)
        document = json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")
        await context.bot.send_document(
            update.effective_chat.id,
            document,
            filename=self.texts.mydata_filename,
            caption=self.texts.mydata_caption,
        )

    async def forget_me(self, update: Update, context: Context) -> None:
        await self._say(
            update, context, self.texts.forgetme_confirm, self._keyboards(update).forget()
        )

    async def settings(self, update: Update, context: Context) -> None:
        profile = await self._db(self.services.profile, self._pseudonym(update))
        if profile is None:
            await self._say(update, context, self.texts.start_first)
            return
        await self._say(
            update, context, self._settings_text(profile), self._keyboards(update).settings()
        )

    async def stop(self, update: Update, context: Context) -> None:
        await self._stop(update, context)

    async def _stop(self, update: Update, context: Context, lead: str | None = None) -> None:
        """/stop, or "stop messaging me": no more reminders, and any check-in paused."""
        pseudonym = self._pseudonym(update)
        stopped = await self._db(
            self.services.choose_reminders, pseudonym, update_key(update), on=False
        )
        if isinstance(stopped, Duplicate):
            return  # said before, when it was first delivered
        current = await self._db(self.engine.current, pseudonym)
        if current.state == "active":
            await self._db(
                self.engine.handle, pseudonym, text="stop", update_key=update_key(update, "pause")
            )
        await self._say(update, context, "\n\n".join(filter(None, [lead, self.texts.stop])))

    async def unknown(self, update: Update, context: Context) -> None:
        await self._say(update, context, self.texts.unknown_command)

    # ------------------------------------------------------------------ typing

    async def typed(self, update: Update, context: Context) -> None:
        assert update.message is not None and update.message.text is not None
        await self._words(update, context, update.message.text)

    async def captioned(self, update: Update, context: Context) -> None:
        """A photo's or file's words are read exactly as if typed; the picture is not kept."""
        assert update.message is not None and update.message.caption is not None
        await self._words(update, context, update.message.caption, self.texts.caption_read)

    async def spoken(self, update: Update, context: Context) -> None:
        """Heard can't listen; it says so, and where to get help now in case it was worrying."""
        await self._not_read(update, context, f"{self.texts.voice}\n\n{self.messages.help}")

    async def not_words(self, update: Update, context: Context) -> None:
        await self._not_read(update, context, self.texts.not_words)

    async def _not_read(self, update: Update, context: Context, reply: str) -> None:
        """Say why it can't be read (once, even if Telegram delivers it twice), then the
        question they were on, so the check-in carries on."""
        if not await self._first_time(update):
            return
        await self._say(update, context, reply)
        await self._show_current(update, context, None)

    async def _words(
        self, update: Update, context: Context, text: str, lead: str | None = None
    ) -> None:
        """Typed words (or a caption): "stop messaging me", an answer to /offer, an answer
        in the check-in (or a question for the offer instead), or free text."""
        assert update.message is not None and context.chat_data is not None
        awaiting = context.chat_data.pop("awaiting_offer", False)
        if asks_for_no_messages(text, self.texts.stop_phrases):
            await self._stop(update, context, lead)
            return
        if awaiting or self._answers_offer_prompt(update.message):
            if await self._free_text(update, context, text, offer=ALWAYS, lead=lead):
                await self._show_current(update, context, self.texts.back_to_checkin)
            return
        pseudonym = self._pseudonym(update)
        reply = await self._db(
            self.engine.handle_if_active, pseudonym, text, update_key=update_key(update)
        )
        if reply is None:  # no check-in going (or a paused one they didn't ask to resume)
            await self._outside_checkin(update, context, text, lead)
            return
        if reply.state == "duplicate":
            return
        if self._may_be_for_the_offer(reply, text):
            profile = await self._db(self.services.profile, pseudonym)
            care_leaver = profile is not None and profile.cohort == CARE_LEAVER
            answer = await self._db(
                self.services.ask_offer,
                pseudonym,
                text,
                update_key(update, "offer"),
                care_leaver=care_leaver,
            )
            if isinstance(answer, Duplicate):
                return
            if answer is not None:  # answered, then the same question again
                assert reply.prompt is not None and reply.session_id is not None
                await self._say(update, context, "\n\n".join(filter(None, [lead, answer])))
                await self._say(update, context, self.texts.back_to_checkin)
                await self._show_prompt(update, context, reply.prompt, reply.session_id)
                return
            if care_leaver:
                reply = replace(reply, messages=(*reply.messages, self.texts.offer_hint))
        await self._show(update, context, reply, lead)

    async def _outside_checkin(
        self, update: Update, context: Context, text: str, lead: str | None
    ) -> None:
        """ "stop", "back", "skip" and "help" mean what their commands mean; the rest is
        free text."""
        command = self.messages.command(text)
        if command == "stop":  # e.g. typed under a reminder: no more of them
            await self._stop(update, context, lead)
        elif command is not None and not await self._first_time(update):
            return
        elif command == "help":
            await self.help(update, context)
        elif command in ("back", "skip"):
            outside = (
                self.texts.no_checkin_back if command == "back" else self.texts.no_checkin_skip
            )
            await self._say(update, context, "\n\n".join(filter(None, [lead, outside])))
        else:
            await self._free_text(update, context, text, offer=None, lead=lead)

    def _may_be_for_the_offer(self, reply: Reply, text: str) -> bool:
        """The engine couldn't read it as an answer, nothing worrying was in it, it isn't
        back/skip/stop/help, and it reads like a question: worth asking the offer."""
        return (
            self.services.offer is not None
            and not reply.accepted
            and reply.alert_id is None
            and reply.state == "active"
            and reply.prompt is not None
            and self.messages.command(text) is None
            and looks_like_question(text, self.texts.question_starts)
        )

    async def _free_text(
        self,
        update: Update,
        context: Context,
        text: str,
        *,
        offer: str | None,
        lead: str | None = None,
    ) -> bool:
        """Outside a check-in: safeguarding always; then a care leaver's message (or any
        /offer question) goes to the offer, and anyone else's only if the offer is sure;
        else a short menu. True if it was answered from the offer."""
        pseudonym = self._pseudonym(update)
        profile = await self._db(self.services.profile, pseudonym)
        if offer is None:
            if profile is None or not profile.complete:
                offer = NEVER
            else:
                offer = ALWAYS if profile.cohort == CARE_LEAVER else IF_CONFIDENT
        result: FreeTextResult | Duplicate = await self._db(
            self.services.free_text, pseudonym, text, update_key(update), offer=offer
        )
        if isinstance(result, Duplicate):
            return False

        def said(words: str) -> str:
            return "\n\n".join(filter(None, [lead, words]))

        if result.safeguarding_reply is not None:
            await self._say(update, context, said(result.safeguarding_reply))
            await self._tell_staff(context)
        elif result.offer_reply is not None:
            await self._say(update, context, said(result.offer_reply))
            return True
        elif offer == ALWAYS and self.services.offer is None and profile is not None:
            await self._say(update, context, said(self.texts.offer_coming_soon))
        elif profile is None or not profile.complete:
            await self._say(update, context, said(self.texts.start_first))
        else:
            menu = self._keyboards(update).menu(with_offer=profile.cohort != CARER)
            await self._say(update, context, said(self.texts.menu), menu)
        return False

    # ------------------------------------------------------------------ buttons

    async def button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        chat = update.effective_chat
        if chat is None or chat.type != "private":
            await query.answer()
            return
        data = self.signer.decode(query.from_user.id, query.data)
        handler = {
            cb.ANSWER: self._answer_button,
            cb.PROFILE: self._profile_button,
            cb.FORGET: self._forget_button,
            cb.FREQUENCY: self._settings_button,
            cb.QUIET: self._settings_button,
            cb.CHANGE_PROFILE: self._change_profile_button,
            cb.CHECKIN: self._checkin_button,
            cb.MENU: self._menu_button,
            cb.REMINDER_OFFER: self._reminder_offer_button,
        }.get(data.kind if data else "")
        if data is None or handler is None:
            await query.answer(self.texts.forged_button)
            return
        try:
            await handler(update, context, query, data)
        except (ValueError, IndexError, KeyError):  # well signed but nonsense: as forged
            log.warning("refused a signed button with impossible contents")
            await query.answer(self.texts.forged_button)

    async def _mark_chosen(self, query: CallbackQuery, fallback: str, answer: str) -> None:
        """Edit the question so the chat reads as a clean record of what was chosen."""
        shown = getattr(query.message, "text", None) or fallback
        try:
            await query.edit_message_text(
                f"{shown}\n\n{self.texts.you_chose.format(answer=answer)}", reply_markup=None
            )
        except BadRequest as exc:  # too old to edit, or already edited by a redelivery
            log.info("could not edit the answered question: %s", exc.message)

    def _meaning(self, prompt: Prompt, tag: str, option: str) -> Pressed:
        """What an answer button means on the question now showing; ValueError if nonsense."""
        if step_tag(prompt.step) != tag:
            return Pressed("stale")
        if option == "s":
            if not prompt.optional:
                raise ValueError("skip on a question that cannot be skipped")
            return Pressed("save", self.texts.skipped, text="skip")
        if option[:1] in ("m", "d"):
            mask = parse_mask(option[1:], prompt.choices)
            if mask is None or not prompt.multiple:
                raise ValueError("not a selection of this question's options")
            if option[0] == "m":  # a toggle: only the buttons change, nothing is saved
                return Pressed("toggle", mask=mask)
            picked = chosen_labels(prompt.choices, mask)
            if not picked:
                return Pressed("empty")
            label = ", ".join(choice.display for choice in picked)
            return Pressed("save", label, choice=",".join(choice.value for choice in picked))
        if not option.isdigit():
            raise ValueError("not an option number")
        choice = prompt.choices[int(option)]
        return Pressed("save", choice.display, choice=choice.value)

    async def _answer_button(
        self, update: Update, context: Context, query: CallbackQuery, data: ButtonData
    ) -> None:
        """Read where they are and save the answer in one transaction (Engine.press)."""
        session_text, tag, option = data.parts
        session_id = int(session_text)
        meant: dict[str, Pressed] = {}

        def read(prompt: Prompt) -> tuple[str | None, str | None]:
            meant["press"] = pressed = self._meaning(prompt, tag, option)
            return (pressed.text, pressed.choice) if pressed.kind == "save" else (None, None)

        prompt, reply = await self._db(
            self.engine.press,
            self._pseudonym(update),
            session_id,
            read,
            update_key=update_key(update),
        )
        pressed = meant.get("press")
        if prompt is None or pressed is None or pressed.kind == "stale":
            await query.answer(self.texts.stale_button)
            return
        keyboards = self._keyboards(update)
        if pressed.kind == "toggle":
            await query.answer()
            try:
                await query.edit_message_reply_markup(
                    keyboards.prompt(prompt, session_id, pressed.mask)
                )
            except BadRequest as exc:
                log.info("could not update the toggles: %s", exc.message)
            return
        if pressed.kind == "empty" or reply is None:
            await query.answer(self.texts.pick_one_first)
            return
        if reply.state == "duplicate":
            await query.answer()
            return
        if not reply.accepted:
            await query.answer(self.texts.stale_button)
            return
        await query.answer()
        await self._mark_chosen(query, keyboards.prompt_text(prompt), pressed.label)
        await self._show(update, context, reply)

    async def _profile_button(
        self, update: Update, context: Context, query: CallbackQuery, data: ButtonData
    ) -> None:
        step, cohort_index, *rest = data.parts
        cohort = COHORTS[int(cohort_index)]
        bands = AGE_BANDS_FOR[cohort]
        if step == "c" and len(bands) > 1:
            await query.answer()
            await self._mark_chosen(query, self.texts.who_are_you, self.texts.cohort_labels[cohort])
            await self._say(
                update, context, self.texts.age_question, self._keyboards(update).age_bands(cohort)
            )
            return
        if step == "c":
            band, shown, fallback = (
                bands[0],
                self.texts.cohort_labels[cohort],
                self.texts.who_are_you,
            )
        elif step == "b" and len(rest) == 1:
            band = bands[int(rest[0])]
            shown, fallback = self.texts.age_labels[band], self.texts.age_question
        else:
            raise ValueError("unknown profile step")
        assert update.effective_chat is not None
        saved = await self._db(
            self.services.set_profile,
            self._pseudonym(update),
            update.effective_chat.id,
            cohort,
            band,
            update_key(update),
        )
        await query.answer()
        if not saved:
            return
        await self._mark_chosen(query, fallback, shown)
        await self._what_next(update, context, cohort)

    async def _forget_button(
        self, update: Update, context: Context, query: CallbackQuery, data: ButtonData
    ) -> None:
        if data.parts != ("y",):
            await query.answer()
            await self._edit(query, self.texts.forgetme_cancelled)
            return
        erased = await self._db(self.services.erase, self._pseudonym(update), update_key(update))
        await query.answer()
        if erased is DUPLICATE:
            return
        if context.chat_data is not None:
            context.chat_data.clear()
        await self._edit(query, self.texts.forgetme_done if erased else self.texts.forgetme_nothing)

    async def _settings_button(
        self, update: Update, context: Context, query: CallbackQuery, data: ButtonData
    ) -> None:
        pseudonym = self._pseudonym(update)
        (value,) = data.parts
        if data.kind == cb.FREQUENCY:
            days = FREQUENCIES[value]
            preferences: dict[str, Any] = {"on": days > 0}
            if days:
                preferences["every_days"] = days
        else:
            start, end = QUIET_PRESETS[int(value)]
            preferences = {"quiet_start": start, "quiet_end": end}
        profile = await self._db(
            self.services.set_reminders, pseudonym, update_key(update), **preferences
        )
        if profile is None:
            await query.answer(self.texts.start_first)
            return
        await query.answer(self.texts.settings_saved)
        try:
            await query.edit_message_text(
                self._settings_text(profile), reply_markup=self._keyboards(update).settings()
            )
        except BadRequest as exc:  # "message is not modified" when the same choice is pressed
            log.info("settings message unchanged: %s", exc.message)

    async def _change_profile_button(
        self, update: Update, context: Context, query: CallbackQuery, data: ButtonData
    ) -> None:
        await query.answer()
        await self._ask_who(update, context)

    async def _checkin_button(
        self, update: Update, context: Context, query: CallbackQuery, data: ButtonData
    ) -> None:
        """From a reminder: carry on an open check-in, else the quick pulse if it's for them."""
        await query.answer()
        pseudonym = self._pseudonym(update)
        profile = await self._db(self.services.profile, pseudonym)
        if profile is None or not profile.complete:
            await self._ask_who(update, context, self.messages.needs_profile)
            return
        current = await self._db(self.engine.current, pseudonym)
        survey_id = None
        pulse = self.engine.catalogue.get(PULSE)
        if (
            current.state == "none"
            and pulse is not None
            and profile.cohort in pulse.audience.cohorts
            and profile.age_band in pulse.audience.age_bands
        ):
            survey_id = PULSE
        await self._begin(update, context, update_key(update), survey_id)

    async def _menu_button(
        self, update: Update, context: Context, query: CallbackQuery, data: ButtonData
    ) -> None:
        """What they chose to do: a check-in, ask the offer, later, or someone to talk to."""
        (choice,) = data.parts
        t = self.texts
        labels = {
            MENU_CHECKIN: t.menu_checkin_button,
            MENU_OFFER: t.menu_offer_button,
            MENU_LATER: t.menu_later_button,
            MENU_HELP: t.menu_help_button,
        }
        label = labels[choice]
        await query.answer()
        if not await self._db(self.services.first_time, update_key(update, "menu")):
            return
        await self._mark_chosen(query, t.menu, label)
        if choice == MENU_CHECKIN:
            await self._begin(update, context, update_key(update))
        elif choice == MENU_OFFER:
            if self.services.offer is None:
                await self._say(update, context, t.offer_coming_soon)
            else:
                await self._ask_offer_question(update, context)
        elif choice == MENU_LATER:
            await self._say(update, context, t.checkin_later)
        else:
            await self.help(update, context)

    async def _reminder_offer_button(
        self, update: Update, context: Context, query: CallbackQuery, data: ButtonData
    ) -> None:
        """Their answer to "Would you like a reminder to check in?"."""
        (value,) = data.parts
        days = FREQUENCIES[value]
        preferences: dict[str, Any] = {"on": days > 0}
        if days:
            preferences["every_days"] = days
        profile = await self._db(
            self.services.choose_reminders,
            self._pseudonym(update),
            update_key(update),
            **preferences,
        )
        if isinstance(profile, Duplicate):
            await query.answer()
            return
        if profile is None:
            await query.answer(self.texts.start_first)
            return
        await query.answer()
        label = self.texts.frequencies[value] if days else self.texts.reminder_offer_no
        await self._mark_chosen(query, self.texts.reminder_offer, label)
        if days:
            frequency = reminder_words(self.texts, True, days)
            await self._say(
                update, context, self.texts.reminder_offer_saved.format(frequency=frequency)
            )
        else:
            await self._say(update, context, self.texts.reminder_offer_declined)

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
