"""Typed words, captions and media: what a message that isn't a command or a button is for.

Words go, in order, to "stop messaging me", an answer to /offer, the check-in (or the
local offer, when an answer the engine can't read is really a question), or free text
(safeguarding first, then the offer or a short menu). For a week after a safeguarding
lead messaged them from an alert, free text (and, in a check-in, words that are not an
answer) is their reply to the lead instead: safeguarding first, then into the alert's
history, and they are told it was passed on. A caption is read as typed words;
voice notes and other media are never downloaded, only answered.

One part of `bot.handlers.BotHandlers`, kept apart from the /commands (`bot.commands`)
and button presses (`bot.buttons`) because this routing is the subtlest part of the
bot. /offer with a question reuses `_free_text` from here.
"""

from __future__ import annotations

from dataclasses import replace

from telegram import Message, Update

from bot.enrolment import says_under_16
from bot.handler_host import CARE_LEAVER, CARER, Context, HandlerHost, update_key
from bot.intent import asks_for_no_messages
from bot.language import speaking
from bot.services import ALWAYS, IF_CONFIDENT, NEVER, Duplicate, FreeTextResult
from surveys.contact import RECORDED, read_contact_answer
from surveys.engine import Reply
from surveys.matching import is_a_question

AWAITING_CONTACT = "awaiting_contact"


