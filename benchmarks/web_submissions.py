"""Web form submissions under a production WSGI server, against a bare one-INSERT Flask route.

    .venv/bin/python benchmarks/web_submissions.py [--clients 50] [--rate 200] [--seconds 10]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--no-pin]
        [--workers 2]

Two servers run side by side as subprocesses under waitress, with the 8 threads
`heard web` uses, both pinned to one CPU core (this machine's other core runs the
load generator; on PostgreSQL the database server floats). With --workers N both run
as `heard web --workers N` does (gunicorn, N forked processes of 8 threads), unpinned:

- Heard: the real `heard web` command on a fresh data directory in a temporary
  folder, with single-use invites issued for --people young people (one for
  `checkin-11-17` and one for `pulse` each), as `heard invite` issues them;
- bare: a Flask app with one POST route that inserts one row, on an engine from the
  same `storage.db.make_engine` (so the same SQLite pragmas or PostgreSQL pool).

This process is the load generator: --clients virtual young people on asyncio, each
taking an unused invite and completing the whole survey like a browser with
JavaScript off: GET the link, read the hidden fields (CSRF token, step, nonce), POST
each answer, follow any redirect, to the thank-you page; then a new invite with fresh
cookies. The bare clients POST one row at a time. The HTTP client is a lean one of
our own (httpx cost ~1 ms of CPU a request and capped the bare route); the
generator's CPU share is printed, and wrk checks the bare route independently.

Phases, --seconds each after --warmup, Heard and bare interleaved so a busy machine
slows both alike:

- closed loop (--rounds pairs): no think time, the most each server does;
- open loop at --rate requests/s, Heard then bare: requests start on a fixed
  schedule and latency counts from the scheduled start, so a stalled server is not
  hidden by clients that were waiting on it (no coordinated omission);
- open loop for Heard at half its measured closed-loop rate: the latency one core
  gives at a load it can sustain, for capacity planning (docs/scaling.md).

Targets (SQLite): p99 under 200 ms at 200 requests/s; Heard's closed-loop requests/s
at least 0.4 of the bare route's. Exits 1 if either is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from urllib.request import urlopen

from throwaway_schema import postgres_schema

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_P99_MS = 200.0
TARGET_RATIO = 0.4
SURVEYS = (("checkin-11-17", "child_in_care", "11-17"), ("pulse", "child_in_care", "11-17"))
COMMENTS = (
    "My carers are kind and I like my room",
    "I want to see my brother more often",
    "School is ok but maths is hard",
    "I don't get told things about my plan",
    "Football on Saturdays is the best bit of my week",
    "",
)
WAITRESS_THREADS = 8  # as heard/serve.py
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
CHOICE = re.compile(r'name="choice" value="([^"]*)"')
CHECKBOX = 'type="checkbox"'


# ------------------------------------------------------------------ the bare server


def serve_bare(database_url: str, port: int, workers: int) -> None:
    """The baseline: one Flask route, one INSERT and commit per request, served as Heard
    is: waitress for one worker, gunicorn's forked workers (heard.serve) for several."""
    from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, func

    from heard.serve import serve_processes
    from storage.db import make_engine

    table = Table(
        "bench_bare_rows",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("text", String(2000), nullable=False),
        Column("created_at", DateTime, nullable=False, server_default=func.now()),
    )
    setup = make_engine(database_url)
    table.create(setup, checkfirst=True)
    setup.dispose()
    if workers == 1:
        from waitress import serve

        app = bare_app(database_url, table)
        serve(app, host="127.0.0.1", port=port, threads=WAITRESS_THREADS, ident="bare")
    else:
        serve_processes(
            lambda: bare_app(database_url, table),
            host="127.0.0.1",
            port=port,
            workers=workers,
            log_level="WARNING",
        )


def bare_app(database_url: str, table: Any) -> Any:
    from flask import Flask, request

    from storage.db import make_engine

    engine = make_engine(database_url)
    app = Flask("bare")

    @app.post("/bare")
    def insert_one() -> str:
        with engine.begin() as connection:
            connection.execute(table.insert().values(text=request.form.get("text", "")))
        return "<p>Saved</p>"

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    return app


