"""Keeping the bot token, Telegram ids and people's words out of logs, at any log level.

python-telegram-bot logs every update and every Bot API call with its parameters at
DEBUG, and httpx logs each request's URL, which carries the bot token, at INFO. A
council running with HEARD_LOG_LEVEL=DEBUG, or with its own logging config, must still
never get a child's words, an id or the token in a log file. So the filter sits on the
loggers that make the records: it works whatever handler or level is in use.
"""

from __future__ import annotations

import logging
import re
from typing import Any

HIDDEN = "[hidden]"
_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]{16,}")
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[a-zA-Z%]")
_WORD = re.compile(r"^[A-Za-z_]{1,40}$")  # an endpoint or method name such as sendMessage


def _safe(value: object) -> bool:
    """Kept in a telegram log line: a bare name, or a float such as a retry delay. Ids are
    ints and updates are objects, so both are hidden."""
    return (isinstance(value, str) and bool(_WORD.match(value))) or isinstance(value, float)


def _without_data(msg: str, args: Any) -> str:
    """python-telegram-bot's message with every argument that could carry data hidden."""
    values = iter(args if isinstance(args, tuple) else ())

    def one(match: re.Match[str]) -> str:
        spec = match.group()
        if spec == "%%":
            return "%"
        value = next(values, HIDDEN)
        if _safe(value) and "(" not in spec and "*" not in spec:
            try:
                return spec % (value,)
            except (TypeError, ValueError):
                pass
        return HIDDEN

    return _PLACEHOLDER.sub(one, msg)


def redact_token(text: str) -> str:
    return _TOKEN.sub("[bot token]", text)


class BotLogFilter(logging.Filter):
    """Drops the data from telegram records and the token from every record it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        telegram = record.name == "telegram" or record.name.startswith("telegram.")
        try:
            if telegram and record.args:
                message = _without_data(str(record.msg), record.args)
            else:
                message = record.getMessage()
        except (TypeError, ValueError):  # a broken log call: keep only its format string
            message = _without_data(str(record.msg), ())
        record.msg, record.args = redact_token(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact_token(logging.Formatter().formatException(record.exc_info))
        return True


_FILTER = BotLogFilter()


def protect_bot_logs() -> None:
    """Put the filter on every python-telegram-bot, httpx and httpcore logger (idempotent).

    Their loggers are made when the modules are imported, so calling this once the bot
    is imported covers every record they write."""
    logging.getLogger("httpx")
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        chatty = name.split(".")[0] in ("telegram", "httpx", "httpcore")
        if chatty and isinstance(logger, logging.Logger) and _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
