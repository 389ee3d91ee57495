"""Helpers for the tests that break things on purpose: a whole-database snapshot, the real
`heard bot` in its own process, and a TCP proxy that can cut the database off."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import httpx
from browser_support import choice_values, hidden_fields, stop_waitress
from fakes.telegram_api import FakeTelegram
from sqlalchemy import Engine, MetaData, select

from heard.settings import Settings

BOT_SCRIPT = (
    "import argparse, sys\n"
    "from heard.bot_command import run_bot\n"
    "from heard.settings import load_settings\n"
    "sys.exit(run_bot(argparse.Namespace(webhook=None), load_settings()))\n"
)


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (reflected, so nothing is left out), in a stable order."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return {
            name: sorted(
                (tuple(row) for row in connection.execute(select(table))),
                key=lambda row: tuple(str(value) for value in row),
            )
            for name, table in sorted(metadata.tables.items())
        }


def wait_until(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class BotProcess:
    """`heard bot` (polling) in a subprocess, pointed at the fake Bot API server."""

    def __init__(self, settings: Settings, fake: FakeTelegram, workdir: Path) -> None:
        self.environment = {k: v for k, v in os.environ.items() if not k.startswith("HEARD_")}
        self.environment |= {
            "HEARD_DATA_DIR": str(settings.data_dir),
            "HEARD_DATABASE_URL": settings.database_url,
            "HEARD_TELEGRAM_TOKEN": fake.token,
            "HEARD_TELEGRAM_API_URL": fake.api_url,
            "HEARD_LOG_LEVEL": "WARNING",
        }
        self.workdir = workdir
        self.process: subprocess.Popen[str] | None = None
        self.stderr: list[str] = []

    def start(self) -> BotProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-c", BOT_SCRIPT],
            cwd=self.workdir,
            env=self.environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            _, err = self.process.communicate(timeout=10)
            raise AssertionError(f"heard bot exited with {self.process.returncode}: {err[-2000:]}")

    def kill(self) -> None:
        """kill -9: no shutdown, no goodbye, exactly as a crash or the OOM killer does it."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        _, err = self.process.communicate(timeout=30)
        self.stderr.append(err)

    def stop(self) -> int:
        """SIGTERM, as systemd or Docker stops it; the exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        _, err = self.process.communicate(timeout=30)
        self.stderr.append(err)
        return self.process.returncode


class TcpProxy:
    """A 127.0.0.1 forwarder to the database server that a test can cut off and restore.

    `cut` closes every open connection at once, as a crashed server or a dropped
    network does, and refuses new ones until `restore`.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.port = int(self.listener.getsockname()[1])
        self.up = threading.Event()
        self.up.set()
        self._stopping = threading.Event()
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._accepter = threading.Thread(target=self._accept_loop, daemon=True)
        self._accepter.start()

    def cut(self) -> None:
        self.up.clear()
        with self._lock:
            doomed, self._open = self._open, set()
        for sock in doomed:
            _close(sock)

    def restore(self) -> None:
        self.up.set()

    def close(self) -> None:
        self._stopping.set()
        self.cut()
        self._accepter.join(timeout=5)
        self.listener.close()

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            if not self.up.is_set():
                _close(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            client.settimeout(None)
            with self._lock:
                self._open |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        """Copy one direction until either side closes; then close both."""
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        with self._lock:
            self._open -= {source, sink}
        _close(source)
        _close(sink)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


# ------------------------------------------------------------------ more processes and servers


def free_port() -> int:
    """A port nothing listens on right now, for a child that must be told its port."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


def heard_environment(settings: Settings, **extra: str) -> dict[str, str]:
    """This process's environment without any HEARD_ variable, plus the given settings."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HEARD_")}
    environment |= {
        "HEARD_DATA_DIR": str(settings.data_dir),
        "HEARD_DATABASE_URL": settings.database_url,
        "HEARD_LOG_LEVEL": "INFO",
    }
    return environment | extra


class HeardProcess:
    """One `heard ...` command in its own process, its output kept line by line.

    A thread reads the output as it comes, so a chatty child never blocks on a full
    pipe, and a test can wait for a line ("Serving on", "leads") instead of sleeping.
    """

    def __init__(self, args: list[str], environment: dict[str, str], workdir: Path) -> None:
        self.args = args
        self.environment = environment
        self.workdir = workdir
        self.process: subprocess.Popen[str] | None = None
        self.lines: list[str] = []
        self._reader: threading.Thread | None = None

    def start(self) -> HeardProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "heard.cli", *self.args],
            cwd=self.workdir,
            env=self.environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, args=(self.process,), daemon=True)
        self._reader.start()
        return self

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            if self._reader is not None:
                self._reader.join(timeout=5)
            raise AssertionError(
                f"heard {' '.join(self.args)} exited with {self.process.returncode}:\n"
                f"{self.output[-3000:]}"
            )

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        """The first output line matching `pattern`, once it has been written."""
        compiled = re.compile(pattern)

        def seen() -> re.Match[str] | None:
            for line in list(self.lines):
                if found := compiled.search(line):
                    return found
            self.check_alive()
            return None

        return wait_until(seen, timeout, f"{pattern!r} from heard {' '.join(self.args)}")

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM, as systemd or Docker stops it, then wait; kill -9 if it hangs."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        if self._reader is not None:
            self._reader.join(timeout=5)
        return self.process.returncode

    def kill(self) -> None:
        """kill -9, for clean-up after a failure: nothing may outlive the test."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class WebProcess(HeardProcess):
    """`heard web` on a port of its own choosing, found in the server's log: waitress's
    "Serving on" for one worker, gunicorn's "Listening at" for several."""

    def __init__(self, settings: Settings, workdir: Path, workers: int = 1, **extra: str) -> None:
        super().__init__(
            ["web", "--host", "127.0.0.1", "--port", "0", "--workers", str(workers)],
            heard_environment(settings, **extra),
            workdir,
        )
        self.url = ""

    def start(self) -> WebProcess:
        super().start()
        found = self.wait_for(r"(?:Serving on|Listening at:) (http://127\.0\.0\.1:\d+)")
        self.url = found.group(1)
        return self


