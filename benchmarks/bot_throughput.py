"""Bot updates per second through the real PTB Application, against a bare echo bot (issue 9).

    .venv/bin/python benchmarks/bot_throughput.py [--people 100] [--postgres URL] [--profile]

Each simulated person sends /start, picks who they are and their age band, agrees,
answers the whole `checkin-11-17` (buttons mostly, some typed, the comment typed),
then sends /checkin and answers the `pulse`: two complete conversations each, so
--people 100 is 200 conversations, about 4,000 updates. Every update goes through
Heard's real `build_application` and `Application.process_update`; the bot's HTTP
layer is a `BaseRequest` answered in-process with canned JSON, so no network is
measured (parameters are still JSON-encoded and replies parsed, as over HTTP).

The same updates are then replayed through a bare PTB echo bot built the same way
(same builder, rate limiter, in-process request): it answers a button press or
echoes a message, one Bot API call per update. Heard and echo run in interleaved
chunks so a busy machine slows both alike. Only the time inside `process_update`
counts. By default the process is pinned to one CPU core (the database server,
for PostgreSQL, runs elsewhere). Rate limits are off (0) in both, as they model
Telegram's flood limits, not the bot's cost.

Targets on SQLite: Heard costs at most 3x the echo bot per update, and at least
300 updates/s. PostgreSQL runs when --postgres or HEARD_TEST_POSTGRES_URL is given,
in a throwaway schema. --profile adds a cProfile run (database work inline so the
profiler sees it) and prints where the time goes. Exits 1 if a SQLite target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import json
import os
import pstats
import random
import re
import secrets
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from throwaway_schema import postgres_schema

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import (  # noqa: E402
    Column,
    Engine,
    Integer,
    MetaData,
    Table,
    event,
)
from telegram import Update  # noqa: E402
from telegram.ext import (  # noqa: E402
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, RequestData  # noqa: E402

import bot.app  # noqa: E402
from bot.app import build_application  # noqa: E402
from bot.config import BotConfig  # noqa: E402
from bot.handlers import BotHandlers  # noqa: E402
from storage.db import make_engine, session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from surveys.definition import load_catalogue  # noqa: E402

TOKEN = "123456:BENCH-token"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Heard", "username": "heard_bench_bot"}
TARGET_RATIO = 3.0
TARGET_RATE = 300.0
CHUNKS = 4
COMMENT = "My mates are great and I like my room"
STEP_LIMIT = 80  # answers per conversation, at most: a loop that never ends is a bug
App = Application[Any, Any, Any, Any, Any, Any]


class CannedBotApi(BaseRequest):
    """The Bot API answered in-process; keeps each chat's messages so a script can press."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.last: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(1)

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = request_data.json_parameters if request_data else {}  # as HTTPXRequest does
        self.calls[name] += 1
        return 200, json.dumps({"ok": True, "result": self._answer(name, params)}).encode()

    def _answer(self, name: str, params: dict[str, str]) -> Any:
        if name == "getMe":
            return BOT_USER
        if name == "sendMessage":
            chat = int(params["chat_id"])
            message = {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": chat, "type": "private"},
                "from": BOT_USER,
                "text": params["text"],
            }
            if "reply_markup" in params:
                message["reply_markup"] = json.loads(params["reply_markup"])
            self.messages[(chat, message["message_id"])] = message
            self.last[chat] = message
            return message
        if name in ("editMessageText", "editMessageReplyMarkup"):
            message = self.messages[(int(params["chat_id"]), int(params["message_id"]))]
            message["text"] = params.get("text", message["text"])
            if "reply_markup" in params:
                message["reply_markup"] = json.loads(params["reply_markup"])
            else:
                message.pop("reply_markup", None)
            return message
        return True  # answerCallbackQuery, setMyCommands, deleteWebhook


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(button["text"], button["callback_data"]) for row in rows for button in row]


def plain(label: str) -> str:
    """A button label as someone would type it: no emoji."""
    return re.sub(r"^[^\w']+\s*", "", label)


@dataclass
class Timed:
    """Updates pushed and seconds spent inside process_update."""

    updates: int = 0
    seconds: float = 0.0
    sent: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0


