"""Serving the web app with a production WSGI server, never Flask's dev server.

One process: waitress, threads. Several (`heard web --workers N`, one per core, since
Python's GIL keeps a process to about one core): gunicorn's master forks N workers on
one listening socket, each with its own app, database pool and threads.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import signal
import socket
import threading
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from heard.errors import CommandError
from heard.settings import Settings
from heard.wiring import Database, configure_logging, open_database
from storage.db import session_factory
from webforms.app import create_app, hide_links
from webforms.config import WebConfig

log = logging.getLogger("heard.web")
THREADS = 8  # per process: pages wait on the database far more than they compute


def web_config(settings: Settings) -> WebConfig:
    return WebConfig(
        secret_key=settings.secret_key,
        base_url=settings.base_url,
        kpi_target=settings.kpi_target,
        suppression_threshold=settings.suppression_threshold,
        timezone=settings.timezone,
        secure_cookies=settings.base_url.startswith("https://"),
        rate_limit_storage=settings.rate_limit_storage,
        staff_idle_minutes=settings.staff_idle_minutes,
        trusted_proxies=settings.trusted_proxies,
        metrics_token=settings.metrics_token,
    )


def web_services(settings: Settings, database: Database) -> dict[str, object]:
    """Built once per process: the engine, people and offer search the pages use, and the
    report options the dashboard shares with `heard report` and the scheduler."""
    from heard.notice_wiring import for_pages
    from heard.report_command import report_options
    from surveys.definition import load_catalogue
    from webforms.public.services import build_public_services

    services = build_public_services(
        database.sessions,
        settings.pseudonym_key,
        idle_days=settings.session_idle_days,
        timezone=settings.timezone,
    )
    services["catalogue"] = load_catalogue()
    services["report_sessions"] = session_factory(database.reports)
    services["report_options"] = report_options(settings)
    services.update(for_pages(settings))  # the alerts pages: route names, delivery warnings
    from heard.notify_wiring import web_contact_desk

    desk = web_contact_desk(settings, database)  # texts/emails through Notify, if set up
    if desk is not None:
        services["web_contacts"] = desk
    return services


def serve_web(
    settings: Settings,
    *,
    host: str,
    port: int,
    database: Database | None = None,
    workers: int = 1,
) -> int:
    configure_logging(settings.log_level, settings.log_format)
    if workers > 1:
        return _serve_workers(settings, host=host, port=port, workers=workers)
    from waitress import create_server

    database = database or open_database(settings)
    app = create_app(database.sessions, web_config(settings), web_services(settings, database))
    try:  # bind first, then announce: a port in use is one line, not "answering" + traceback
        server = create_server(app, host=host, port=port, threads=THREADS, ident="heard")
    except OSError as exc:
        raise CommandError(_cannot_listen(host, port, exc)) from None
    print(f"Heard is answering on http://{host}:{port}/  (Ctrl+C to stop)", flush=True)
    server.print_listen("Serving on http://{}:{}")  # waitress's own line, as serve() logs it
    if threading.current_thread() is threading.main_thread():
        # systemd and Docker stop with SIGTERM: waitress stops on SystemExit as on Ctrl+C,
        # letting the requests in hand finish, so nobody's answer is cut off mid-page.
        signal.signal(signal.SIGTERM, _exit)
    try:
        server.run()
    finally:
        server.close()
    return 0


def _cannot_listen(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {host} is already in use (another Heard, or another program); "
            f"stop it or choose another port with --port"
        )
    if error.errno == errno.EACCES:
        return f"not allowed to listen on port {port}; use a port above 1023, behind a proxy"
    return f"cannot listen on {host}:{port} ({error.strerror or error}); check --host and --port"


def _check_port_free(host: str, port: int) -> None:
    """gunicorn binds inside its master after printing and retrying; try the address
    first so a port in use is one line and exit 2."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CommandError(_cannot_listen(host, port, exc)) from None


def _serve_workers(settings: Settings, *, host: str, port: int, workers: int) -> int:
    _check_port_free(host, port)
    # Migrate once, in the master, before any worker starts; pools don't survive a fork.
    open_database(settings).close()
    _share_request_counts(settings.data_dir / "metrics")

    def make_app() -> Flask:
        hide_links(logging.getLogger("gunicorn.error"))
        database = open_database(settings, upgrade_schema=False)
        return create_app(database.sessions, web_config(settings), web_services(settings, database))

    print(
        f"Heard is answering on http://{host}:{port}/ with {workers} workers (Ctrl+C to stop)",
        flush=True,
    )
    return serve_processes(
        make_app, host=host, port=port, workers=workers, log_level=settings.log_level
    )


def _share_request_counts(folder: Path) -> None:
    """Workers count requests into files here, so /metrics (answered by any one worker)
    shows them all: prometheus_client's multiprocess mode, set before any worker starts.
    Emptied at each start, as the mode requires."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(mode=0o700, parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


def _worker_gone(_server: object, worker: object) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(getattr(worker, "pid", 0))


def serve_processes(
    make_app: Callable[[], Flask], *, host: str, port: int, workers: int, log_level: str
) -> int:
    """gunicorn: a master and `workers` forked processes on one socket, `make_app` run in
    each worker after the fork (its own engine and pool). A lost worker is replaced;
    SIGTERM lets each finish the pages in hand, as waitress does."""
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:  # Windows: gunicorn needs fork
        print("--workers over 1 needs Linux or macOS (gunicorn); use one worker here.")
        return 2
    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": THREADS,
        "accesslog": None,  # request lines carry invite links
        "errorlog": "-",
        "loglevel": log_level.lower(),
        "control_socket_disable": True,
        "graceful_timeout": 30,
        "child_exit": _worker_gone,
    }

    class Workers(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return make_app()

    Workers().run()
    return 0


def _exit(*_: object) -> None:
    raise SystemExit(0)
