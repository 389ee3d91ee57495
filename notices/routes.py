"""Where each alert's notice goes: the council's routes file, checked on load.

A council names its routes (the safeguarding lead, the LADO, the housing options duty
line, the missing-from-care team...), each with the addresses and Telegram chat that
hear, and an escalation time; rules send a category, or a category at one level, to
a route; everything else goes to the default route. Content is data, so the file is
YAML a council edits (start from `routes.example.yaml`), and a mistake in it names
the file, the line, the item and the fix, as every Heard data file does.

Without a file, every alert goes to one route built from the settings
(`HEARD_SAFEGUARDING_EMAIL`, `HEARD_STAFF_CHAT_ID`), so a council is never silent
for want of a file.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.safeguarding import ALERT_CATEGORIES
from analysis.safeguarding.lexicon import LEVELS
from notices.recipients import Recipients
from storage.datafiles import DataFileError, key_line, line_of, load_yaml, require_mapping

EXAMPLE_PATH = Path(__file__).with_name("routes.example.yaml")
DEFAULT_ROUTE = "safeguarding_lead"
DEFAULT_ESCALATION_MINUTES = 60
MAX_ESCALATION_MINUTES = 10080  # a week
EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
ROUTE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
TELEGRAM_CHAT = re.compile(r"^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$")
TOP_KEYS = ("version", "routes", "rules", "default_route")
ROUTE_KEYS = ("name", "email", "telegram_chat", "escalate_after_minutes", "escalate_to")
RECIPIENT_KEYS = ("email", "telegram_chat")
RULE_KEYS = ("category", "level", "route")


@dataclass(frozen=True)
class Route:
    key: str
    name: str
    to: Recipients
    escalate_after_minutes: int = DEFAULT_ESCALATION_MINUTES
    escalate_to: Recipients = Recipients()

    @property
    def escalation_recipients(self) -> Recipients:
        """The escalation contacts, or, with none named, the route's own again."""
        return self.to if self.escalate_to.empty else self.escalate_to


@dataclass(frozen=True)
class Rule:
    """Alerts of these categories (None: any) at these levels (None: either) go to `route`."""

    route: str
    categories: frozenset[str] | None = None
    levels: frozenset[str] | None = None

    def matches(self, category: str, level: str) -> bool:
        return (self.categories is None or category in self.categories) and (
            self.levels is None or level in self.levels
        )


@dataclass(frozen=True)
class RouteBook:
    """Every route and the rules that choose one; `source` says where they came from."""

    routes: dict[str, Route]
    rules: tuple[Rule, ...]
    default: str
    source: str

    def route_for(self, category: str, level: str) -> Route:
        """The first rule that matches wins; otherwise the default route."""
        for rule in self.rules:
            if rule.matches(category, level):
                return self.routes[rule.route]
        return self.routes[self.default]

    def route_of(self, stored: str | None, category: str, level: str) -> Route:
        """The route an alert was given, if it still exists; else routed afresh."""
        if stored is not None and stored in self.routes:
            return self.routes[stored]
        return self.route_for(category, level)

    def name_of(self, key: str | None) -> str:
        """A route's display name, for pages; its key if the file no longer has it."""
        if key is None:
            return "Not routed yet"
        route = self.routes.get(key)
        return route.name if route is not None else key


def default_routes(
    emails: Iterable[str] = (),
    telegram_chat: str | None = None,
    *,
    escalate_after_minutes: int = DEFAULT_ESCALATION_MINUTES,
    escalation_emails: Iterable[str] = (),
    escalation_chat: str | None = None,
) -> RouteBook:
    """One route for every alert, from the settings, when a council has no routes file."""
    route = Route(
        key=DEFAULT_ROUTE,
        name="Safeguarding lead",
        to=Recipients(tuple(emails), telegram_chat),
        escalate_after_minutes=escalate_after_minutes,
        escalate_to=Recipients(tuple(escalation_emails), escalation_chat),
    )
    return RouteBook({route.key: route}, (), DEFAULT_ROUTE, "settings")


# ------------------------------------------------------------------ reading the file


def _key_line(path: Path, start: int | None, key: str) -> int | None:
    """Where `key` is in the block at `start`, or the block's own line."""
    return key_line(path, start, key) or start


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'? " if close else ""


def _unknown_keys(
    path: Path, block: dict[str, Any], allowed: tuple[str, ...], item: str, line: int | None
) -> None:
    for key in block:
        if key not in allowed:
            raise DataFileError(
                path,
                f"unknown key '{key}'",
                line=_key_line(path, line, str(key)),
                item=item,
                fix=f"{_did_you_mean(str(key), allowed)}use only {', '.join(allowed)}",
            )


def _emails(path: Path, raw: Any, item: str, line: int | None) -> tuple[str, ...]:
    values = raw if isinstance(raw, list) else [raw]
    found: list[str] = []
    for value in values:
        if not isinstance(value, str) or not EMAIL.match(value.strip()):
            raise DataFileError(
                path,
                f"{value!r} is not an email address",
                line=line_of(raw) or _key_line(path, line, "email"),
                item=item,
                fix="write one address, or a list: [lead@council.example, deputy@council.example]",
            )
        found.append(value.strip().lower())
    return tuple(dict.fromkeys(found))


def _chat(path: Path, raw: Any, item: str, line: int | None) -> str:
    text = str(raw).strip() if isinstance(raw, str | int) else ""
    if not TELEGRAM_CHAT.match(text):
        raise DataFileError(
            path,
            f"{raw!r} is not a Telegram chat id",
            line=_key_line(path, line, "telegram_chat"),
            item=item,
            fix='write the group\'s number in quotes, e.g. "-1001234567890", or a @channelname',
        )
    return text


