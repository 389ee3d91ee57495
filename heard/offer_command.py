"""`heard offer ask|list|check|unanswered`: the local offer from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from heard.settings import Settings
from heard.wiring import open_database
from localoffer.catalogue import (
    AREA_LABELS,
    AREAS,
    Offer,
    check_offer,
    load_offer,
    translatable_fields,
)
from localoffer.desk import OfferDesk
from localoffer.words import check_offer_words, load_offer_words, words_path


def run_offer(args: argparse.Namespace, settings_for) -> int:
    action = args.offer_command
    if action == "check":
        directory = Path(args.dir) if args.dir else None
        errors = check_offer(directory) + check_offer_words(_other_languages())
        for error in errors:
            print(error, file=sys.stderr)
        if errors:
            print(f"{len(errors)} problem(s) found.", file=sys.stderr)
            return 1
        offer = load_offer(directory)
        due = offer.due_for_review(date.today())
        print(f"All {len(offer.entries)} entries are valid.")
        if due:
            print(f"{len(due)} due for review (last reviewed over 12 months ago):")
            for entry in due:
                print(f"  {entry.id}  (last reviewed {entry.last_reviewed:%d %B %Y})")
        _print_translations(offer)
        return 0
    if action == "list":
        offer = load_offer()
        if args.area and args.area not in AREAS:
            print(f"heard: no area {args.area!r}; try one of: {', '.join(AREAS)}", file=sys.stderr)
            return 2
        entries = offer.by_area(args.area) if args.area else list(offer.entries)
        if args.json:
            print(
                json.dumps(
                    [
                        {"id": e.id, "title": e.title, "area": e.area, "summary": e.summary}
                        for e in entries
                    ],
                    indent=2,
                    ensure_ascii=False,
                )
            )
        else:
            for entry in entries:
                print(f"{AREA_LABELS[entry.area]:<26} {entry.id:<36} {entry.title}")
        return 0
    settings: Settings = settings_for(args)
    database = open_database(settings)
    desk = OfferDesk(database.sessions)
    if action == "unanswered":
        for query in desk.unanswered(limit=args.limit):
            print(f"{query.created_at:%Y-%m-%d %H:%M}  {query.channel:<8} {query.text}")
        return 0
    answer = desk.ask(args.text, channel="cli", age=args.age)
    if args.json:
        print(json.dumps(answer.to_json(), indent=2, ensure_ascii=False))
    else:
        print(answer.reply_text())
    return 0


def _other_languages() -> list[str]:
    from surveys import languages

    return [code for code in languages.load_languages() if code != languages.DEFAULT]


def _print_translations(offer: Offer) -> None:
    """Each language's translation files with their status, and what still shows in
    English (field by field: a missing file means the whole entry is English); then the
    offer's own words (localoffer/words.<code>.yaml: labels, "not sure", ages, topics)."""
    from surveys import languages

    codes = _other_languages()
    total_fields = sum(len(translatable_fields(entry)) for entry in offer.entries)
    print("Translations (anything missing is shown in English):")
    for code in codes:
        table = offer.translations.get(code, {})
        if not table and not languages.is_shipped(code):
            continue
        missing = offer.in_english(code)
        fields = sum(len(gaps) for gaps in missing.values())
        untranslated = [entry.id for entry in offer.entries if entry.id not in table]
        drafts = sum(1 for words in table.values() if words.status == "draft")
        print(
            f"  {code} ({languages.english_name(code)}): {len(table)} of {len(offer.entries)} "
            f"entries have a file ({drafts} draft: to be checked by a qualified translator, "
            f"{len(table) - drafts} reviewed); {len(untranslated)} entries and "
            f"{fields} of {total_fields} fields still in English"
        )
        for entry_id, words in sorted(table.items()):
            gaps = missing.get(entry_id, ())
            still = f"; in English: {', '.join(gaps)}" if gaps else ""
            print(f"    {entry_id}.{code}.yaml  {words.status_text}{still}")
    print("The offer's own words (labels, 'not sure', ages, topics; anything missing is English):")
    for code in codes:
        path = words_path(code)
        if not path.exists():
            if languages.is_shipped(code):
                print(f"  {code} ({languages.english_name(code)}): no {path.name}: all in English")
            continue
        own = load_offer_words(code)
        english = own.in_english
        still = f"; {len(english)} in English: {', '.join(english)}" if english else "; complete"
        print(f"  {code} ({languages.english_name(code)}): {path.name}  {own.status_text}{still}")