# ------------------------------------------------------------------ setting up


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def heard_environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    """Only our HEARD_ variables reach Heard, so a developer's .env or shell cannot leak in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARD_")}
    env["HEARD_DATA_DIR"] = str(data_dir)
    if database_url:
        env["HEARD_DATABASE_URL"] = database_url
    return env


def issue_invites(env: dict[str, str], people: int) -> tuple[str, list[str]]:
    """Migrate the fresh database and issue two single-use links per young person."""
    from heard.settings import load_settings
    from heard.wiring import open_database
    from storage.db import transaction
    from storage.invites import issue_invite

    heard_vars = {k: v for k, v in env.items() if k.startswith("HEARD_")}
    settings = load_settings(environ=heard_vars, env_file=None)
    database = open_database(settings)
    tokens: list[str] = []
    try:
        with transaction(database.sessions) as session:
            for _ in range(people):
                for survey_id, cohort, age_band in SURVEYS:
                    tokens.append(
                        issue_invite(
                            session,
                            survey_id=survey_id,
                            cohort=cohort,
                            age_band=age_band,
                            batch="bench",
                        )[1]
                    )
    finally:
        database.close()
    return settings.database_url, tokens


def pinned(core: int | None) -> Callable[[], None] | None:
    if core is None:
        return None
    return lambda: os.sched_setaffinity(0, {core})


@contextmanager
def server(
    command: list[str], env: dict[str, str], port: int, core: int | None, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server subprocess, wait until /healthz answers, stop it afterwards."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=log.parent,  # no .env file there
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=pinned(core),  # safe: this process has no threads yet
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"{command[0]} exited: {log.read_text()[-2000:]}")
                try:
                    with urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server on port {port} did not start: see {log}")
                time.sleep(0.2)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# ------------------------------------------------------------------ the load generator


@dataclass
class Sample:
    kind: str  # "get", "post" or "bare"
    scheduled: float
    sent: float
    done: float
    status: int


@dataclass
class Phase:
    """One mode against one server: every request that finished inside the window."""

    name: str
    seconds: float
    samples: list[Sample] = field(default_factory=list)
    surveys: int = 0
    errors: int = 0
    generator_share: float = 0.0  # this process's CPU during the phase, as a share of a core
    offered: float = 0.0  # open loop: requests/s scheduled; 0 in a closed loop

    @property
    def rate(self) -> float:
        return len(self.samples) / self.seconds

    def latencies(self, kind: str | None = None) -> list[float]:
        """Milliseconds from the scheduled start (= the send time in a closed loop)."""
        return sorted((s.done - s.scheduled) * 1000 for s in self.samples if kind in (None, s.kind))

    def percentile(self, share: float, kind: str | None = None) -> float:
        values = self.latencies(kind)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(share * len(values)))]


class Pacer:
    """Closed loop (rate None): go at once. Open loop: the next slot of a fixed schedule."""

    def __init__(self, rate: float | None, start: float) -> None:
        self.rate, self.start, self.slots = rate, start, 0

    async def wait(self) -> float:
        now = time.perf_counter()
        if self.rate is None:
            return now
        slot = self.start + self.slots / self.rate
        self.slots += 1
        if slot > now:
            await asyncio.sleep(slot - now)
        return slot


class Browser:
    """A lean HTTP/1.1 keep-alive client with a cookie jar, so the generator stays cheap.

    httpx costs about 1 ms of CPU per request: at the bare route's rate the generator,
    not the server, set the pace. This does what a browser with JavaScript off does for
    these pages (cookies, form posts, redirects) and no more.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None

    async def request(
        self, method: str, path: str, form: dict[str, Any] | None = None
    ) -> tuple[int, str]:
        """Send one request, follow redirects (303 becomes a GET); the final status and body."""
        for _ in range(5):
            status, headers, body = await self._once(method, path, form)
            if status in (301, 302, 303, 307, 308) and "location" in headers:
                path = urlsplit(headers["location"]).path
                method, form = ("GET", None) if status == 303 else (method, form)
                continue
            return status, body.decode("utf-8", "replace")
        raise RuntimeError(f"too many redirects at {path}")

    async def _once(
        self, method: str, path: str, form: dict[str, Any] | None
    ) -> tuple[int, dict[str, str], bytes]:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        body = urlencode(form or {}, doseq=True).encode() if form is not None else b""
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "User-Agent: heard-bench (JavaScript off)",
            "Accept: text/html",
        ]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if form is not None:
            lines.append("Content-Type: application/x-www-form-urlencoded")
            lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in head[1:]:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                self._remember(value)
            headers[name] = value
        if headers.get("transfer-encoding", "").lower() == "chunked":
            content = b""
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                content += (await reader.readexactly(size + 2))[:-2]
            await reader.readuntil(b"\r\n")
        else:
            content = await reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, headers, content

    def _remember(self, header: str) -> None:
        pair, *attributes = header.split(";")
        name, _, value = pair.strip().partition("=")
        gone = any(a.strip().lower() in ("max-age=0", "max-age=-1") for a in attributes)
        if gone or not value:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value


