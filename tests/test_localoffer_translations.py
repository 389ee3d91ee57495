"""The local offer in other languages: one file per entry and language beside the entry
(localoffer/data/<id>.<code>.yaml), checked on load, shown field by field with English
where a field is not translated yet, and listed by `heard offer check`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from heard.cli import main
from localoffer.catalogue import DATA_DIR, check_offer, load_offer
from storage.datafiles import DataFileError

GOOD = """\
language: ar
entry: staying-put
status: draft
title: البقاء مع عائلتك الحاضنة بعد سن 18
summary: >-
  يمكنك أن تبقى تعيش مع عائلتك الحاضنة بعد عيد ميلادك الـ 18، حتى سن 21، وأحيانًا
  بعد سن 21.
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A small offer: two English entries, copied from the shipped one."""
    for name in ("staying-put.yaml", "setting-up-home-allowance.yaml"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_translation_is_used_field_by_field_and_english_stays_where_missing(
    folder: Path,
) -> None:
    write(folder, "staying-put.ar.yaml", GOOD)
    offer = load_offer(folder)
    assert len(offer) == 2  # the translation is not read as an entry of its own
    english = offer.get("staying-put")
    assert english is not None
    arabic = offer.localise(english, "ar")
    assert arabic.title == "البقاء مع عائلتك الحاضنة بعد سن 18"
    assert arabic.lang_of("title") == "ar" and arabic.lang_of("summary") == "ar"
    # not translated: the English words, and said to be English
    assert arabic.details == english.details and arabic.lang_of("details") == "en"
    assert arabic.how_to_get_it == english.how_to_get_it
    assert arabic.lang_of("how_to_get_it") == "en"
    # ids, ages and the source are never translated
    assert (arabic.id, arabic.who_can_get_it.min_age, arabic.source) == (
        english.id,
        english.who_can_get_it.min_age,
        english.source,
    )
    # Pashto has no file here: all English; English asks for nothing
    pashto = offer.localise(english, "ps")
    assert pashto.title == english.title and pashto.lang_of("title") == "en"
    assert offer.localise(english, "en") is english
    missing = offer.in_english("ar")
    assert "title" not in missing["staying-put"] and "details" in missing["staying-put"]
    assert "title" in missing["setting-up-home-allowance"]


@pytest.mark.parametrize(
    ("name", "text", "problem", "fix"),
    [
        (
            "not-an-entry.ar.yaml",
            GOOD.replace("entry: staying-put", "entry: not-an-entry"),
            "there is no entry 'not-an-entry'",
            "rename the file after an entry's id",
        ),
        (
            "staying-put.ar.yaml",
            GOOD + "source: something\n",
            "unknown field 'source'",
            "never translated",
        ),
        (
            "staying-put.ar.yaml",
            GOOD + "summmary: كلمات\n",
            "unknown field 'summmary'",
            "use only:",
        ),
        (
            "staying-put.ar.yaml",
            GOOD.replace("language: ar", "language: ps"),
            "does not match the file name's 'ar'",
            "write 'language: ar'",
        ),
        (
            "staying-put.xx.yaml",
            GOOD.replace("language: ar", "language: xx"),
            "not a language Heard speaks",
            "surveys/languages.yaml",
        ),
        (
            "staying-put.ar.yaml",
            GOOD.replace("status: draft\n", ""),
            "the status is None",
            "status: draft",
        ),
        (
            "staying-put.ar.yaml",
            GOOD.replace("status: draft", "status: reviewed"),
            "needs who checked it and when",
            "reviewed_by",
        ),
        (
            "staying-put.ar.yaml",
            GOOD.replace("حتى سن 21", "حتى سن 22"),
            "the numbers in 'summary' are not the English field's (18, 21, 21)",
            "keep every number",
        ),
        (
            "staying-put.ar.yaml",
            GOOD.replace("بعد سن 18", "بعد سن ١٨"),
            "a number in 'title' is not written in the digits 0-9",
            "0123456789",
        ),
        (
            "setting-up-home-allowance.ar.yaml",
            "language: ar\nentry: setting-up-home-allowance\nstatus: draft\n"
            "summary: تتوقع الحكومة £2,000 على الأقل.\n",
            "(3000)",
            "exactly as in English",
        ),
        (
            "staying-put.ar.yaml",
            GOOD.replace("entry: staying-put", "entry: staying-putt"),
            "does not match the file name",
            "write 'entry: staying-put'",
        ),
    ],
)
def test_a_mistake_in_a_translation_names_the_file_item_and_fix(
    folder: Path, name: str, text: str, problem: str, fix: str
) -> None:
    path = write(folder, name, text)
    with pytest.raises(DataFileError) as raised:
        load_offer(folder)
    message = str(raised.value)
    assert path.name in message and problem in message and fix in message, message
    assert raised.value.item == name.split(".")[0]
    assert [str(p) for p in check_offer(folder)] == [message]


def test_a_reviewed_translation_with_who_and_when_loads(folder: Path) -> None:
    write(
        folder,
        "staying-put.ps.yaml",
        GOOD.replace("language: ar", "language: ps").replace(
            "status: draft", "status: reviewed\nreviewed_by: A. Translator\nreviewed_on: 2026-12-01"
        ),
    )
    words = load_offer(folder).translations["ps"]["staying-put"]
    assert words.status_text == "reviewed by A. Translator on 2026-12-01"


def test_the_shipped_translations_load_and_are_drafts() -> None:
    offer = load_offer()
    assert check_offer() == []
    for code in ("ar", "ps"):
        table = offer.translations[code]
        for entry_id in ("staying-put", "setting-up-home-allowance", "personal-adviser"):
            assert {"title", "summary"} <= set(table[entry_id].fields)
        assert all(words.status in ("draft", "reviewed") for words in table.values())


def test_heard_offer_check_lists_each_translation_and_what_is_english(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(folder, "staying-put.ar.yaml", GOOD)
    assert main(["offer", "check", "--dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "ar (Arabic): 1 of 2 entries have a file (1 draft" in out
    assert "1 entries and" in out and "fields still in English" in out
    assert "staying-put.ar.yaml  draft (to be checked by a qualified translator)" in out
    assert "in English: details, how_to_get_it, contact, note" in out
    assert "ps (Pashto): 0 of 2 entries have a file" in out

    write(folder, "staying-put.ps.yaml", GOOD)  # says ar inside a .ps file
    assert main(["offer", "check", "--dir", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "staying-put.ps.yaml" in err and "write 'language: ps'" in err


def test_a_number_with_a_plus_reads_left_to_right_in_arabic_and_pashto() -> None:
    """ "16+" inside a right-to-left sentence shows as "+16" unless it is isolated
    (U+2066 ... U+2069), as the safeguarding help isolates phone numbers."""
    import re

    loose = re.compile(r"(?<!\u2066)\d+\+(?!\u2069)")
    found = [
        f"{path.name}: {match.group(0)}"
        for code in ("ar", "ps")
        for path in sorted(DATA_DIR.glob(f"*.{code}.yaml"))
        for match in loose.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == [], found
    assert "\u206616+\u2069" in (DATA_DIR / "sixteen-plus-panel.ar.yaml").read_text("utf-8")