class TypedMessageHandlers(HandlerHost):
    """The handlers `register` gives a MessageHandler: text, captions, spoken and other media."""

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
        # "would you like someone to get in touch?" was the last thing asked (outside a
        # check-in): a typed yes or no answers it, in their language or English
        contact_for = context.chat_data.pop(AWAITING_CONTACT, None)
        if asks_for_no_messages(text, self.texts.stop_phrases):
            await self._stop(update, context, lead)
            return
        if awaiting or self._answers_offer_prompt(update.message):
            if await self._free_text(update, context, text, offer=ALWAYS, lead=lead):
                await self._show_current(update, context, self.texts.back_to_checkin)
            return
        pseudonym = self._pseudonym(update)
        reply = await self._db(
            self.engine.handle_if_active,
            pseudonym,
            text,
            update_key=update_key(update),
            language=speaking(),
        )
        if reply is None:  # no check-in going (or a paused one they didn't ask to resume)
            if isinstance(contact_for, int) and await self._typed_contact(
                update, context, contact_for, text
            ):
                return
            await self._outside_checkin(update, context, text, lead)
            return
        if reply.state == "duplicate":
            return
        if self._not_an_answer(reply, text) and await self._db(
            self.services.lead_waiting, pseudonym
        ):
            await self._reply_in_checkin(update, context, reply, text, lead)
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
                language=speaking(),
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

    async def _typed_contact(
        self, update: Update, context: Context, alert_id: int, text: str
    ) -> bool:
        """A typed answer to "would you like someone to get in touch?" ("نعم", "no thanks"),
        recorded as the buttons would; False if it isn't clearly a yes or a no (then it
        is read as any other message, safeguarding first)."""
        wanted = read_contact_answer(text, speaking())
        if wanted is None or self.services.contact is None:
            return False
        assert update.effective_chat is not None
        pseudonym = self._pseudonym(update)
        outcome = await self._db(
            self.services.answer_contact,
            pseudonym,
            alert_id,
            wanted=wanted,
            chat_id=update.effective_chat.id,
            key=update_key(update),
        )
        if isinstance(outcome, Duplicate):
            return True
        if outcome != RECORDED:  # answered with the buttons already: the first answer stands
            return False
        wording = await self._db(self.services.contact_wording, pseudonym, speaking())
        await self._say(update, context, wording.thanks_chat if wanted else wording.declined)
        return True

    def _answers_offer_prompt(self, message: Message) -> bool:
        quoted = message.reply_to_message
        return (
            quoted is not None
            and quoted.from_user is not None
            and quoted.from_user.is_bot
            and " ".join((quoted.text or "").split()) == " ".join(self.texts.offer_ask.split())
        )

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
        elif not await self._reply_to_lead(update, context, text, lead):
            await self._free_text(update, context, text, offer=None, lead=lead)

    async def _reply_to_lead(
        self, update: Update, context: Context, text: str, lead: str | None
    ) -> bool:
        """Outside a check-in, within a week of a safeguarding lead's message: their words
        go to that alert's history (safeguarding first: a new disclosure raises its own
        alert, with its help and "get in touch?"), and they are told it was passed on.
        False if no lead is waiting (then it is any other message)."""
        pseudonym = self._pseudonym(update)
        if not await self._db(self.services.lead_waiting, pseudonym):
            return False
        result = await self._db(
            self.services.free_text,
            pseudonym,
            text,
            update_key(update),
            offer=NEVER,
            language=speaking(),
        )
        if isinstance(result, Duplicate):
            return True
        replied = await self._db(
            self.services.reply_to_lead,
            pseudonym,
            text,
            update_key(update, "lead-reply"),
            timezone=self.config.timezone,
        )
        if isinstance(replied, Duplicate):
            return True
        if result.safeguarding_reply is None:
            if replied is None:  # the week ran out between the two looks: any other message
                return False
            await self._say(
                update, context, "\n\n".join(filter(None, [lead, self.texts.reply_passed_on]))
            )
            return True
        said = [lead, result.safeguarding_reply, self.texts.reply_passed_on if replied else None]
        await self._say(update, context, "\n\n".join(filter(None, said)))
        await self._ask_contact(update, context, result.alert_id)
        if result.alert_id is not None and self.services.contact is not None:
            assert context.chat_data is not None
            context.chat_data[AWAITING_CONTACT] = result.alert_id
        return True

    def _not_an_answer(self, reply: Reply, text: str) -> bool:
        """In a check-in, words the engine did not take as an answer to the question on
        screen (and that are not back, skip, stop or help)."""
        return (
            not reply.accepted
            and reply.state == "active"
            and reply.prompt is not None
            and self.messages.command(text) is None
        )

    async def _reply_in_checkin(
        self, update: Update, context: Context, reply: Reply, text: str, lead: str | None
    ) -> None:
        """Words in a check-in that were not an answer, while a lead waits to hear from
        them: their reply to the lead (the engine has already checked them for
        safeguarding), then the check-in as the engine left it."""
        replied = await self._db(
            self.services.reply_to_lead,
            self._pseudonym(update),
            text,
            update_key(update, "lead-reply"),
            timezone=self.config.timezone,
        )
        if isinstance(replied, Duplicate):
            return
        passed = self.texts.reply_passed_on if replied is not None else None
        if reply.alert_id is not None:  # a new disclosure: its help, "get in touch?", and on
            await self._show(update, context, reply, "\n\n".join(filter(None, [lead, passed])))
            return
        if passed is None:  # the week ran out between the two looks: as the engine said
            await self._show(update, context, reply, lead)
            return
        assert reply.prompt is not None and reply.session_id is not None
        await self._say(update, context, "\n\n".join(filter(None, [lead, passed])))
        await self._show_prompt(update, context, reply.prompt, reply.session_id)

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
            and is_a_question(text)
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
        """Outside a check-in: safeguarding always; then someone not yet enrolled who says
        they are under 16 is told their check-in is on the web (nothing kept); then a care
        leaver's message (or any /offer question) goes to the offer, and anyone else's only
        if the offer is sure; else a short menu. True if it was answered from the offer."""
        pseudonym = self._pseudonym(update)
        profile = await self._db(self.services.profile, pseudonym)
        if offer is None:
            if profile is None or not profile.complete:
                offer = NEVER
            else:
                offer = ALWAYS if profile.cohort == CARE_LEAVER else IF_CONFIDENT
        result: FreeTextResult | Duplicate = await self._db(
            self.services.free_text,
            pseudonym,
            text,
            update_key(update),
            offer=offer,
            language=speaking(),
        )
        if isinstance(result, Duplicate):
            return False

        def said(words: str) -> str:
            return "\n\n".join(filter(None, [lead, words]))

        enrolled = profile is not None and profile.complete
        if result.safeguarding_reply is not None:
            # After a disclosure only the model found, the help first, and an answer the
            # offer is sure of under it; beside a "please read" (words in another
            # language) the answer first.
            parts = [result.safeguarding_reply, result.offer_reply]
            if result.please_read:
                parts.reverse()
            await self._say(update, context, said("\n\n".join(filter(None, parts))))
            await self._ask_contact(update, context, result.alert_id)
            if result.alert_id is not None and self.services.contact is not None:
                assert context.chat_data is not None
                context.chat_data[AWAITING_CONTACT] = result.alert_id
        elif not enrolled and says_under_16(text):  # "im 14": Telegram is 16+, the web instead
            await self._under_16(update, context, update_key(update, "under-16"), lead)
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
