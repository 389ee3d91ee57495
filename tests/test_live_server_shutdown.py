"""The browser tests' live server stops cleanly, however busy it is when told to.

Closing waitress's sockets from the test thread while its loop thread sat in select()
made the loop touch a closed descriptor (EBADF) now and then: a warning in about one
full run in three. The server is now stopped from its own loop thread."""

from __future__ import annotations

import http.client
import threading
from pathlib import Path

from browser_support import serve


def test_stopping_the_live_server_while_connections_are_open_raises_nothing(
    tmp_path: Path,
) -> None:
    failures: list[threading.ExceptHookArgs] = []
    previous = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        # Only the servers' own threads: in a full run, threads other tests left behind
        # may fail meanwhile, and that is not this teardown's doing.
        name = args.thread.name if args.thread is not None else ""
        if name.startswith(("waitress", "heard-live-server")):
            failures.append(args)
        else:
            previous(args)

    threading.excepthook = hook
    try:
        for round_ in range(40):
            server = serve(tmp_path / str(round_), "sqlite://")
            live = next(server)
            host, port = live.url.removeprefix("http://").split(":")
            # Idle keep-alive connections stay in the loop's map until it stops.
            connections = [http.client.HTTPConnection(host, int(port)) for _ in range(3)]
            for connection in connections:
                connection.request("GET", "/healthz")
                connection.getresponse().read()
            for _ in server:  # the fixture's teardown
                pass
            for connection in connections:
                connection.close()
    finally:
        threading.excepthook = previous
    assert [f"{f.exc_type.__name__}: {f.exc_value}" for f in failures] == []
