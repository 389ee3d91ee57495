"""`heard demo`: build the synthetic council (once) and serve it."""

from __future__ import annotations

import argparse
from datetime import datetime

from heard.demo.build import build_demo, estimate_answers_per_scale, period_ending_last_month
from heard.demo.extras import add_demo_extras
from heard.demo.logins import demo_password, ensure_demo_logins
from heard.settings import Settings, describe_database
from heard.wiring import Database, open_database
from storage.bulk import delete_all_activity
from storage.db import transaction
from storage.status import counts_by_survey_and_cohort, totals


def run_demo(args: argparse.Namespace, settings: Settings) -> int:
    database = open_database(settings)
    with transaction(database.sessions) as session:
        existing = totals(session)["answers"]
    if existing and args.fresh:
        with database.engine.connect() as connection:
            delete_all_activity(connection)
        existing = 0
    if existing:
        print(
            f"Using the demo data already in {settings.data_dir} ({existing:,} answers). "
            f"Add --fresh to build it again."
        )
    else:
        scale = 1.0
        if args.answers:
            per_scale = estimate_answers_per_scale(args.seed)
            scale = max(0.01, args.answers / max(1, per_scale))
        print(f"Building a synthetic council (seed {args.seed}) ...", flush=True)
        period = period_ending_last_month(datetime.now(settings.tz).date())
        summary = build_demo(
            database,
            settings.pseudonym_key,
            seed=args.seed,
            scale=scale,
            period=period,
            with_encoder=settings.theme_encoder,
        )
        last = period.month(period.months - 1)
        print(
            f"Built {summary.counts['answers']:,} answers from {summary.counts['respondents']:,} "
            f"people ({summary.counts['survey_sessions']:,} check-ins, "
            f"{summary.counts['comments']:,} comments) for {period.first_month:%B %Y} to "
            f"{last:%B %Y} in {summary.seconds:.1f} s."
        )
    _print_summary(database, settings)
    logins = ensure_demo_logins(database, settings.data_dir)
    if not existing:
        last = summary.period.month(summary.period.months - 1)
        added = add_demo_extras(
            database, settings, last_month=last, seed=args.seed, staff_emails=logins
        )
        if added is not None:
            print(
                f"Added {added.alerts} safeguarding alerts (new, acknowledged, actioned, "
                f"closed), {added.posts} 'you said, we did' posts, {added.questions} "
                f"questions to the local offer and the reports for {', '.join(added.reports)}."
            )
    print(f"\nStaff sign-in: {sign_in_address(settings, args.host, args.port)}")
    for role, email in logins.items():
        print(f"  {role:<14} {email}")
    print(f"  password for all three: {demo_password(settings.data_dir)}  (demo only)")
    if args.no_serve:
        database.close()
        return 0
    from heard.serve import serve_web

    return serve_web(settings, host=args.host, port=args.port, database=database)


def sign_in_address(settings: Settings, host: str, port: int) -> str:
    """Where the demo's staff pages are: HEARD_BASE_URL when it is set, else the address
    this demo serves on (not the default port when --port says otherwise)."""
    if settings.base_url != Settings.base_url:  # HEARD_BASE_URL was set
        return f"{settings.base_url}/staff/login"
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/staff/login"


def _print_summary(database: Database, settings: Settings) -> None:
    with transaction(database.sessions) as session:
        rows = counts_by_survey_and_cohort(session)
    print("\nCheck-ins by survey and who answered:")
    for row in rows:
        print(
            f"  {row['survey']:<22} {row['cohort']:<14} {row['sessions']:>6} started  "
            f"{row['completed']:>6} completed"
        )
    print(f"\nData: {settings.data_dir.resolve()}")
    print(f"Database: {describe_database(settings.database_url)}")
