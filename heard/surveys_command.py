"""`heard surveys list|show|check`: the catalogue as people and tools read it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from analysis.safeguarding.replies import load_replies, translation_path
from bot.texts import texts_path
from storage.datafiles import DataFileError, load_yaml
from surveys import languages
from surveys.definition import (
    check_catalogue,
    load_catalogue,
    survey_summary_json,
    survey_to_json,
)
from surveys.matching import load_answer_words, words_path
from surveys.messages import load_messages, messages_path, translation_status
from surveys.translations import (
    STATUS_MEANING,
    check_translations,
    load_scale_words,
    load_translations,
    missing_items,
)


def run_surveys(args: argparse.Namespace) -> int:
    action = args.surveys_command
    if action == "check":
        directory = Path(args.dir) if args.dir else None
        errors = check_catalogue(directory)
        errors += check_translations(directory) if not errors else []
        errors += _check_language_files()
        for error in errors:
            print(error, file=sys.stderr)
        if errors:
            print(f"{len(errors)} problem(s) found.", file=sys.stderr)
            return 1
        count = len(load_catalogue(directory))
        print(f"All {count} surveys are valid.")
        _print_translations(directory)
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


def _other_languages() -> list[languages.Language]:
    return [lang for lang in languages.load_languages().values() if lang.code != languages.DEFAULT]


def _check_language_files() -> list[DataFileError]:
    """languages.yaml, and each language's engine messages and answer words."""
    try:
        others = _other_languages()
    except DataFileError as exc:
        return [exc]
    errors: list[DataFileError] = []
    for lang in others:
        for load in (load_messages, load_answer_words, load_replies):
            try:
                load(language=lang.code)
            except DataFileError as exc:
                errors.append(exc)
    return errors


def _file_status(path: Path) -> str:
    if not path.exists():
        return "no file: all in English"
    doc = load_yaml(path)
    if doc.get("status") is None:
        return "no status line: a draft until a translator marks it reviewed"
    if doc.get("status") == "reviewed":
        return f"reviewed by {doc.get('reviewed_by')} on {doc.get('reviewed_on')}"
    return f"{doc.get('status')} ({STATUS_MEANING.get(str(doc.get('status')), '')})"


def _print_translations(directory: Path | None) -> None:
    """Every translation of every survey: its status and what is still shown in English."""
    catalogue = load_catalogue(directory)
    translations = load_translations(directory)
    print("\nTranslations (anything missing is shown in English):")
    for lang in _other_languages():
        offered = "offered" if lang.shipped else "not offered (shipped: false)"
        print(
            f"\n{lang.english_name} ({lang.code}, {lang.native_name}, {lang.direction}): {offered}"
        )
        for survey in catalogue.values():
            found = translations.get((survey.id, lang.code))
            if found is None and load_scale_words(lang.code) is None:
                print(f"  {survey.id:<22} no translation: all in English")
                continue
            status = found.status_text if found else "no file: questions in English"
            missing = missing_items(survey, lang.code, directory)
            gaps = f"{len(missing)} missing: {', '.join(missing)}" if missing else "complete"
            print(f"  {survey.id:<22} {status}; {gaps}")
        scales = load_scale_words(lang.code)
        shown = _file_status(Path(scales.path)) if scales else "no file: all in English"
        print(f"  {'answer scales':<22} {shown}")
        _, missing = translation_status(lang.code)
        gaps = f"; {len(missing)} missing: {', '.join(missing)}" if missing else ""
        print(f"  {'engine messages':<22} {_file_status(messages_path(lang.code))}{gaps}")
        print(f"  {'answer words':<22} {_file_status(words_path(lang.code))}")
        replies = load_replies(language=lang.code)
        gaps = f"; {len(replies.in_english)} in English: {', '.join(replies.in_english)}"
        gaps = gaps if replies.language == lang.code and replies.in_english else ""
        shown = _file_status(translation_path(lang.code))
        print(f"  {'safeguarding help':<22} {shown}{gaps}")
        print(f"  {'bot texts':<22} {_file_status(texts_path(lang.code))}")
        print(f"  {'web pages':<22} {_pages_status(lang.code)}")
        _print_offer(lang.code)


PAGES = Path(__file__).resolve().parent.parent / "webforms" / "translations"


def _pages_status(code: str, folder: Path = PAGES) -> str:
    """The web pages' Flask-Babel catalogue: draft while its header says so, and how many
    of its strings are still empty (shown in English)."""
    path = folder / code / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return "no catalogue: all in English"
    from babel.messages.pofile import read_po

    text = path.read_text(encoding="utf-8")
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=code)
    empty = [m.id for m in catalogue if m.id and not m.string]
    draft = STATUS_MEANING["draft"] in text.split("msgid", 1)[0]
    status = f"draft ({STATUS_MEANING['draft']})" if draft else "reviewed (header says so)"
    return f"{status}; " + (f"{len(empty)} in English" if empty else "complete")


def _print_offer(code: str) -> None:
    """The local offer's translations, in one line each (`heard offer check` has them
    entry by entry)."""
    try:
        from localoffer.catalogue import load_offer
        from localoffer.search_translated import search_words_path
        from localoffer.words import words_path as offer_words_path
    except ImportError:  # a build without the local offer
        return
    offer = load_offer()
    files = offer.translations.get(code, {})
    drafts = sum(1 for t in files.values() if t.status == "draft")
    left = sum(len(fields) for fields in offer.in_english(code).values())
    gaps = "complete" if not left else f"{left} fields in English"
    reviewed = len(files) - drafts
    counts = f"{len(files)} of {len(offer)} entries ({drafts} draft, {reviewed} reviewed)"
    print(f"  {'local offer':<22} {counts}; {gaps} (heard offer check)")
    print(f"  {'offer words':<22} {_file_status(offer_words_path(code))}")
    print(f"  {'offer search words':<22} {_file_status(search_words_path(code))}")


def _audience_text(audience: object) -> str:
    if isinstance(audience, dict):
        return "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in audience.items())
    return str(audience)