def _recipients(path: Path, block: dict[str, Any], item: str, line: int | None) -> Recipients:
    emails = _emails(path, block["email"], f"{item}.email", line) if "email" in block else ()
    chat = None
    if block.get("telegram_chat") is not None:
        chat = _chat(path, block["telegram_chat"], f"{item}.telegram_chat", line)
    return Recipients(emails, chat)


def _route(path: Path, key: Any, raw: Any) -> Route:
    item = f"routes.{key}"
    if not isinstance(key, str) or not ROUTE_KEY.match(key):
        raise DataFileError(
            path,
            f"{key!r} cannot be a route's name",
            line=line_of(raw),
            item=item,
            fix="use lower-case letters, digits and _, starting with a letter, e.g. housing_duty",
        )
    block = require_mapping(path, raw, item)
    line = line_of(block)
    _unknown_keys(path, block, ROUTE_KEYS, item, line)
    name = block.get("name")
    if not isinstance(name, str) or not name.strip():
        raise DataFileError(
            path,
            "the route has no name",
            line=line,
            item=f"{item}.name",
            fix='add the name staff will see, e.g. name: "Housing options duty line"',
        )
    to = _recipients(path, block, item, line)
    if to.empty:
        raise DataFileError(
            path,
            "nobody would hear about these alerts",
            line=line,
            item=item,
            fix="give the route an email: (one address or a list) and/or a telegram_chat:",
        )
    minutes = block.get("escalate_after_minutes", DEFAULT_ESCALATION_MINUTES)
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        minutes = -1
    if not 1 <= minutes <= MAX_ESCALATION_MINUTES:
        raise DataFileError(
            path,
            f"escalate_after_minutes is {block.get('escalate_after_minutes')!r}",
            line=_key_line(path, line, "escalate_after_minutes"),
            item=f"{item}.escalate_after_minutes",
            fix=f"write a whole number of minutes from 1 to {MAX_ESCALATION_MINUTES}, e.g. 60",
        )
    escalate_to = Recipients()
    if block.get("escalate_to") is not None:
        inner = require_mapping(path, block["escalate_to"], f"{item}.escalate_to")
        _unknown_keys(path, inner, RECIPIENT_KEYS, f"{item}.escalate_to", line_of(inner))
        escalate_to = _recipients(path, inner, f"{item}.escalate_to", line_of(inner))
    return Route(key, name.strip(), to, minutes, escalate_to)


def _names(
    path: Path, raw: Any, allowed: tuple[str, ...], key: str, item: str, line: int | None
) -> frozenset[str] | None:
    what = key
    if raw is None or raw == "any":
        return None
    values = raw if isinstance(raw, list) else [raw]
    for value in values:
        if value not in allowed:
            raise DataFileError(
                path,
                f"unknown {what} {value!r}",
                line=line_of(raw) or line,
                item=item,
                fix=f"{_did_you_mean(str(value), allowed)}use one of {', '.join(allowed)}",
            )
    return frozenset(values)


def _rule(path: Path, index: int, raw: Any, routes: dict[str, Route]) -> Rule:
    item = f"rules[{index + 1}]"
    block = require_mapping(path, raw, item)
    line = line_of(block)
    _unknown_keys(path, block, RULE_KEYS, item, line)
    route = block.get("route")
    if route not in routes:
        raise DataFileError(
            path,
            f"there is no route {route!r}" if route else "the rule names no route",
            line=_key_line(path, line, "route") if route else line,
            item=f"{item}.route",
            fix=f"{_did_you_mean(str(route), routes)}use one of {', '.join(routes)}",
        )
    if "category" not in block and "level" not in block:
        raise DataFileError(
            path,
            "the rule would send every alert to one route",
            line=line,
            item=item,
            fix="give it a category: (and optionally a level:), or use default_route: instead",
        )
    categories = _names(
        path, block.get("category"), ALERT_CATEGORIES, "category", f"{item}.category", line
    )
    levels = _names(path, block.get("level"), tuple(LEVELS), "level", f"{item}.level", line)
    return Rule(str(route), categories, levels)


def compile_routes(path: str | Path) -> RouteBook:
    """Read and check a routes file; a mistake raises DataFileError naming where and the fix."""
    path = Path(path)
    raw = require_mapping(path, load_yaml(path), "the file")
    _unknown_keys(path, raw, TOP_KEYS, "the file", line_of(raw))
    routes_raw = raw.get("routes")
    if not isinstance(routes_raw, dict) or not routes_raw:
        raise DataFileError(
            path,
            "there are no routes",
            line=line_of(routes_raw) or line_of(raw),
            item="routes",
            fix="add 'routes:' with at least one route; start from notices/routes.example.yaml",
        )
    routes = {str(key): _route(path, key, value) for key, value in routes_raw.items()}
    rules_raw = raw.get("rules") or []
    if not isinstance(rules_raw, list):
        raise DataFileError(
            path,
            "rules must be a list",
            line=line_of(rules_raw) or line_of(raw),
            item="rules",
            fix="write each rule on its own line starting '- category: ...'",
        )
    rules = tuple(_rule(path, n, rule, routes) for n, rule in enumerate(rules_raw))
    default = raw.get("default_route")
    if default not in routes:
        raise DataFileError(
            path,
            f"there is no route {default!r}" if default else "default_route is missing",
            line=_key_line(path, line_of(raw), "default_route") if default else line_of(raw),
            item="default_route",
            fix=f"{_did_you_mean(str(default), routes)}name the route for every other alert, "
            f"one of {', '.join(routes)}",
        )
    return RouteBook(routes, rules, str(default), str(path))