class Person:
    """One young person's side of the chat, pushing updates into an Application."""

    update_ids = itertools.count(1)

    def __init__(self, app: App, api: CannedBotApi, user_id: int, rng: random.Random) -> None:
        self.app, self.api, self.user_id, self.rng = app, api, user_id, rng
        self.timed = Timed()
        self.sender = {"id": user_id, "is_bot": False, "first_name": "Sam"}

    async def _push(self, data: dict[str, Any]) -> dict[str, Any]:
        data = {"update_id": next(self.update_ids), **data}
        update = Update.de_json(data, self.app.bot)
        started = time.perf_counter()
        await self.app.process_update(update)
        self.timed.seconds += time.perf_counter() - started
        self.timed.updates += 1
        self.timed.sent.append(data)
        return self.api.last[self.user_id]

    async def type(self, words: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self.update_ids),
            "date": int(time.time()),
            "chat": {"id": self.user_id, "type": "private"},
            "from": self.sender,
            "text": words,
        }
        if words.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(words)}]
        return await self._push({"message": message})

    async def press(self, label: str | None = None, index: int | None = None) -> dict[str, Any]:
        shown = self.api.last[self.user_id]
        options = buttons(shown)
        data = options[index][1] if index is not None else dict(options)[label or ""]
        query = {
            "id": secrets.token_hex(8),
            "from": self.sender,
            "chat_instance": f"ci-{self.user_id}",
            "data": data,
            "message": dict(shown),
        }
        return await self._push({"callback_query": query})

    async def answer(self, shown: dict[str, Any]) -> dict[str, Any]:
        """Whatever is on screen: a consent, a question by button or typed, or the comment."""
        labels = [label for label, _ in buttons(shown)]
        if "Yes, let's start" in labels:
            return await self.press("Yes, let's start")
        if "No thanks" in labels:
            return await self.press("No thanks")
        if not labels or labels == ["Skip"]:
            return await self.type(COMMENT)
        if "Done ✔" in labels:
            await self.press(index=0)  # a toggle, then done
            return await self.press("Done ✔")
        options = [label for label in labels if label != "Skip"]
        pick = self.rng.choice(options)
        if self.rng.random() < 0.25 and plain(pick):
            return await self.type(plain(pick))
        return await self.press(pick)

    async def converse(self) -> Timed:
        """Join, the full check-in for 11 to 17, then the pulse."""
        await self.type("/start")
        await self.press(index=0)  # a child or young person in care
        shown = await self.press(index=2)  # 11 to 17
        for survey in ("checkin-11-17", "pulse"):
            for _ in range(STEP_LIMIT):
                if "Thank you" in shown.get("text", ""):
                    break
                shown = await self.answer(shown)
            else:
                raise RuntimeError(f"{survey} did not finish: {shown.get('text')!r}")
            if survey == "checkin-11-17":
                shown = await self.type("/checkin")
                if "Thank you" in shown.get("text", ""):
                    raise RuntimeError("/checkin did not start the pulse")
        return self.timed


def no_flood_limits() -> AIORateLimiter:
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0)


@contextmanager
def in_process(api: CannedBotApi) -> Iterator[None]:
    """Every Application built inside uses `api` for HTTP and no flood limits."""
    original = Application.builder

    def builder() -> Any:
        return original().request(api).get_updates_request(api)

    with (
        mock.patch.object(Application, "builder", staticmethod(builder)),
        mock.patch.object(bot.app, "rate_limiter", no_flood_limits),
    ):
        yield


class StatementCounter:
    """How many SQL statements Heard runs, and which shapes most often."""

    def __init__(self, engine: Engine) -> None:
        self.shapes: Counter[str] = Counter()
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.shapes[" ".join(statement.split())[:90]] += 1

    @property
    def total(self) -> int:
        return sum(self.shapes.values())


def heard_application(url: str, api: CannedBotApi) -> tuple[App, StatementCounter]:
    engine = make_engine(url)
    upgrade(engine)
    statements = StatementCounter(engine)
    config = BotConfig(
        token=TOKEN,
        pseudonym_key=b"bench-pseudonym-key-0123456789",
        secret_key=b"bench-secret-key-0123456789",
        api_url="http://127.0.0.1:9/bot",
    )
    with in_process(api):
        app = build_application(config, session_factory(engine), load_catalogue())
    return app, statements


