"""The `heard` command: one entry point for every job a council runs.

Each subcommand imports what it needs only when it runs, so `heard --help` is
fast and a missing optional piece never breaks the others. Expected failures
(bad settings, no database, a broken data file) end with one line and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from heard.errors import CommandError
from heard.settings import Settings, SettingsError, load_settings

EXIT_USAGE = 2


def settings_for(args: argparse.Namespace) -> Settings:
    data_dir = getattr(args, "data_dir", None)
    return load_settings(data_dir=Path(data_dir) if data_dir else None)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return value


def _add_workers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        help="web processes answering (one per CPU core; over 1 needs Linux or macOS)",
    )


def _cmd_init(args: argparse.Namespace) -> int:
    from heard.catalogue_sync import sync_catalogue
    from heard.settings import describe_database
    from heard.wiring import open_database
    from storage.migrate import current_revision

    settings = settings_for(args)
    database = open_database(settings)
    stored = sync_catalogue(database)
    print(
        f"Database ready at {describe_database(settings.database_url)} "
        f"(schema {current_revision(database.engine)}, {stored} survey versions)."
    )
    database.close()
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from heard.demo.command import run_demo

    return run_demo(args, settings_for(args))


def _cmd_web(args: argparse.Namespace) -> int:
    from heard.serve import serve_web

    return serve_web(settings_for(args), host=args.host, port=args.port, workers=args.workers)


def _cmd_surveys(args: argparse.Namespace) -> int:
    from heard.surveys_command import run_surveys

    return run_surveys(args)


def _cmd_offer(args: argparse.Namespace) -> int:
    from heard.offer_command import run_offer

    return run_offer(args, settings_for)


def _cmd_analyse_text(args: argparse.Namespace) -> int:
    from heard.analyse_text_command import run_analyse_text

    return run_analyse_text(args)


def _cmd_retag_comments(args: argparse.Namespace) -> int:
    from heard.analyse_text_command import run_retag_comments

    return run_retag_comments(settings_for(args))


def _cmd_scheduler(args: argparse.Namespace) -> int:
    from heard.scheduling import run_scheduler

    return run_scheduler(settings_for(args))


def _cmd_run(args: argparse.Namespace) -> int:
    from heard.run_all import run_all

    return run_all(args, settings_for(args))


def _cmd_report(args: argparse.Namespace) -> int:
    from heard.report_command import run_report

    return run_report(args, settings_for(args))


def _cmd_import(args: argparse.Namespace) -> int:
    from heard.import_command import run_import

    return run_import(args, settings_for(args))


def _cmd_export(args: argparse.Namespace) -> int:
    from heard.privacy_command import run_export

    return run_export(args, settings_for(args))


def _cmd_erase(args: argparse.Namespace) -> int:
    from heard.privacy_command import run_erase

    return run_erase(args, settings_for(args))


def _cmd_bot(args: argparse.Namespace) -> int:
    from heard.bot_command import run_bot

    return run_bot(args, settings_for(args))


def _cmd_staff(args: argparse.Namespace) -> int:
    from heard.staff_command import run_staff

    return run_staff(args, settings_for(args))


def _cmd_api_token(args: argparse.Namespace) -> int:
    from heard.api_command import run_api_token

    return run_api_token(args, settings_for(args))


def _cmd_invite(args: argparse.Namespace) -> int:
    from heard.invite_command import run_invite

    return run_invite(args, settings_for(args))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="heard",
        description="Heard: children in care, care leavers and foster carers tell the council "
        "how life is going; the council sees whether 80%% are satisfied or better.",
    )
    parser.add_argument(
        "--data-dir", help="where Heard keeps its database and keys (default: HEARD_DATA_DIR)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    init = commands.add_parser("init", help="create or upgrade the database")
    init.set_defaults(handler=_cmd_init)

    demo = commands.add_parser(
        "demo", help="build a realistic synthetic year and a half for one council and serve it"
    )
    demo.add_argument("--seed", type=int, default=2025, help="same seed, same data (default 2025)")
    demo.add_argument("--no-serve", action="store_true", help="build the data and stop")
    demo.add_argument("--fresh", action="store_true", help="delete earlier demo data first")
    demo.add_argument(
        "--answers",
        type=int,
        default=None,
        help="scale the population to about this many answers (for benchmarks)",
    )
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=5000)
    demo.set_defaults(handler=_cmd_demo)

    web = commands.add_parser("web", help="serve the web forms, web chat and staff dashboard")
    web.add_argument("--host", default="127.0.0.1")
    web.add_argument("--port", type=int, default=5000)
    _add_workers(web)
    web.set_defaults(handler=_cmd_web)

    bot = commands.add_parser("bot", help="run the Telegram bot (polling, or --webhook URL)")
    bot.add_argument("--webhook", metavar="URL", help="use a webhook at this public URL")
    bot.add_argument("--listen", default="127.0.0.1", help="webhook: address to listen on")
    bot.add_argument("--port", type=int, default=8443, help="webhook: port to listen on")
    bot.set_defaults(handler=_cmd_bot)

    scheduler = commands.add_parser("scheduler", help="run scheduled reports and reminders")
    scheduler.set_defaults(handler=_cmd_scheduler)

    run = commands.add_parser("run", help="run the web app, the bot and the scheduler together")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=5000)
    _add_workers(run)
    run.set_defaults(handler=_cmd_run)

    surveys = commands.add_parser("surveys", help="list, show and check the survey catalogue")
    survey_commands = surveys.add_subparsers(dest="surveys_command", metavar="ACTION")
    survey_commands.required = True
    survey_list = survey_commands.add_parser("list", help="list the surveys")
    survey_list.add_argument("--json", action="store_true")
    survey_show = survey_commands.add_parser("show", help="show one survey's questions")
    survey_show.add_argument("survey_id", metavar="ID")
    survey_show.add_argument("--json", action="store_true")
    survey_check = survey_commands.add_parser("check", help="validate every survey file")
    survey_check.add_argument("--dir", help="check this folder instead of the shipped catalogue")
    surveys.set_defaults(handler=_cmd_surveys)

    report = commands.add_parser("report", help="write the satisfied-or-better report")
    report.add_argument(
        "--period",
        help="a month (2026-10), quarter (2026-Q3) or financial year (2026-27)",
    )
    report.add_argument("--format", choices=("html", "json", "csv"), default="html")
    report.add_argument("--out", help="folder to write the report to")
    report.set_defaults(handler=_cmd_report)

    import_responses = commands.add_parser(
        "import-responses", help="load historic results from a CSV file"
    )
    import_responses.add_argument("file", metavar="FILE.csv")
    import_responses.add_argument("--skip-invalid", action="store_true")
    import_responses.set_defaults(handler=_cmd_import)

    export = commands.add_parser("export", help="export one person's data (subject access)")
    export.add_argument("--respondent", metavar="REF", required=True)
    export.set_defaults(handler=_cmd_export)

    erase = commands.add_parser("erase", help="erase one person's data (erasure request)")
    erase.add_argument("--respondent", metavar="REF", required=True)
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erase.set_defaults(handler=_cmd_erase)

    analyse = commands.add_parser(
        "analyse-text", help="tag comments (one per line on stdin) with themes and sentiment"
    )
    analyse.add_argument("--json", action="store_true", help="one JSON object per line")
    analyse.add_argument(
        "--who",
        choices=("young-person", "carer"),
        default="young-person",
        help="whose themes to tag with: young people's (default) or foster carers'",
    )
    analyse.set_defaults(handler=_cmd_analyse_text)

    retag = commands.add_parser(
        "retag-comments",
        help="tag the stored comments again with this version's themes (after an upgrade)",
    )
    retag.set_defaults(handler=_cmd_retag_comments)

    offer = commands.add_parser("offer", help="ask, list and check the care leavers' local offer")
    offer_commands = offer.add_subparsers(dest="offer_command", metavar="ACTION")
    offer_commands.required = True
    offer_ask = offer_commands.add_parser("ask", help="answer a question from the local offer")
    offer_ask.add_argument("text")
    offer_ask.add_argument("--age", type=int)
    offer_ask.add_argument("--json", action="store_true")
    offer_list = offer_commands.add_parser("list", help="list the offer's entries")
    offer_list.add_argument("--area")
    offer_list.add_argument("--json", action="store_true")
    offer_check = offer_commands.add_parser("check", help="validate the offer's files")
    offer_check.add_argument("--dir", help="check this folder instead of the shipped offer")
    offer_unanswered = offer_commands.add_parser(
        "unanswered", help="the questions Heard could not answer with confidence"
    )
    offer_unanswered.add_argument("--limit", type=int, default=50)
    offer.set_defaults(handler=_cmd_offer)

    staff = commands.add_parser("staff", help="manage staff accounts")
    staff_commands = staff.add_subparsers(dest="staff_command", metavar="ACTION")
    staff_commands.required = True
    from heard.staff_command import configure_parser as configure_staff_parser

    configure_staff_parser(staff_commands)
    staff.set_defaults(handler=_cmd_staff)

    api_token = commands.add_parser(
        "api-token", help="make, list and revoke read-only tokens for the council's BI tools"
    )
    api_commands = api_token.add_subparsers(dest="api_command", metavar="ACTION")
    api_commands.required = True
    from heard.api_command import configure_parser as configure_api_parser

    configure_api_parser(api_commands)
    api_token.set_defaults(handler=_cmd_api_token)

    invite = commands.add_parser(
        "invite", help="make single-use survey links, or an open link for an event"
    )
    invite.add_argument("--survey")
    invite.add_argument("--cohort")
    invite.add_argument("--age-band")
    invite.add_argument("--count", type=int, default=1)
    invite.add_argument("--csv", help="write the links to this CSV file")
    invite.add_argument("--qr", help="write a QR code PNG per link into this folder")
    invite.add_argument(
        "--open",
        action="store_true",
        help="one open link for events; each device answers as itself",
    )
    invite.add_argument(
        "--batch", help="batch name for response rates (default: survey-date-random)"
    )
    invite.add_argument(
        "--close",
        metavar="BATCH",
        help="switch off the open event link of this batch after the event",
    )
    from heard.invite_command import add_contact_arguments

    add_contact_arguments(invite)  # --mobile / --email / --child-agreed (GOV.UK Notify)
    invite.set_defaults(handler=_cmd_invite)

    from heard.backup_command import configure_parsers as configure_backup_parsers

    configure_backup_parsers(commands)  # backup DIR, restore DIR
    from heard.doctor_command import configure_parser as configure_doctor_parser

    configure_doctor_parser(commands)  # doctor
    _data_dir_after_the_command(commands)
    return parser


def _data_dir_after_the_command(commands: argparse._SubParsersAction) -> None:
    """`heard demo --data-dir X` as well as `heard --data-dir X demo`: people put options
    after the command. SUPPRESS leaves the value given before the command alone."""
    for command in set(commands.choices.values()):
        command.add_argument(
            "--data-dir", default=argparse.SUPPRESS, help="where Heard keeps its data"
        )


def main(argv: Sequence[str] | None = None) -> int:
    from storage.datafiles import DataFileError
    from storage.db import DatabaseUnavailable

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (SettingsError, DatabaseUnavailable, DataFileError, CommandError) as exc:
        print(f"heard: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("heard: stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away; stop quietly, as Unix tools do.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
