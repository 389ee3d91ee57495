"""Inline keyboards for questions, profile, settings and erasure, each button signed.

Pure functions: given a prompt (or a choice to offer) they return the text and
buttons to show, so what a child sees can be tested without Telegram.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks as cb
from bot.callbacks import ButtonSigner, step_tag
from bot.texts import FREQUENCIES, Texts
from storage.models import COHORTS
from surveys.engine import Choice, Prompt

NUMBER_ROW = 6  # 0-10 scales: two rows of numbers fit a phone
QUIET_PRESETS = (("21:00", "08:00"), ("22:00", "09:00"), ("20:00", "07:00"))
TICK = "✅"
MENU_CHECKIN, MENU_OFFER, MENU_LATER, MENU_HELP = "c", "o", "l", "h"
CONTACT_YES, CONTACT_NO = "y", "n"


class Keyboards:
    """Makes the buttons for one Telegram user (their id is part of every signature)."""

    def __init__(self, signer: ButtonSigner, texts: Texts, user_id: int) -> None:
        self.signer = signer
        self.texts = texts
        self.user_id = user_id

    def _button(self, label: str, kind: str, *parts: str | int) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            label, callback_data=self.signer.encode(self.user_id, kind, *parts)
        )

    # ------------------------------------------------------------------ questions

    def prompt_text(self, prompt: Prompt) -> str:
        if prompt.is_question and prompt.total:
            progress = self.texts.progress.format(position=prompt.position, total=prompt.total)
            return f"{progress}\n{prompt.text}"
        return prompt.text

    def prompt(self, prompt: Prompt, session_id: int, mask: int = 0) -> InlineKeyboardMarkup | None:
        """Buttons for a question: one per option, toggles + Done for multi, Skip if optional."""
        tag = step_tag(prompt.step)

        def answer(label: str, option: str) -> InlineKeyboardButton:
            return self._button(label, cb.ANSWER, session_id, tag, option)

        rows: list[list[InlineKeyboardButton]] = []
        if prompt.type == "multi":
            for index, choice in enumerate(prompt.choices):
                chosen = mask & (1 << index)
                label = f"{TICK} {choice.display}" if chosen else choice.display
                rows.append([answer(label, f"m{mask ^ (1 << index):x}")])
            rows.append([answer(self.texts.done_button, f"d{mask:x}")])
        elif prompt.type == "scale0_10":
            numbers = [(i, c) for i, c in enumerate(prompt.choices) if c.value.isdigit()]
            others = [(i, c) for i, c in enumerate(prompt.choices) if not c.value.isdigit()]
            for start in range(0, len(numbers), NUMBER_ROW):
                chunk = numbers[start : start + NUMBER_ROW]
                rows.append([answer(c.display, str(i)) for i, c in chunk])
            rows.extend([answer(c.display, str(i))] for i, c in others)
        elif prompt.type != "text":
            rows.extend([answer(c.display, str(i))] for i, c in enumerate(prompt.choices))
        if prompt.optional:
            rows.append([answer(self.texts.skip_button, "s")])
        return InlineKeyboardMarkup(rows) if rows else None

    # ------------------------------------------------------------------ profile

    def cohorts(self) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(
            [
                [self._button(self.texts.cohort_labels[cohort], cb.PROFILE, "c", index)]
                for index, cohort in enumerate(COHORTS)
            ]
        )

    def enrol_age(self, cohort: str) -> InlineKeyboardMarkup:
        """'16 or 17' enrols them; 'Under 16' tells them kindly where their check-in is."""
        return InlineKeyboardMarkup(
            [
                [self._button(self.texts.age_16_or_17, cb.PROFILE, "a", COHORTS.index(cohort))],
                [self._button(self.texts.age_under_16, cb.PROFILE, "u")],
            ]
        )

    # ------------------------------------------------------------------ settings

    def settings(self) -> InlineKeyboardMarkup:
        t = self.texts
        frequency = [self._button(t.frequencies[key], cb.FREQUENCY, key) for key in FREQUENCIES]
        quiet = [
            [self._button(t.quiet_label.format(start=s, end=e), cb.QUIET, i)]
            for i, (s, e) in enumerate(QUIET_PRESETS)
        ]
        return InlineKeyboardMarkup(
            [
                frequency[:2],
                frequency[2:],
                *quiet,
                [self._button(t.settings_change_profile, cb.CHANGE_PROFILE, "p")],
            ]
        )

    def forget(self) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(
            [
                [self._button(self.texts.forgetme_yes, cb.FORGET, "y")],
                [self._button(self.texts.forgetme_no, cb.FORGET, "n")],
            ]
        )

    def reminder_offer(self) -> InlineKeyboardMarkup:
        """The frequencies, and "No thanks": nobody gets reminders until they choose."""
        t = self.texts
        chosen = [
            self._button(t.frequencies[k], cb.REMINDER_OFFER, k)
            for k in FREQUENCIES
            if k != "never"
        ]
        return InlineKeyboardMarkup(
            [
                chosen[:2],
                chosen[2:],
                [self._button(t.reminder_offer_no, cb.REMINDER_OFFER, "never")],
            ]
        )

    # ------------------------------------------------------------------ what to do next

    def care_leaver_welcome(self) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(
            [
                [self._button(self.texts.menu_offer_button, cb.MENU, MENU_OFFER)],
                [self._button(self.texts.menu_checkin_button, cb.MENU, MENU_CHECKIN)],
            ]
        )

    def checkin_offer(self) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(
            [
                [self._button(self.texts.menu_checkin_button, cb.MENU, MENU_CHECKIN)],
                [self._button(self.texts.menu_later_button, cb.MENU, MENU_LATER)],
            ]
        )

    def menu(self, with_offer: bool = True) -> InlineKeyboardMarkup:
        """What the bot can do, for a message it couldn't answer. The offer is for young
        people, so a foster carer isn't offered it as "help I can get"."""
        t = self.texts
        rows = [[self._button(t.menu_checkin_button, cb.MENU, MENU_CHECKIN)]]
        if with_offer:
            rows.append([self._button(t.menu_offer_button, cb.MENU, MENU_OFFER)])
        rows.append([self._button(t.menu_help_button, cb.MENU, MENU_HELP)])
        return InlineKeyboardMarkup(rows)

    def contact(self, alert_id: int, yes: str, no: str) -> InlineKeyboardMarkup:
        """After the help: would they like someone to get in touch about this alert?"""
        return InlineKeyboardMarkup(
            [
                [self._button(yes, cb.CONTACT, alert_id, CONTACT_YES)],
                [self._button(no, cb.CONTACT, alert_id, CONTACT_NO)],
            ]
        )

    def start_checkin(self) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[self._button(self.texts.reminder_button, cb.CHECKIN, "go")]])


def chosen_labels(choices: Sequence[Choice], mask: int) -> list[Choice]:
    return [choice for index, choice in enumerate(choices) if mask & (1 << index)]


def parse_mask(raw: str, choices: Sequence[Choice]) -> int | None:
    """A multi-choice selection from button data; None if it names options that don't exist."""
    try:
        mask = int(raw, 16)
    except ValueError:
        return None
    if mask < 0 or mask >> len(choices):
        return None
    return mask