class OutOfInvites(Exception):
    pass


class Load:
    """Clients, a pacer and a measuring window shared by one phase."""

    def __init__(self, phase: Phase, pacer: Pacer, window: tuple[float, float]) -> None:
        self.phase, self.pacer, self.window = phase, pacer, window

    @property
    def running(self) -> bool:
        return time.perf_counter() < self.window[1]

    @property
    def counting(self) -> bool:
        return self.window[0] <= time.perf_counter() <= self.window[1]

    async def request(
        self,
        browser: Browser,
        kind: str,
        method: str,
        path: str,
        form: dict[str, Any] | None = None,
    ) -> tuple[int, str]:
        scheduled = await self.pacer.wait()
        sent = time.perf_counter()
        status, page = await browser.request(method, path, form)
        done = time.perf_counter()
        if self.window[0] <= done <= self.window[1]:
            self.phase.samples.append(Sample(kind, scheduled, sent, done, status))
            if status >= 400:
                self.phase.errors += 1
        return status, page


def choose(page: str, rng: random.Random) -> dict[str, Any]:
    """What a young person might press or type on this page."""
    hidden = dict((name, unescape(value)) for name, value in HIDDEN.findall(page))
    values = [unescape(v) for v in CHOICE.findall(page)]
    step = hidden.get("step", "")
    if step == "@consent":
        return {**hidden, "choice": "yes"}
    if step.startswith("@"):  # e.g. "may we quote you?"
        return {**hidden, "choice": rng.choice(values)}
    if not values:
        return {**hidden, "action": "answer", "text": rng.choice(COMMENTS)}
    options = [v for v in values if v != "prefer_not_to_say"] or values
    if CHECKBOX in page:
        picked: Any = rng.sample(options, k=min(len(options), rng.randint(1, 2)))
    else:
        picked = rng.choice(options)
    return {**hidden, "action": "answer", "choice": picked}


async def survey_client(load: Load, base: str, invites: Iterator[str], seed: int) -> None:
    """One phone after another: take a new link, answer every page to the thank-you page."""
    rng = random.Random(seed)
    place = urlsplit(base)
    browser = Browser(place.hostname or "127.0.0.1", place.port or 80)
    try:
        while load.running:
            token = next(invites, None)
            if token is None:
                raise OutOfInvites("every invite is used; raise --people")
            browser.cookies.clear()  # a new young person, a new phone
            status, page = await load.request(browser, "get", "GET", f"/s/{token}")
            for _ in range(80):
                if status >= 400 or 'name="step"' not in page or not load.running:
                    break
                status, page = await load.request(
                    browser, "post", "POST", f"/s/{token}", choose(page, rng)
                )
            if status < 400 and "Thank you" in page and load.counting:
                load.phase.surveys += 1
    finally:
        await browser.close()


async def bare_client(load: Load, base: str, _invites: Iterator[str], seed: int) -> None:
    rng = random.Random(seed)
    place = urlsplit(base)
    browser = Browser(place.hostname or "127.0.0.1", place.port or 80)
    try:
        while load.running:
            await load.request(browser, "bare", "POST", "/bare", {"text": rng.choice(COMMENTS)})
    finally:
        await browser.close()


Client = Callable[[Load, str, Iterator[str], int], Awaitable[None]]


async def run_phase(
    name: str,
    client: Client,
    base: str,
    invites: Iterator[str],
    clients: int,
    seconds: float,
    warmup: float,
    rate: float | None,
) -> Phase:
    phase = Phase(name, seconds)
    start = time.perf_counter()
    load = Load(phase, Pacer(rate, start), (start + warmup, start + warmup + seconds))
    cpu = time.process_time()
    await asyncio.gather(*(client(load, base, invites, n) for n in range(clients)))
    phase.generator_share = (time.process_time() - cpu) / (time.perf_counter() - start)
    return phase


# ------------------------------------------------------------------ reporting


def row(phase: Phase) -> str:
    surveys = f"{phase.surveys / phase.seconds:6.1f}" if "Heard" in phase.name else "     -"
    return (
        f"  {phase.name:<26} {phase.rate:8.1f} {surveys:>9} {phase.percentile(0.50):8.1f} "
        f"{phase.percentile(0.95):8.1f} {phase.percentile(0.99):8.1f} {phase.errors:7d} "
        f"{phase.generator_share:9.0%}"
    )


