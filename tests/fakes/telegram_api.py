"""A fake Telegram Bot API server on 127.0.0.1, and a driver that runs a real PTB bot against it.

The bot under test is the real `Application`, talking HTTP to this server through
the same base-URL setting (HEARD_TELEGRAM_API_URL) a self-hosted Bot API server
uses. The fake serves queued user updates through getUpdates (honouring offset),
can redeliver one as Telegram does after a timeout, answers the methods Heard
uses, and records everything the bot sent so tests can read the chat.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

TOKEN = "123456:TEST-token-for-the-fake"
BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Heard",
    "username": "heard_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
_JSON_FIELDS = {
    "reply_markup",
    "commands",
    "allowed_updates",
    "link_preview_options",
    "entities",
    "scope",
    "reply_parameters",
}
_INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "update_id"}
LONG_POLL_SECONDS = 0.2  # the fake holds an empty getUpdates this long, at most


class ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)


def _decode(name: str, value: str) -> Any:
    if name in _JSON_FIELDS:
        return json.loads(value)
    if name in _INT_FIELDS:
        try:
            return int(value)
        except ValueError:
            return value
    if value in ("true", "false"):
        return value == "true"
    return value


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, Any], dict]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    params: dict[str, Any] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        if filename is not None:
            files[str(name)] = (filename, payload)
        else:
            params[str(name)] = _decode(str(name), payload.decode("utf-8"))
    return params, files


class FakeTelegram:
    """The Bot API as far as Heard uses it; thread-safe, started and stopped by the test."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.blocked: set[int] = set()  # chats that blocked the bot: sends get 403
        self.failing: set[int] = set()  # chats whose sends fail with a server error
        self.chats: dict[int, list[dict[str, Any]]] = {}  # chat id -> messages, both ways
        self._queue: list[dict[str, Any]] = []
        self._redeliver: list[dict[str, Any]] = []
        self._delivered: dict[int, dict[str, Any]] = {}
        self._bot_messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._lock = threading.Condition()
        self._server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------------ server

    def start(self) -> FakeTelegram:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, answer = fake._handle(self.path, self.headers.get("Content-Type"), body)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the bot stopped polling while a getUpdates was held open

            do_GET = do_POST  # noqa: N815

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def api_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def _handle(
        self, path: str, content_type: str | None, body: bytes
    ) -> tuple[int, dict[str, Any]]:
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = path[len(prefix) :].split("?")[0]
        kind = (content_type or "").split(";")[0].strip()
        files: dict[str, tuple[str, bytes]] = {}
        if kind == "multipart/form-data":
            params, files = _parse_multipart(content_type or "", body)
        elif kind == "application/json":
            params = json.loads(body or b"{}")
        else:
            params = {k: _decode(k, v) for k, v in parse_qsl(body.decode("utf-8"))}
        if method != "getUpdates":  # recorded even if unknown here, e.g. a getFile
            with self._lock:
                self.calls.append(Call(method, params, files))
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        try:
            return 200, {"ok": True, "result": handler(params, files)}
        except ApiError as exc:
            return exc.code, {"ok": False, "error_code": exc.code, "description": exc.description}

    # ------------------------------------------------------------------ methods

    def _api_getMe(self, params: dict[str, Any], files: dict) -> dict[str, Any]:  # noqa: N802
        return BOT_USER

    def _api_deleteWebhook(self, params: dict[str, Any], files: dict) -> bool:  # noqa: N802
        return True

    def _api_setWebhook(self, params: dict[str, Any], files: dict) -> bool:  # noqa: N802
        return True

    def _api_setMyCommands(self, params: dict[str, Any], files: dict) -> bool:  # noqa: N802
        return True

    def _api_answerCallbackQuery(self, params: dict[str, Any], files: dict) -> bool:  # noqa: N802
        return True

    def _api_getUpdates(self, params: dict[str, Any], files: dict) -> list[dict]:  # noqa: N802
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), LONG_POLL_SECONDS)
        deadline = time.monotonic() + wait
        with self._lock:
            while True:
                self._queue = [u for u in self._queue if u["update_id"] >= offset]
                if self._queue or self._redeliver or time.monotonic() >= deadline:
                    break
                self._lock.wait(deadline - time.monotonic())
            batch = [*self._redeliver, *self._queue]
            self._redeliver = []
            for update in batch:
                self._delivered[update["update_id"]] = update
            return batch

    def _check_chat(self, chat_id: Any) -> int:
        chat = int(chat_id)
        if chat in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat in self.failing:
            raise ApiError(500, "Internal Server Error")
        return chat

    def _bot_message(self, chat: int, **content: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private" if chat > 0 else "group", "title": "Staff"},
            "from": BOT_USER,
            **{k: v for k, v in content.items() if v is not None},
        }
        with self._lock:
            self._bot_messages[(chat, message["message_id"])] = message
            self.chats.setdefault(chat, []).append(message)
        return message

    def _api_sendMessage(self, params: dict[str, Any], files: dict) -> dict:  # noqa: N802
        chat = self._check_chat(params["chat_id"])
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" not in markup:
            # As Telegram does: a ForceReply or reply keyboard is not part of the Message;
            # it is kept in the record of calls (see `sent`) for tests to check.
            markup = None
        return self._bot_message(chat, text=str(params["text"]), reply_markup=markup)

    def _api_sendDocument(self, params: dict[str, Any], files: dict) -> dict:  # noqa: N802
        chat = self._check_chat(params["chat_id"])
        name, content = files["document"]
        document = {
            "file_id": f"doc-{uuid.uuid4().hex}",
            "file_unique_id": uuid.uuid4().hex[:12],
            "file_name": name,
            "file_size": len(content),
        }
        return self._bot_message(chat, document=document, caption=params.get("caption"))

    def _edit(self, params: dict[str, Any], text: str | None) -> dict[str, Any]:
        key = (int(params["chat_id"]), int(params["message_id"]))
        with self._lock:
            message = self._bot_messages.get(key)
            if message is None:
                raise ApiError(400, "Bad Request: message to edit not found")
            markup = params.get("reply_markup")
            new_text = message.get("text") if text is None else text
            if new_text == message.get("text") and markup == message.get("reply_markup"):
                raise ApiError(400, "Bad Request: message is not modified")
            message["text"] = new_text
            if markup is None:
                message.pop("reply_markup", None)
            else:
                message["reply_markup"] = markup
            return dict(message)

    def _api_editMessageText(self, params: dict[str, Any], files: dict) -> dict:  # noqa: N802
        return self._edit(params, str(params["text"]))

    def _api_editMessageReplyMarkup(self, params: dict[str, Any], files: dict) -> dict:  # noqa: N802
        return self._edit(params, None)

    # ------------------------------------------------------------------ the user's side

    def _push(self, update: dict[str, Any]) -> int:
        with self._lock:
            self._queue.append(update)
            self._lock.notify_all()
        return int(update["update_id"])

    def _user(self, user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": "Sam", "language_code": "en"}

    def type_text(self, user_id: int, text: str, reply_to: dict[str, Any] | None = None) -> int:
        """The person types a message (a /command if it starts with a slash), quoting
        `reply_to` as a Telegram client does after a ForceReply."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Sam"},
            "from": self._user(user_id),
            "text": text,
        }
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        with self._lock:
            self.chats.setdefault(user_id, []).append(message)
        return self._push({"update_id": next(self._update_ids), "message": message})

    def send_media(self, user_id: int, kind: str, caption: str | None = None) -> int:
        """The person sends something that isn't typed text, as Telegram delivers it: a
        `photo` (sizes), `sticker`, `voice`, `location`, `document` or `video_note`, with a
        caption where Telegram allows one (photos, documents and voice notes)."""
        if caption is not None and kind not in ("photo", "document", "voice"):
            raise ValueError(f"Telegram has no caption on a {kind}")
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Sam"},
            "from": self._user(user_id),
            kind: MEDIA[kind](),
        }
        if caption is not None:
            message["caption"] = caption
        with self._lock:
            self.chats.setdefault(user_id, []).append(message)
        return self._push({"update_id": next(self._update_ids), "message": message})

    def press_data(self, user_id: int, message: dict[str, Any], data: str) -> int:
        """The person presses a button carrying `data` (real or forged) on a bot message."""
        with self._lock:
            shown = dict(self._bot_messages.get((user_id, message["message_id"]), message))
        query = {
            "id": uuid.uuid4().hex,
            "from": self._user(user_id),
            "chat_instance": f"ci-{user_id}",
            "data": data,
            "message": shown,
        }
        return self._push({"update_id": next(self._update_ids), "callback_query": query})

    def redeliver(self, update_id: int) -> None:
        """Serve an already delivered update again, as Telegram does after a timeout."""
        with self._lock:
            self._redeliver.append(self._delivered[update_id])
            self._lock.notify_all()

    # ------------------------------------------------------------------ reading the chat

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(m) for m in self.chats.get(chat_id, []) if m.get("from") == BOT_USER]

    def last(self, chat_id: int) -> dict[str, Any]:
        return self.bot_messages(chat_id)[-1]

    def sent(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    @staticmethod
    def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
        markup = message.get("reply_markup") or {}
        return [
            (button["text"], button["callback_data"])
            for row in markup.get("inline_keyboard", [])
            for button in row
        ]


def _file(**extra: Any) -> dict[str, Any]:
    return {"file_id": f"file-{uuid.uuid4().hex}", "file_unique_id": uuid.uuid4().hex[:12], **extra}


# What each kind of message carries in a real Bot API update (telegram.org/bots/api#message).
MEDIA: dict[str, Callable[[], Any]] = {
    "photo": lambda: [
        _file(width=90, height=67, file_size=1204),
        _file(width=1280, height=960, file_size=98_112),
    ],
    "sticker": lambda: _file(
        type="regular", width=512, height=512, is_animated=False, is_video=False, emoji="😂"
    ),
    "voice": lambda: _file(duration=7, mime_type="audio/ogg", file_size=21_345),
    "location": lambda: {"latitude": 51.8642, "longitude": -2.2382},
    "document": lambda: _file(
        file_name="letter.pdf", mime_type="application/pdf", file_size=48_200
    ),
    "video_note": lambda: _file(length=240, duration=5, file_size=310_000),
}


class RunningBot:
    """A real Application polling the fake; each user action waits until it is handled."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], fake: FakeTelegram):
        self.app = application
        self.fake = fake
        self._handled: dict[int, asyncio.Event] = {}

    async def _done(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update):
            self._event(update.update_id).set()

    def _event(self, update_id: int) -> asyncio.Event:
        return self._handled.setdefault(update_id, asyncio.Event())

    async def __aenter__(self) -> RunningBot:
        self.app.add_handler(TypeHandler(Update, self._done), group=99)
        await self.app.initialize()
        if self.app.post_init is not None:
            await self.app.post_init(self.app)
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0.0, timeout=1)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.app.updater is not None
        await self.app.updater.stop()
        await self.app.stop()
        await self.app.shutdown()

    async def wait(self, update_id: int, timeout: float = 15.0) -> None:
        event = self._event(update_id)
        await asyncio.wait_for(event.wait(), timeout)
        event.clear()

    async def type(
        self, user_id: int, text: str, reply_to: dict[str, Any] | None = None
    ) -> dict[str, Any] | None:
        """Type a message; the bot's last message to this person afterwards."""
        await self.wait(self.fake.type_text(user_id, text, reply_to))
        messages = self.fake.bot_messages(user_id)
        return messages[-1] if messages else None

    async def chat(
        self, user_id: int, text: str, reply_to: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Type a message; every bot message it brought, in order (edits are not new)."""
        before = len(self.fake.bot_messages(user_id))
        await self.wait(self.fake.type_text(user_id, text, reply_to))
        return self.fake.bot_messages(user_id)[before:]

    async def tap(
        self, user_id: int, label: str | Callable[[str], bool], message: dict | None = None
    ) -> list[dict[str, Any]]:
        """Press a button (as `press`); every new bot message it brought, in order."""
        before = len(self.fake.bot_messages(user_id))
        await self.press(user_id, label, message)
        return self.fake.bot_messages(user_id)[before:]

    async def send(
        self, user_id: int, kind: str, caption: str | None = None
    ) -> list[dict[str, Any]]:
        """Send a photo, sticker, voice note, ...; every bot message it brought, in order."""
        before = len(self.fake.bot_messages(user_id))
        await self.wait(self.fake.send_media(user_id, kind, caption))
        return self.fake.bot_messages(user_id)[before:]

    async def press_data(self, user_id: int, message: dict[str, Any], data: str) -> int:
        update_id = self.fake.press_data(user_id, message, data)
        await self.wait(update_id)
        return update_id

    async def press(
        self, user_id: int, label: str | Callable[[str], bool], message: dict | None = None
    ) -> dict[str, Any]:
        """Press the button whose label is (or matches) `label` on the last question."""
        message = message or self.fake.last(user_id)
        matches = label if callable(label) else (lambda text: text == label)
        buttons = [(t, d) for t, d in self.fake.buttons(message) if matches(t)]
        assert buttons, f"no button {label!r} in {self.fake.buttons(message)}"
        await self.press_data(user_id, message, buttons[0][1])
        return self.fake.last(user_id)

    async def join(
        self,
        user_id: int,
        who: str = "A child or young person in care",
        age: str | None = "16 or 17",
    ) -> dict[str, Any]:
        """/start, who they are and their age band, then "Start a check-in" from what the
        bot offers next; the consent question follows."""
        await self.type(user_id, "/start")
        await self.press(user_id, who)
        if age:
            await self.press(user_id, age)
        return await self.press(user_id, "Start a check-in")

    async def consent(self, user_id: int, quote: str = "No thanks") -> dict[str, Any]:
        await self.press(user_id, "Yes, let's start")
        return await self.press(user_id, quote)

    async def redeliver(self, update_id: int) -> None:
        self.fake.redeliver(update_id)
        await self.wait(update_id)


STAFF_CHAT = -100777
DASHBOARD = "https://heard.example.org"


def heard_bot(database: Any, fake: FakeTelegram, **overrides: Any) -> RunningBot:
    """Heard's real bot Application, pointed at the fake by its API URL."""
    from bot.app import build_application
    from bot.config import BotConfig
    from surveys.definition import load_catalogue

    config = BotConfig(
        token=fake.token,
        pseudonym_key=overrides.pop("pseudonym_key", b"bot-test-pseudonym-key-0123456789"),
        secret_key=overrides.pop("secret_key", b"bot-test-secret-key-0123456789"),
        api_url=fake.api_url,
        dashboard_url=DASHBOARD,
    )
    offer = overrides.pop("offer", None)
    application = build_application(
        config, database.sessions, load_catalogue(), offer=offer, **overrides
    )
    application.bot_data["config"] = config
    return RunningBot(application, fake)
