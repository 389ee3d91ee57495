"""Button presses: answers to a question, who they are (16 and over only), forgetting
them, reminders and quiet hours, the menu, the offer of reminders after a first check-in,
and whether they would like someone to get in touch after telling Heard they may not be
safe.

Every button's data is signed for the person it was sent to (`bot.callbacks`); a forged
one, or a well signed one with impossible contents, gets a polite answer and changes
nothing, and an answer button for a question no longer showing is stale. One part of
`bot.handlers.BotHandlers`, kept apart from the /commands (`bot.commands`) and typed
words (`bot.typed_messages`) so each can be read and changed on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import CallbackQuery, Update
from telegram.error import BadRequest

from bot import callbacks as cb
from bot.callbacks import ButtonData, step_tag
from bot.enrolment import ASKS_AGE, BOT_BAND, UNDER_16_BANDS
from bot.handler_host import Context, HandlerHost, log, update_key
from bot.keyboards import (
    CONTACT_NO,
    CONTACT_YES,
    MENU_CHECKIN,
    MENU_HELP,
    MENU_LATER,
    MENU_OFFER,
    QUIET_PRESETS,
    chosen_labels,
    parse_mask,
)
from bot.language import speaking
from bot.mydata import reminder_words
from bot.services import DUPLICATE, Duplicate
from bot.texts import FREQUENCIES
from storage.models import COHORTS
from surveys.contact import ANSWERED_BEFORE, RECORDED
from surveys.engine import Prompt
from surveys.people import AGE_BANDS_FOR

PULSE = "pulse"


@dataclass(frozen=True)
class Pressed:
    """An answer button read against the question showing: stale, toggle, empty or save."""

    kind: str
    label: str = ""
    text: str | None = None
    choice: str | None = None
    mask: int = 0


class ButtonHandlers(HandlerHost):
    """`button`, which `register` gives the CallbackQueryHandler, and one handler per kind."""

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
            cb.CONTACT: self._contact_button,
            cb.LANGUAGE: self._language_button,
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
            language=speaking(),
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
        """Who they are; then, for a young person in care, "16 or 17" or "Under 16". Only
        people aged 16 and over are enrolled (bot.enrolment): under 16, the web instead."""
        step, *rest = data.parts
        if step == "u" and not rest:
            await query.answer()
            await self._mark_chosen(query, self.texts.age_question, self.texts.age_under_16)
            await self._under_16(update, context, update_key(update))
            return
        if len(rest) not in (1, 2):
            raise ValueError("unknown profile step")
        cohort = COHORTS[int(rest[0])]
        if step == "b" and len(rest) == 2:  # an age button sent before: younger is under 16
            band = AGE_BANDS_FOR[cohort][int(rest[1])]
            await query.answer()
            if band in UNDER_16_BANDS:
                await self._mark_chosen(query, self.texts.age_question, self.texts.age_labels[band])
                await self._under_16(update, context, update_key(update))
            else:  # "11 to 17" may be under 16: ask again, as it is asked now
                await self._ask_who(update, context)
            return
        if step == "c" and len(rest) == 1 and cohort in ASKS_AGE:
            await query.answer()
            await self._mark_chosen(query, self.texts.who_are_you, self.texts.cohort_labels[cohort])
            await self._say(
                update, context, self.texts.age_question, self._keyboards(update).enrol_age(cohort)
            )
            return
        if step == "c" and len(rest) == 1:
            shown, fallback = self.texts.cohort_labels[cohort], self.texts.who_are_you
        elif step == "a" and len(rest) == 1 and cohort in ASKS_AGE:
            shown, fallback = self.texts.age_16_or_17, self.texts.age_question
        else:
            raise ValueError("unknown profile step")
        assert update.effective_chat is not None
        saved = await self._db(
            self.services.set_profile,
            self._pseudonym(update),
            update.effective_chat.id,
            cohort,
            BOT_BAND[cohort],
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
        current = await self._db(self.engine.current, pseudonym, language=speaking())
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

    async def _contact_button(
        self, update: Update, context: Context, query: CallbackQuery, data: ButtonData
    ) -> None:
        """Their answer to "Would you like someone from the council to get in touch?",
        recorded on their own alert once: a yes with this chat, so the safeguarding lead
        can message them here. Another person's alert, or a second press, changes nothing."""
        alert_text, choice = data.parts
        if choice not in (CONTACT_YES, CONTACT_NO):
            raise ValueError("not an answer to the contact question")
        wanted = choice == CONTACT_YES
        assert update.effective_chat is not None
        pseudonym = self._pseudonym(update)
        outcome = await self._db(
            self.services.answer_contact,
            pseudonym,
            int(alert_text),
            wanted=wanted,
            chat_id=update.effective_chat.id,
            key=update_key(update),
        )
        if isinstance(outcome, Duplicate):
            await query.answer()
            return
        if outcome == ANSWERED_BEFORE:
            await query.answer(self.texts.contact_answered_before)
            return
        if outcome != RECORDED:
            await query.answer(self.texts.forged_button)
            return
        await query.answer()
        wording = await self._db(self.services.contact_wording, pseudonym, speaking())
        await self._mark_chosen(query, wording.ask, wording.yes if wanted else wording.no)
        await self._say(update, context, wording.thanks_chat if wanted else wording.declined)
