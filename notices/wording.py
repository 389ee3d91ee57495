"""What a notice says, by email and on Telegram: enough to act on, never the child's words.

Only the alert's number, the level, the category in words, the route, when it was
raised (and reopened, if it was) and a link to the alert page (behind a sign-in) are
ever put in a message.
The subject line names no category: subjects show on locked phones and in mail logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from notices.categories import category_words

LEVEL_LINES = {"urgent": "Urgent: please look now", "concern": "Concern: a person must see it"}
ACKNOWLEDGE = "Please acknowledge it on the alert page once someone is on it."
FOOTER = (
    "The child's own words are only on the alert page, behind your sign-in; "
    "Heard never puts them in an email or a chat."
)


@dataclass(frozen=True)
class Notice:
    """One message about one alert: a first notice, or its escalation."""

    alert_id: int
    category: str
    level: str
    route_name: str
    raised_at: datetime
    link: str
    timezone: str = "Europe/London"
    waited_minutes: int | None = None  # set for an escalation
    # When it was last made new again, if ever: an escalation's minutes count from it.
    reopened_at: datetime | None = None

    @property
    def escalation(self) -> bool:
        return self.waited_minutes is not None

    @property
    def raised_words(self) -> str:
        return self._local_words(self.raised_at)

    @property
    def reopened_words(self) -> str | None:
        return None if self.reopened_at is None else self._local_words(self.reopened_at)

    def _local_words(self, moment: datetime) -> str:
        local = moment.astimezone(ZoneInfo(self.timezone))
        return f"{local:%H:%M} on {local:%d %b %Y} ({local:%Z})"

    @property
    def level_line(self) -> str:
        return LEVEL_LINES.get(self.level, self.level.capitalize())

    @property
    def headline(self) -> str:
        if self.escalation:
            return (
                f"Safeguarding alert {self.alert_id} has not been acknowledged "
                f"for {self.waited_minutes} minutes."
            )
        return f"Safeguarding alert {self.alert_id} needs attention."

    def subject(self) -> str:
        if self.escalation:
            return f"Heard: alert {self.alert_id} not acknowledged after {self.waited_minutes} min"
        urgent = "urgent " if self.level == "urgent" else ""
        return f"Heard: {urgent}safeguarding alert {self.alert_id}"

    def facts(self) -> list[tuple[str, str]]:
        facts = [
            ("Alert", str(self.alert_id)),
            ("Level", self.level_line),
            ("About", category_words(self.category)),
            ("Route", self.route_name),
            ("Raised", self.raised_words),
        ]
        if self.reopened_words is not None:
            facts.append(("Reopened", self.reopened_words))
        return facts

    def email_body(self) -> str:
        lines = [self.headline, ""]
        lines += [f"{label + ':':<8} {value}" for label, value in self.facts()]
        lines += ["", f"Open it (sign-in needed): {self.link}", ""]
        if self.escalation:
            lines += [ACKNOWLEDGE, ""]
        lines += [FOOTER, ""]
        return "\n".join(lines)

    def chat_text(self) -> str:
        lines = [
            self.headline,
            self.level_line,
            f"About: {category_words(self.category)}",
            f"Route: {self.route_name}",
            f"Raised: {self.raised_words}",
        ]
        if self.reopened_words is not None:
            lines.append(f"Reopened: {self.reopened_words}")
        if self.escalation:
            lines.append(ACKNOWLEDGE)
        return "\n".join([*lines, self.link])
