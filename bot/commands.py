"""The /commands: /start, /checkin, /back, /skip, /offer, /yousaid, /help, /privacy,
/mydata, /forgetme, /settings and /stop, and the reply to a command Heard doesn't know.

One part of `bot.handlers.BotHandlers`, kept apart from typed words (`bot.typed_messages`)
and button presses (`bot.buttons`) so each can be read and changed on its own. Typed
words reuse `help` and `_stop` from here ("help", "stop messaging me"), and the menu's
buttons `help` and `_ask_offer_question`.
"""

from __future__ import annotations

import json

from telegram import ForceReply, Update

from bot.handler_host import Context, HandlerHost, update_key
from bot.language import speaking
from bot.mydata import readable_my_data
from bot.services import ALWAYS, Duplicate


class CommandHandlers(HandlerHost):
    """The handlers `register` gives a CommandHandler each (and `unknown`, for the rest)."""

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
            current = await self._db(self.engine.current, profile.pseudonym, language=speaking())
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
            language=speaking(),
        )
        if reply is None:
            if await self._first_time(update):
                await self._say(update, context, outside)
        elif reply.state != "duplicate":
            await self._show(update, context, reply)

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
        current = await self._db(self.engine.current, pseudonym, language=speaking())
        if current.state == "active":
            await self._db(
                self.engine.handle,
                pseudonym,
                text="stop",
                update_key=update_key(update, "pause"),
                language=speaking(),
            )
        await self._say(update, context, "\n\n".join(filter(None, [lead, self.texts.stop])))

    async def unknown(self, update: Update, context: Context) -> None:
        await self._say(update, context, self.texts.unknown_command)