def echo_application(api: CannedBotApi, save: Callable[[int], None] | None = None) -> App:
    """A bare echo bot; with `save`, it first records each update in one transaction."""

    async def saved(update: Update) -> None:
        if save is not None:
            await asyncio.to_thread(save, update.update_id)

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await saved(update)
        await update.message.reply_text(update.message.text)

    async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        await saved(update)
        await update.callback_query.answer()

    with in_process(api):
        app = (
            Application.builder()
            .token(TOKEN)
            .base_url("http://127.0.0.1:9/bot")
            .rate_limiter(bot.app.rate_limiter())
            .build()
        )
    app.add_handler(CallbackQueryHandler(press))
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


def one_insert_per_update(url: str) -> Callable[[int], None]:
    """The least a bot that keeps what it is told could do: one INSERT, one commit."""
    engine = make_engine(url)
    table = Table(
        "bench_echo_updates",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("update_id", Integer, unique=True, nullable=False),
    )
    table.create(engine, checkfirst=True)

    def save(update_id: int) -> None:
        with engine.begin() as connection:
            connection.execute(table.insert().values(update_id=update_id))

    return save


async def replay(app: App, sent: list[dict[str, Any]]) -> Timed:
    timed = Timed()
    for data in sent:
        update = Update.de_json(data, app.bot)
        started = time.perf_counter()
        await app.process_update(update)
        timed.seconds += time.perf_counter() - started
        timed.updates += 1
    return timed