def merged(name: str, phases: list[Phase]) -> Phase:
    total = Phase(name, sum(p.seconds for p in phases), offered=phases[0].offered)
    for part in phases:
        total.samples.extend(part.samples)
        total.surveys += part.surveys
        total.errors += part.errors
        total.generator_share += part.generator_share * part.seconds / total.seconds
    return total


def wrk_check(base: str, seconds: int, clients: int, core: int | None, folder: Path) -> str:
    """The bare route under wrk (C, near-free per request): does our generator hold it back?"""
    wrk = shutil.which("wrk")
    if wrk is None:
        return "wrk not installed; skipped"
    script = folder / "post.lua"
    script.write_text(
        'wrk.method = "POST"\nwrk.body = "text=hello"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
    )
    command = [wrk, "-t1", f"-c{clients}", f"-d{seconds}s", "-s", str(script), f"{base}/bare"]
    done = subprocess.run(
        command, capture_output=True, text=True, preexec_fn=pinned(core), check=False
    )
    found = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    return f"{float(found.group(1)):,.0f} req/s" if found else done.stdout[-300:]


def verdicts(
    backend: str, heard_closed: Phase, bare_closed: Phase, heard_open: Phase
) -> list[tuple[bool, str]]:
    """(met, sentence) for each target, saying by how much a missed one misses."""
    ratio = heard_closed.rate / bare_closed.rate if bare_closed.rate else 0.0
    p99 = heard_open.percentile(0.99)
    ok_p99 = p99 < TARGET_P99_MS
    ok_ratio = ratio >= TARGET_RATIO
    return [
        (
            ok_p99,
            f"{'PASS' if ok_p99 else 'MISS'} {backend}: p99 {p99:,.0f} ms with "
            f"{heard_open.offered:.0f} requests/s offered (target < {TARGET_P99_MS:.0f} ms"
            + ("" if ok_p99 else f"; over by {p99 - TARGET_P99_MS:,.0f} ms")
            + ")",
        ),
        (
            ok_ratio,
            f"{'PASS' if ok_ratio else 'MISS'} {backend}: Heard/bare requests/s = {ratio:.2f} "
            f"(target >= {TARGET_RATIO}"
            + ("" if ok_ratio else f"; short by {1 - ratio / TARGET_RATIO:.0%}")
            + ")",
        ),
    ]


# ------------------------------------------------------------------ the run


@dataclass
class Servers:
    heard: str
    bare: str


async def measure(args: argparse.Namespace, servers: Servers, tokens: list[str]) -> list[Phase]:
    """Closed-loop rounds (Heard then bare), then open loop at --rate, then at half capacity."""
    invites = iter(tokens)
    parts: dict[str, list[Phase]] = {}

    async def one(name: str, label: str, rate: float | None) -> Phase:
        client, base = (
            (survey_client, servers.heard) if name == "Heard" else (bare_client, servers.bare)
        )
        phase = await run_phase(
            f"{name}, {label}", client, base, invites, args.clients, args.seconds, args.warmup, rate
        )
        phase.offered = rate or 0.0
        parts.setdefault(phase.name, []).append(phase)
        return phase

    for _ in range(args.rounds):
        await one("Heard", "closed loop", None)
        await one("bare", "closed loop", None)
    label = f"open loop {args.rate:.0f}/s"
    await one("Heard", label, args.rate)
    await one("bare", label, args.rate)
    capacity = merged("", parts["Heard, closed loop"]).rate
    half = max(10.0, round(capacity / 2 / 10) * 10)
    await one("Heard", f"open loop {half:.0f}/s", half)
    return [merged(name, phases) for name, phases in parts.items()]


def completed_surveys(database_url: str) -> int:
    from sqlalchemy import func, select

    from storage.db import make_engine
    from storage.models import SurveySession

    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            query = select(func.count()).where(SurveySession.state == "completed")
            return int(connection.scalar(query) or 0)
    finally:
        engine.dispose()


