"""Helpers for the tests that break things on purpose: a whole-database snapshot, the real
`heard bot` in its own process, and a TCP proxy that can cut the database off."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