@contextmanager
def inline_database_work() -> Iterator[None]:
    """Run the handlers' database calls on the event loop, so cProfile sees them."""

    async def inline(work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return work(*args, **kwargs)

    with mock.patch.object(BotHandlers, "_db", staticmethod(inline)):
        yield


@dataclass
class Result:
    backend: str
    heard: Timed
    echo: Timed
    saving: Timed
    statements: Counter[str]
    inline: Timed | None = None
    profile: pstats.Stats | None = None

    @property
    def ratio(self) -> float:
        return self.echo.rate / self.heard.rate


def add(total: Timed, part: Timed) -> None:
    total.updates += part.updates
    total.seconds += part.seconds
    total.sent.extend(part.sent)


async def measure(url: str, backend: str, people: int, profile: bool, seed: int) -> Result:
    heard_api = CannedBotApi()
    heard, statements = heard_application(url, heard_api)
    echo = echo_application(CannedBotApi())
    saving = echo_application(CannedBotApi(), one_insert_per_update(url))
    apps = (heard, echo, saving)
    for app in apps:
        await app.initialize()
    rng = random.Random(seed)
    users = itertools.count(7_000_000)

    async def people_through(count: int) -> Timed:
        total = Timed()
        for _ in range(count):
            add(total, await Person(heard, heard_api, next(users), rng).converse())
        return total

    try:
        warm = await people_through(3)  # imports, caches, prepared statements
        await replay(echo, warm.sent)
        await replay(saving, warm.sent)
        before = Counter(statements.shapes)
        totals = Timed(), Timed(), Timed()
        for chunk in range(CHUNKS):
            size = people // CHUNKS + (1 if chunk < people % CHUNKS else 0)
            done = await people_through(size)
            add(totals[0], done)
            add(totals[1], await replay(echo, done.sent))
            add(totals[2], await replay(saving, done.sent))
        result = Result(backend, *totals, statements=statements.shapes - before)
        with inline_database_work():
            result.inline = await people_through(max(1, people // 10))
            if profile:
                profiler = cProfile.Profile()
                profiler.enable()
                await people_through(max(1, people // 10))
                profiler.disable()
                result.profile = pstats.Stats(profiler)
        return result
    finally:
        for app in apps:
            await app.shutdown()


AREAS = (
    ("sqlite3 / psycopg (driver + server wait)", ("sqlite3", "psycopg", "{method 'execute'")),
    ("SQLAlchemy", ("sqlalchemy",)),
    ("python-telegram-bot", ("telegram",)),
    ("Heard: surveys/", ("/surveys/",)),
    ("Heard: analysis/ (safeguarding)", ("/analysis/",)),
    ("Heard: bot/", ("/bot/",)),
    ("Heard: storage/", ("/storage/",)),
    ("json", ("json",)),
    ("asyncio", ("asyncio",)),
)


def where_time_goes(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Own time (tottime) summed by library, largest first."""
    totals: Counter[str] = Counter()
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        place = f"{filename} {name}"
        area = next((label for label, keys in AREAS if any(k in place for k in keys)), "other")
        totals[area] += tottime
    whole = sum(totals.values()) or 1.0
    return [(area, seconds / whole) for area, seconds in totals.most_common()]


def report(result: Result) -> None:
    heard, echo, saving = result.heard, result.echo, result.saving
    per_update = sum(result.statements.values()) / heard.updates
    print(f"\n{result.backend}")
    print(f"  Heard:               {heard.rate:8,.0f} updates/s  ({heard.updates:,} updates)")
    print(f"  echo:                {echo.rate:8,.0f} updates/s  (one Bot API call each)")
    print(f"  echo + one INSERT:   {saving.rate:8,.0f} updates/s  (one transaction each)")
    if result.inline is not None:
        print(f"  Heard, database work inline (no worker thread): {result.inline.rate:,.0f}/s")
    print(f"  Heard costs {result.ratio:.1f}x the echo bot per update")
    print(f"  Heard costs {saving.rate / heard.rate:.1f}x the echo bot that saves each update")
    print(f"  Heard runs {per_update:.1f} SQL statements per update; the most frequent:")
    for shape, count in result.statements.most_common(8):
        print(f"    {count / heard.updates:5.2f}  {shape}")
    if result.profile is not None:
        print("  where Heard's time goes (cProfile, own time, database work inline):")
        for area, share in where_time_goes(result.profile):
            print(f"    {share:6.1%}  {area}")
        print("  top functions by cumulative time:")
        result.profile.sort_stats("cumulative").print_stats(r"/(bot|surveys|storage)/", 15)


def verdict(result: Result) -> list[str]:
    """Plain sentences for each target, met or missed and by how much."""
    lines = []
    ratio_ok = result.ratio <= TARGET_RATIO
    lines.append(
        f"{result.backend}: cost ratio {result.ratio:.2f}x "
        + ("meets" if ratio_ok else f"misses by {result.ratio / TARGET_RATIO - 1:.0%}")
        + f" the {TARGET_RATIO:.0f}x target"
    )
    rate_ok = result.heard.rate >= TARGET_RATE
    lines.append(
        f"{result.backend}: {result.heard.rate:,.0f} updates/s "
        + ("meets" if rate_ok else f"misses by {1 - result.heard.rate / TARGET_RATE:.0%}")
        + f" the {TARGET_RATE:.0f}/s target"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100, help="two conversations each")
    parser.add_argument("--postgres", default=os.environ.get("HEARD_TEST_POSTGRES_URL"))
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    parser.add_argument("--all-cores", action="store_true", help="do not pin to one core")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    if not args.all_cores and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"Bot throughput: {args.people} people, {2 * args.people} conversations "
        f"(checkin-11-17 + pulse each), {cores} core(s), Python {sys.version.split()[0]}"
    )
    results = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        results.append(
            asyncio.run(measure(url, "SQLite (WAL)", args.people, args.profile, args.seed))
        )
    if args.postgres:
        with postgres_schema(args.postgres) as url:
            results.append(
                asyncio.run(measure(url, "PostgreSQL", args.people, args.profile, args.seed))
            )
    else:
        print("(PostgreSQL skipped: pass --postgres URL or set HEARD_TEST_POSTGRES_URL)")
    for result in results:
        report(result)
    print()
    for result in results:
        for line in verdict(result):
            print(line)
    sqlite = results[0]
    return 0 if sqlite.ratio <= TARGET_RATIO and sqlite.heard.rate >= TARGET_RATE else 1


if __name__ == "__main__":
    sys.exit(main())
