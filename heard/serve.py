"""Serving the web app with a production WSGI server (waitress), never Flask's dev server."""

from __future__ import annotations

import logging
import signal
import threading

from heard.settings import Settings
from heard.wiring import Database, configure_logging, open_database
from webforms.app import create_app
from webforms.config import WebConfig

log = logging.getLogger("heard.web")


def web_config(settings: Settings) -> WebConfig:
    return WebConfig(
        secret_key=settings.secret_key,
        base_url=settings.base_url,
        kpi_target=settings.kpi_target,
        suppression_threshold=settings.suppression_threshold,
        timezone=settings.timezone,
        secure_cookies=settings.base_url.startswith("https://"),
    )


def web_services(settings: Settings, database: Database) -> dict[str, object]:
    """Built once per process: the engine, people and offer search the pages use, and the
    report options the dashboard shares with `heard report` and the scheduler."""
    from heard.report_command import report_options
    from surveys.definition import load_catalogue
    from webforms.public.services import build_public_services

    services = build_public_services(
        database.sessions, settings.pseudonym_key, idle_days=settings.session_idle_days
    )
    services["catalogue"] = load_catalogue()
    services["report_options"] = report_options(settings)
    return services


def serve_web(settings: Settings, *, host: str, port: int, database: Database | None = None) -> int:
    from waitress import serve

    configure_logging(settings.log_level)
    database = database or open_database(settings)
    app = create_app(database.sessions, web_config(settings), web_services(settings, database))
    print(f"Heard is answering on http://{host}:{port}/  (Ctrl+C to stop)", flush=True)
    if threading.current_thread() is threading.main_thread():
        # systemd and Docker stop with SIGTERM: waitress stops on SystemExit as on Ctrl+C,
        # letting the requests in hand finish, so nobody's answer is cut off mid-page.
        signal.signal(signal.SIGTERM, _exit)
    serve(app, host=host, port=port, threads=8, ident="heard")
    return 0


def _exit(*_: object) -> None:
    raise SystemExit(0)