def report(args: argparse.Namespace, backend: str, results: list[Phase], checked: str) -> int:
    heard_closed, bare_closed, heard_open, bare_open, heard_half = results
    print(
        f"\n  {'mode':<26} {'req/s':>8} {'surveys/s':>9} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>7} {'gen. CPU':>9}"
    )
    for phase in results:
        print(row(phase))
    print("\n  Heard by request (GET a link / POST an answer), p50 and p99 ms:")
    for phase in (heard_closed, heard_half):
        print(
            f"    {phase.name:<24} GET {phase.percentile(0.5, 'get'):6.1f} "
            f"{phase.percentile(0.99, 'get'):7.1f}   POST {phase.percentile(0.5, 'post'):6.1f} "
            f"{phase.percentile(0.99, 'post'):7.1f}"
        )
    if checked:
        print(f"  bare route under wrk ({args.clients} connections, 5 s): {checked}")
    for phase in (heard_open, heard_half, bare_open):
        if phase.rate < 0.95 * phase.offered:
            print(
                f"  {phase.name}: only {phase.rate:.0f}/s served of {phase.offered:.0f}/s "
                "offered: overloaded, so latency grows for as long as the phase runs"
            )
    busiest = max(phase.generator_share for phase in results)
    print(f"  the load generator used at most {busiest:.0%} of its core", end="")
    print(": it may be the bottleneck" if busiest > 0.8 else ", so it set no limit")
    ratio = heard_closed.rate / bare_closed.rate if bare_closed.rate else 0.0
    where = "one core" if args.workers == 1 else f"{args.workers} processes"
    print(
        f"  Heard serves {heard_closed.rate:.0f} requests/s at most on {where}; "
        f"Heard / bare = {ratio:.2f}; at {heard_half.offered:.0f}/s its p99 is "
        f"{heard_half.percentile(0.99):.0f} ms\n"
    )
    lines = verdicts(backend, heard_closed, bare_closed, heard_open)
    for _, line in lines:
        print(line)
    return 0 if all(ok for ok, _ in lines) else 1


def run(args: argparse.Namespace, database_url: str | None, folder: Path) -> int:
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    pin = args.pin and args.workers == 1
    server_core = cores[0] if pin and len(cores) >= 2 else None
    generator_core = cores[-1] if server_core is not None else None
    env = heard_environment(folder / "heard-data", database_url)
    url, tokens = issue_invites(env, args.people)
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite (WAL)"
    heard_port, bare_port = free_port(), free_port()
    heard_cmd = [str(Path(sys.executable).parent / "heard"), "web", "--port", str(heard_port)]
    heard_cmd += ["--workers", str(args.workers)]
    bare_cmd = [sys.executable, __file__, "--serve-bare", url, "--port", str(bare_port)]
    bare_cmd += ["--workers", str(args.workers)]
    bare_env = {**env, "PYTHONPATH": str(ROOT)}
    where = "any core" if server_core is None else f"core {server_core}"
    served_by = (
        f"waitress with {WAITRESS_THREADS} threads"
        if args.workers == 1
        else f"gunicorn, {args.workers} worker processes of {WAITRESS_THREADS} threads"
    )
    print(
        f"Web form submissions on {backend}: {served_by} on {where}; "
        f"{args.clients} clients (asyncio, raw HTTP/1.1) on "
        f"{'any core' if generator_core is None else f'core {generator_core}'}; "
        f"{len(tokens):,} invites; {args.seconds:.0f} s phases after {args.warmup:.0f} s warm-up"
    )
    with (
        server(heard_cmd, env, heard_port, server_core, folder / "heard.log"),
        server(bare_cmd, bare_env, bare_port, server_core, folder / "bare.log"),
    ):
        if generator_core is not None:
            os.sched_setaffinity(0, {generator_core})
        servers = Servers(f"http://127.0.0.1:{heard_port}", f"http://127.0.0.1:{bare_port}")
        results = asyncio.run(measure(args, servers, tokens))
        checked = (
            wrk_check(servers.bare, 5, args.clients, generator_core, folder) if args.wrk else ""
        )
    print(f"  ({completed_surveys(url):,} completed surveys stored)")
    return report(args, backend, results, checked)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent young people")
    parser.add_argument("--rate", type=float, default=200.0, help="open-loop requests/s")
    parser.add_argument("--seconds", type=float, default=10.0, help="each closed-loop phase")
    parser.add_argument("--rounds", type=int, default=2, help="closed-loop Heard/bare pairs")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured start of a phase")
    parser.add_argument("--people", type=int, default=2000, help="two invites each")
    parser.add_argument("--database-url", help="PostgreSQL (a throwaway schema is used)")
    parser.add_argument("--no-pin", dest="pin", action="store_false", help="no CPU pinning")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes (`heard web --workers`); over 1 runs unpinned",
    )
    parser.add_argument("--no-wrk", dest="wrk", action="store_false", help="skip the wrk check")
    parser.add_argument("--serve-bare", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bare:
        serve_bare(args.serve_bare, args.port, args.workers)
        return 0
    folder = Path(tempfile.mkdtemp(prefix="heard-web-bench-"))
    try:
        if args.database_url:
            with postgres_schema(prefix="bench_web", base_url=args.database_url) as url:
                return run(args, url, folder)
        return run(args, None, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
