"""The staff forms (Flask-WTF), each carrying its CSRF token."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp, ValidationError

from storage.models import STAFF_ROLES
from storage.you_said import WE_DID_MAX, YOU_SAID_MAX
from webforms.staff.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from webforms.staff.themes import theme_choices

try:  # WTForms 3.3 wants SelectChoice; older versions take (value, label) pairs
    from wtforms import SelectChoice
except ImportError:  # pragma: no cover - WTForms < 3.3
    SelectChoice = None

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
NOTE_MAX = 2000
ROLE_WORDS = {
    "participation": "Participation: dashboard, reports, you said we did, invite links",
    "safeguarding": "Safeguarding: the alerts queue",
    "admin": "Admin: staff accounts, local offer, surveys",
}


def choices(pairs: Iterable[tuple[str, str]]) -> list[Any]:
    """Select options in whichever form the installed WTForms prefers."""
    if SelectChoice is None:  # pragma: no cover
        return list(pairs)
    return [SelectChoice(value, label) for value, label in pairs]


class LoginForm(FlaskForm):
    email = StringField(
        "Email", validators=[DataRequired("Enter your email address."), Length(max=254)]
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=MAX_PASSWORD_LENGTH)],
    )


class PasswordChangeForm(FlaskForm):
    """A signed-in person's own new password; the current one proves it is them."""

    current = PasswordField(
        "Your current password",
        validators=[DataRequired("Enter your current password."), Length(max=MAX_PASSWORD_LENGTH)],
    )
    password = PasswordField(
        "New password",
        validators=[DataRequired("Choose a new password."), Length(max=MAX_PASSWORD_LENGTH)],
    )
    confirm = PasswordField(
        "New password again",
        validators=[EqualTo("password", message="The two new passwords are not the same.")],
    )


def note_length(form: Any, field: Any) -> None:
    """A note longer than NOTE_MAX is refused with its length, and kept in the box to
    shorten: no maxlength on the box, which would cut a pasted note silently."""
    typed = len((field.data or "").strip().replace("\r\n", "\n"))
    if typed > NOTE_MAX:
        raise ValidationError(
            f"Notes can be up to {NOTE_MAX:,} characters; this one is {typed:,}. Nothing "
            "has been saved yet; shorten it and save again."
        )


class AlertStatusForm(FlaskForm):
    status = SelectField("New status", choices=[])
    note = TextAreaField("Note: what you did, or why", validators=[Optional(), note_length])


class AlertMessageForm(FlaskForm):
    """A safeguarding lead's message to a person's Heard chat in Telegram; checked by
    notices.child_message.check_message (the one place its rules live)."""

    # No maxlength: it would cut a pasted message short without a word; check_message
    # refuses one over MESSAGE_MAX with its length and keeps it in the box to shorten.
    message = TextAreaField("Message them in Telegram", id="message-them")
    # A fresh random value each time the box is shown: Send pressed twice sends once.
    once = HiddenField(id="message-once")


class YouSaidForm(FlaskForm):
    theme = SelectField("Theme", choices=choices(theme_choices()))
    you_said = TextAreaField(
        "You said",
        validators=[
            DataRequired("Write what young people told you."),
            Length(max=YOU_SAID_MAX, message=f"Keep this under {YOU_SAID_MAX} characters."),
        ],
    )
    we_did = TextAreaField(
        "We did",
        validators=[
            DataRequired("Write what the council did or is doing."),
            Length(max=WE_DID_MAX, message=f"Keep this under {WE_DID_MAX} characters."),
        ],
    )
    # a draft until someone ticks this: a post goes straight to children, so a half-written
    # one saved by mistake must not reach them
    published = BooleanField("Publish now (young people will see it straight away)", default=False)


class StaffAddForm(FlaskForm):
    email = StringField(
        "Email",
        validators=[
            DataRequired("Enter their work email address."),
            Length(max=254),
            Regexp(EMAIL_PATTERN, message="Enter an email address like name@council.gov.uk."),
        ],
    )
    role = SelectField("Role", choices=choices((role, ROLE_WORDS[role]) for role in STAFF_ROLES))
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Choose a password."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=f"Use at least {MIN_PASSWORD_LENGTH} characters.",
            ),
        ],
    )
    confirm = PasswordField(
        "Password again",
        validators=[EqualTo("password", message="The two passwords are not the same.")],
    )
