"""`heard run`: the web app, the bot and the scheduler together, as child processes.

The scheduler sends every safeguarding alert notice (email and Telegram), so it is
always started, bot or no bot; it logs one loud line if alerts would reach nobody.

Separate processes keep each part's event loop and signals its own; if one stops,
the others are stopped too, so a supervisor (systemd, a container) restarts the set.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time

from heard.notice_wiring import check_routes
from heard.settings import Settings
from heard.wiring import open_database


def run_all(args: argparse.Namespace, settings: Settings) -> int:
    check_routes(settings)  # a broken alert routes file stops everything here, in one line
    open_database(settings).close()  # migrate once, before the children start
    base = [sys.executable, "-m", "heard.cli", "--data-dir", str(settings.data_dir)]
    commands = {
        "web": [
            *base,
            *("web", "--host", args.host, "--port", str(args.port)),
            *("--workers", str(getattr(args, "workers", 1))),
        ],
        "scheduler": [*base, "scheduler"],
    }
    if settings.telegram_token:
        commands["bot"] = [*base, "bot"]
    else:
        print("No HEARD_TELEGRAM_TOKEN set, so the Telegram bot is not started.", flush=True)
    children = {name: subprocess.Popen(command) for name, command in commands.items()}
    print(f"Heard is running: {', '.join(children)} (Ctrl+C to stop).", flush=True)

    stopping: list[bool] = []

    def stop(*_: object) -> None:
        for child in children.values():
            if child.poll() is None:
                child.terminate()

    def asked_to_stop(*_: object) -> None:  # systemd or Docker: SIGTERM, a clean stop
        stopping.append(True)
        stop()

    signal.signal(signal.SIGTERM, asked_to_stop)
    try:
        while True:
            for name, child in children.items():
                code = child.poll()
                if code is None:
                    continue
                if not stopping:
                    print(
                        f"heard: the {name} stopped (exit {code}); stopping the rest.", flush=True
                    )
                    stop()
                for other in children.values():
                    other.wait(timeout=30)
                return 0 if stopping else code or 1
            time.sleep(1)
    except KeyboardInterrupt:
        stop()
        for child in children.values():
            child.wait(timeout=30)
        return 0
