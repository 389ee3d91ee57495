"""`heard surveys list|show|check`: the catalogue as people and tools read it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from surveys.definition import (
    check_catalogue,
    load_catalogue,
    survey_summary_json,
    survey_to_json,
)


def run_surveys(args: argparse.Namespace) -> int:
    action = args.surveys_command
    if action == "check":
        directory = Path(args.dir) if args.dir else None
        errors = check_catalogue(directory)
        for error in errors:
            print(error, file=sys.stderr)
        if errors:
            print(f"{len(errors)} problem(s) found.", file=sys.stderr)
            return 1
        count = len(load_catalogue(directory))
        print(f"All {count} surveys are valid.")
        return 0
    catalogue = load_catalogue()
    if action == "list":
        summaries = [survey_summary_json(s) for s in catalogue.values()]
        if args.json:
            print(json.dumps(summaries, indent=2, ensure_ascii=False))
        else:
            for listed in catalogue.values():
                audience = survey_summary_json(listed)["audience"]
                print(
                    f"{listed.id:<22} v{listed.version}  {len(listed.questions):>2} questions  "
                    f"{listed.title}  ({_audience_text(audience)})"
                )
        return 0
    survey = catalogue.get(args.survey_id)
    if survey is None:
        known = ", ".join(sorted(catalogue))
        print(f"heard: no survey called {args.survey_id!r}; try one of: {known}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(survey_to_json(survey), indent=2, ensure_ascii=False))
        return 0
    print(f"{survey.title} ({survey.id}, version {survey.version})")
    for number, question in enumerate(survey.questions, start=1):
        flags = [question.type, question.domain]
        if question.kpi:
            flags.append("KPI")
        if question.optional:
            flags.append("optional")
        print(f"{number:>3}. {question.text}  [{', '.join(flags)}]")
    return 0


def _audience_text(audience: object) -> str:
    if isinstance(audience, dict):
        return "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in audience.items())
    return str(audience)