@contextlib.contextmanager
def served(app: Any, threads: int = 4) -> Iterator[str]:
    """An in-process app on waitress at 127.0.0.1 (a free port): real HTTP, real errors."""
    from waitress.server import create_server

    server = create_server(
        app,
        host="127.0.0.1",
        port=0,
        threads=threads,
        ident="heard-test",
        asyncore_loop_timeout=0.1,
    )
    thread = threading.Thread(target=server.run, name="heard-served", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"  # type: ignore[union-attr]
    finally:
        stop_waitress(server, thread)


class SlowTelegram(FakeTelegram):
    """Telegram taking its time over each message, so a test can stop a sweep half-way."""

    def __init__(self, seconds_per_message: float) -> None:
        super().__init__()
        self.seconds_per_message = seconds_per_message

    def _api_sendMessage(self, params: dict[str, Any], files: dict) -> dict:  # noqa: N802
        time.sleep(self.seconds_per_message)
        return super()._api_sendMessage(params, files)


# ------------------------------------------------------------------ a person at a browser

FREE_TEXT = "I like my football club and my carer's dog"


def form_of(html: str) -> list[tuple[str, str]]:
    """What the first form on the page sends: hidden inputs and any textarea's words."""
    form = re.search(r"<form\b.*?</form>", html, re.S)
    assert form, "no form on the page"
    fields = [
        (unescape(name), unescape(value))
        for name, value in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(0)
        )
    ]
    for name, words in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form[0]):
        fields.append((name, unescape(words)))
    return fields


def progress(page: str) -> int | None:
    found = re.search(r'class="progress"[^>]*>(?:Question )?(\d+) of \d+<', page)
    return int(found.group(1)) if found else None


@dataclass
class WebPerson:
    """One young person with their own browser (cookies) answering a check-in link.

    `url` is the web server they reach; a test may change it between requests, as a load
    balancer sends one person's requests to different workers.
    """

    url: str
    token: str
    http: httpx.Client = field(init=False)
    page: str = ""
    statuses: list[int] = field(default_factory=list)
    answered: int = 0

    def __post_init__(self) -> None:
        self.http = httpx.Client(timeout=120)

    def _keep(self, response: httpx.Response) -> httpx.Response:
        self.statuses.append(response.status_code)
        if response.status_code == 200:
            self.page = response.text
        return response

    def open(self) -> httpx.Response:
        return self._keep(self.http.get(f"{self.url}/s/{self.token}"))

    def post(self, fields: list[tuple[str, str]]) -> httpx.Response:
        return self._keep(self.http.post(f"{self.url}/s/{self.token}", data=as_form(fields)))

    def answer(self, **given: str) -> httpx.Response:
        """Answer the question on screen as a browser would, hidden fields and all."""
        return self.post(self.fields_for_answer(**given))

    def fields_for_answer(self, **given: str) -> list[tuple[str, str]]:
        fields = [(k, v) for k, v in hidden_fields(self.page).items()]
        step = dict(fields)["step"]
        if given:
            return [*fields, ("action", "answer"), *given.items()]
        if step == "@consent":
            return [*fields, ("choice", "yes")]
        if step == "@quote":
            return [*fields, ("choice", "no")]
        if 'name="choice"' not in self.page:
            return [*fields, ("action", "answer"), ("text", FREE_TEXT)]
        values = [v for v in choice_values(self.page) if v != "prefer_not_to_say"]
        return [
            *fields,
            ("action", "answer"),
            ("choice", "no" if step == "moved_home" else values[0]),
        ]

    def complete(self) -> None:
        """From the link to the thank-you page, every question answered."""
        assert self.open().status_code == 200
        self.complete_here()

    def complete_here(self) -> None:
        """From the page on screen to the thank-you page, on whichever server `url` names."""
        for _ in range(60):
            if 'name="step"' not in self.page:
                return
            counted = progress(self.page) is not None
            assert self.answer().status_code == 200
            self.answered += counted
        raise AssertionError("the check-in never ended")

    def close(self) -> None:
        self.http.close()


def as_form(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Form fields as httpx posts them, a name given more than once kept as a list."""
    grouped: dict[str, list[str]] = {}
    for name, value in fields:
        grouped.setdefault(name, []).append(value)
    return grouped


def chat_fields(page: str, form: int, **given: str) -> list[tuple[str, str]]:
    """The hidden fields of the chat page's `form`-th form, plus what the person sends."""
    forms = re.findall(r"<form\b.*?</form>", page, re.S)
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', forms[form])
    return [*((n, unescape(v)) for n, v in hidden), *given.items()]
