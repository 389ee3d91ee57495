"""How the full report scales: 10k, 100k and 1M answers, against a minimal pandas group-by.

    .venv/bin/python benchmarks/analysis_scale.py [--sizes 10000 100000 1000000] [--keep DIR]

For each size a synthetic council is generated (`heard.demo.build.build_demo`) into a
SQLite file, and its annotated comments are copied until there is one per ten answers
(--comments-per-answer; the issue's 1M answers come with 100k comments, the demo
writes about half that). Then, each in a fresh process so peak memory is its own:

- report: `build_report` for the financial year 2025-26 (the heaviest period Heard
  publishes: most answers are in it, and it is planned over its quarters and months)
  and for one quarter, rendered as HTML, JSON and CSV;
- baseline: the least anyone could do for the headline, one `pd.read_sql` of the KPI
  answers joined to cohorts and a `groupby("cohort").mean()`.

It prints wall and CPU seconds, the ratio to the baseline, peak RSS, and how time grows
with size (the exponent k in time ∝ answers^k). Targets: 1M answers in under 30 s and
under 2 GB. Wall time suffers when the machine is busy; CPU time is the steadier guide.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SEED = 2025
YEAR = "2025-26"
QUARTER = "2026-Q3"
TARGET_SECONDS = 30.0
TARGET_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_rss: int  # bytes, the whole process
    start_rss: int  # bytes after imports, before the work
    detail: str


def _rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _report_job(url: str, period_text: str, queue: multiprocessing.Queue) -> None:
    from sqlalchemy import create_engine

    from analysis.periods import parse_period
    from analysis.report import build_report, render

    period = parse_period(period_text)
    engine = create_engine(url)
    start_rss = _rss()
    wall, cpu = time.perf_counter(), time.process_time()
    with engine.connect() as connection:
        report = build_report(connection, period)
    sizes = {fmt: len(render(report, fmt)) for fmt in ("html", "json", "csv")}
    queue.put(
        Run(
            time.perf_counter() - wall,
            time.process_time() - cpu,
            _rss(),
            start_rss,
            f"n={report.overall.n_display} html={sizes['html'] // 1024} KiB",
        )
    )


def _baseline_job(url: str, period_text: str, queue: multiprocessing.Queue) -> None:
    import pandas as pd
    from sqlalchemy import create_engine, select, true

    from analysis.periods import parse_period
    from storage.models import Answer, Respondent

    period = parse_period(period_text)
    start, end = period.utc_bounds("Europe/London")
    engine = create_engine(url)
    start_rss = _rss()
    wall, cpu = time.perf_counter(), time.process_time()
    query = (
        select(Respondent.cohort, Answer.satisfied_or_better)
        .join(Respondent, Respondent.id == Answer.respondent_id)
        .where(Answer.is_kpi == true())
        .where(Answer.satisfied_or_better.is_not(None))
        .where(Answer.answered_at >= start)
        .where(Answer.answered_at < end)
    )
    with engine.connect() as connection:
        frame = pd.read_sql(query, connection)
    rates = frame.groupby("cohort")["satisfied_or_better"].mean()
    queue.put(
        Run(
            time.perf_counter() - wall,
            time.process_time() - cpu,
            _rss(),
            start_rss,
            f"overall={frame['satisfied_or_better'].mean():.3f} cohorts={len(rates)}",
        )
    )


def _in_child(job: object, url: str, period: str) -> Run:
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue = context.Queue()
    process = context.Process(target=job, args=(url, period, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def _top_up_comments(connection: Connection, wanted: int) -> int:
    """Copy existing annotated comments (dates, cohorts, themes and all) up to `wanted`.

    The demo council writes about one comment per 20 answers; the issue's data set has
    one per 10 (1M answers, 100k comments), so the report must read twice as many.
    """
    from sqlalchemy import func, insert, select

    from storage.models import Comment

    columns = [c for c in Comment.__table__.columns if c.name != "id"]
    have = connection.scalar(select(func.count()).select_from(Comment)) or 0
    while 0 < have < wanted:
        source = select(*columns).order_by(Comment.id).limit(min(have, wanted - have))
        connection.execute(insert(Comment).from_select([c.name for c in columns], source))
        have = connection.scalar(select(func.count()).select_from(Comment)) or 0
    return have


def _build(
    directory: Path, answers: int, per_scale: int, comments_per_answer: float
) -> tuple[int, int, float]:
    """Answers, comments and build seconds (0 when the data set was kept from last time)."""

    from heard.demo.build import build_demo
    from heard.settings import load_settings
    from heard.wiring import open_database
    from storage.db import transaction
    from storage.surveys import count_answers

    settings = load_settings(environ={"HEARD_DATA_DIR": str(directory)}, env_file=None)
    database = open_database(settings)
    try:
        with transaction(database.sessions) as session:
            existing = count_answers(session)
        seconds = 0.0
        if not existing:
            summary = build_demo(database, settings.pseudonym_key, SEED, scale=answers / per_scale)
            existing, seconds = summary.counts["answers"], summary.seconds
        with database.engine.begin() as connection:
            comments = _top_up_comments(connection, round(existing * comments_per_answer))
        return existing, comments, seconds
    finally:
        database.close()


def _mib(value: int) -> str:
    return f"{value / 1024**2:,.0f} MiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--keep", help="build the data sets here and keep them for next time")
    parser.add_argument(
        "--comments-per-answer", type=float, default=0.1, help="copies comments up to this share"
    )
    args = parser.parse_args(argv)

    from heard.demo.build import estimate_answers_per_scale

    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="heard-bench-"))
    per_scale = estimate_answers_per_scale(SEED)
    print(f"Scale 1.0 of the demo council gives {per_scale:,} answers.\n")
    header = (
        f"{'answers':>10} {'period':>8} {'report s':>9} {'cpu s':>7} {'baseline s':>10} "
        f"{'ratio':>6} {'peak RSS':>10} {'(+ work)':>10}  detail"
    )
    print(header)
    print("-" * len(header))
    curve: dict[str, list[tuple[int, float]]] = {YEAR: [], QUARTER: []}
    verdicts: list[str] = []
    try:
        for size in args.sizes:
            directory = base / f"answers-{size}"
            answers, comments, built = _build(directory, size, per_scale, args.comments_per_answer)
            url = f"sqlite:///{directory / 'heard.sqlite3'}"
            made = f"built in {built:.1f} s" if built else "kept from an earlier run"
            print(f"{'':>10} {answers:,} answers, {comments:,} comments ({made})")
            for period in (YEAR, QUARTER):
                report = _in_child(_report_job, url, period)
                baseline = _in_child(_baseline_job, url, period)
                curve[period].append((answers, report.wall))
                print(
                    f"{answers:>10,} {period:>8} "
                    f"{report.wall:>9.2f} {report.cpu:>7.2f} {baseline.wall:>10.2f} "
                    f"{report.wall / max(baseline.wall, 1e-6):>6.1f} {_mib(report.peak_rss):>10} "
                    f"{_mib(report.peak_rss - report.start_rss):>10}  {report.detail}"
                )
                if answers >= 900_000 and period == YEAR:
                    ok = report.wall < TARGET_SECONDS and report.peak_rss < TARGET_BYTES
                    verdicts.append(
                        f"1M target (< {TARGET_SECONDS:.0f} s, < 2 GB): "
                        f"{'met' if ok else 'NOT met'} ({report.wall:.1f} s wall, "
                        f"{report.cpu:.1f} s CPU, {_mib(report.peak_rss)})"
                    )
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    print("\nHow report time grows (time ∝ answers^k):")
    for period, points in curve.items():
        for (n1, t1), (n2, t2) in zip(points, points[1:], strict=False):
            k = math.log(t2 / t1) / math.log(n2 / n1) if t1 > 0 and n2 != n1 else float("nan")
            print(f"  {period:>7}: {n1:>9,} → {n2:>9,} answers: ×{t2 / t1:.1f} time, k = {k:.2f}")
    for verdict in verdicts:
        print(verdict)
    return 0


if __name__ == "__main__":
    sys.exit(main())
