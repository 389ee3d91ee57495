"""The local offer data: the shipped example validates; broken files say where and how to fix."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from localoffer.catalogue import AREA_LABELS, AREAS, DATA_DIR, check_offer, load_offer
from storage.datafiles import DataFileError

GOOD = """\
id: {id}
title: Staying Put
area: accommodation
summary: You can stay with your foster carers after 18.
details: Ask your PA.
who_can_get_it:
  min_age: 18
  max_age: 21
  cohorts: [care_leaver]
how_to_get_it: Talk to your social worker.
contact: Your PA.
source:
  kind: local
  document: Home@theHeart 2025-28, section 11.5
last_reviewed: 2026-01-15
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def broken(tmp_path: Path, text: str, name: str = "staying-put.yaml") -> DataFileError:
    write(tmp_path, name, text)
    with pytest.raises(DataFileError) as caught:
        load_offer(tmp_path)
    return caught.value


# -- the shipped example offer ------------------------------------------------------


def test_shipped_offer_validates_with_40_plus_entries_in_every_area() -> None:
    offer = load_offer()
    assert len(offer) >= 40
    assert offer.areas() == list(AREAS)
    assert all(offer.by_area(area) for area in AREAS)


def test_shipped_entries_are_plain_and_sourced() -> None:
    for entry in load_offer():
        assert len(entry.summary.split()) <= 80, entry.id
        assert entry.how_to_get_it and entry.contact, entry.id
        if entry.source.kind == "national":
            assert entry.source.basis, entry.id
        else:
            assert entry.source.document, entry.id
        assert "placement" not in entry.summary.lower(), f"{entry.id}: say 'home'"
        assert Path(entry.file).stem == entry.id


def test_shipped_offer_covers_the_issue_examples() -> None:
    offer = load_offer()
    for entry_id in (
        "personal-adviser",
        "pathway-plan",
        "staying-put",
        "staying-close",
        "supported-lodgings",
        "supported-accommodation",
        "youth-housing-advice",
        "sixteen-plus-panel",
        "social-housing",
        "living-with-family-or-friends",
        "homelessness-help",
        "complaints",
        "advocacy",
        "pa-support-to-25",
        "setting-up-home-allowance",
        "higher-education-bursary",
        "documents-and-id",
        "bank-account",
        "apprenticeship-bursary",
    ):
        assert offer.get(entry_id) is not None, entry_id
    staying_put = offer.get("staying-put")
    assert staying_put is not None
    assert staying_put.who_can_get_it.max_age == 21
    assert staying_put.source.kind == "local"
    assert offer.get("higher-education-bursary").source.kind == "national"  # type: ignore[union-attr]


def test_area_labels_cover_every_area() -> None:
    assert set(AREA_LABELS) == set(AREAS)
    assert AREA_LABELS["education_and_work"] == "Education and work"
    assert load_offer().get("staying-put").area_label == "Somewhere to live"  # type: ignore[union-attr]


def test_by_area_and_get() -> None:
    offer = load_offer()
    money = offer.by_area("money")
    assert money and all(entry.area == "money" for entry in money)
    assert offer.get("no-such-entry") is None
    with pytest.raises(ValueError, match="unknown area 'housing'"):
        offer.by_area("housing")


def test_due_for_review(tmp_path: Path) -> None:
    write(tmp_path, "staying-put.yaml", GOOD.format(id="staying-put"))
    write(
        tmp_path,
        "old-one.yaml",
        GOOD.format(id="old-one").replace("2026-01-15", "2024-03-31"),
    )
    offer = load_offer(tmp_path)
    assert [e.id for e in offer.due_for_review(date(2026, 6, 1))] == ["old-one"]
    assert [e.id for e in offer.due_for_review(date(2027, 1, 15))] == ["old-one", "staying-put"]
    assert offer.due_for_review(date(2026, 6, 1), months=36) == []
    newest = max(entry.last_reviewed for entry in load_offer())
    assert load_offer().due_for_review(newest) == []


def test_default_folder_is_the_package_data() -> None:
    assert load_offer().directory == DATA_DIR


# -- broken files: file, line, entry id and fix ---------------------------------------


@pytest.mark.parametrize(
    ("change", "line", "problem", "fix"),
    [
        (("area: accommodation", "area: housing"), 3, "unknown area 'housing'", "use one of"),
        (("contact: Your PA.\n", ""), 1, "'contact' is missing", "add 'contact:'"),
        (("2026-01-15", "15/01/2026"), 15, "is not a date", "YYYY-MM-DD"),
        (("min_age: 18", "min_age: 22"), 7, "min_age 22 is more than max_age 21", "swap"),
        (("[care_leaver]", "[careleaver]"), 9, "unknown cohorts value", "child_in_care"),
        (("kind: local", "kind: nationwide"), 13, "unknown source kind", "national"),
        (("  document: Home@theHeart 2025-28, section 11.5\n", ""), 13, "needs 'document'", ""),
        (("contact: Your PA.", "contact: Your PA.\nphone: 123"), 12, "unknown field 'phone'", ""),
        (("max_age: 21", "max_age: twenty-one"), 8, "whole number", "max_age: 21"),
    ],
)
def test_broken_entry_names_file_line_id_and_fix(
    tmp_path: Path, change: tuple[str, str], line: int, problem: str, fix: str
) -> None:
    text = GOOD.format(id="staying-put").replace(*change)
    error = broken(tmp_path, text)
    message = str(error)
    assert "staying-put.yaml" in message
    assert error.line == line, message
    assert error.item == "staying-put"
    assert problem in message
    assert "Fix:" in message and fix in message


def test_summary_too_long(tmp_path: Path) -> None:
    long = "word " * 120
    error = broken(tmp_path, GOOD.format(id="staying-put").replace("You can stay", long))
    assert "summary is 126 words long" in str(error)
    assert error.line == 4
    assert "80 words" in (error.fix or "")
    assert error.item == "staying-put"


def test_duplicate_id(tmp_path: Path) -> None:
    write(tmp_path, "staying-put.yaml", GOOD.format(id="staying-put"))
    error = broken(tmp_path, GOOD.format(id="staying-put"), name="staying-put.yml")
    assert "already used in" in str(error) and "staying-put.yaml" in str(error)
    assert error.file.endswith("staying-put.yml")
    assert error.item == "staying-put"
    assert error.fix == "give each entry its own id"


def test_id_must_match_file_name(tmp_path: Path) -> None:
    error = broken(tmp_path, GOOD.format(id="staying-put"), name="stay.yaml")
    assert error.item == "staying-put" and error.line == 1
    assert "rename the file to staying-put.yaml" in (error.fix or "")


def test_bad_id_form(tmp_path: Path) -> None:
    error = broken(tmp_path, GOOD.format(id="Staying Put"), name="Staying Put.yaml")
    assert "not in the right form" in str(error)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    text = GOOD.format(id="staying-put").replace("contact: Your PA.", "contact: [Your PA.")
    error = broken(tmp_path, text)
    assert error.line is not None and error.line >= 11
    assert "not valid YAML" in str(error)


def test_not_a_mapping_and_empty(tmp_path: Path) -> None:
    error = broken(tmp_path, "- just\n- a list\n")
    assert error.item == "staying-put" and "key: value" in str(error)
    (tmp_path / "staying-put.yaml").write_text("", encoding="utf-8")
    with pytest.raises(DataFileError, match="empty"):
        load_offer(tmp_path)


def test_empty_or_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no local offer entries"):
        load_offer(tmp_path)
    with pytest.raises(DataFileError, match="no such folder"):
        load_offer(tmp_path / "nope")


def test_underscore_files_are_not_entries(tmp_path: Path) -> None:
    write(tmp_path, "staying-put.yaml", GOOD.format(id="staying-put"))
    write(tmp_path, "_notes.yaml", "anything: goes\n")
    assert [entry.id for entry in load_offer(tmp_path)] == ["staying-put"]


def test_no_upper_age_limit(tmp_path: Path) -> None:
    write(
        tmp_path, "staying-put.yaml", GOOD.format(id="staying-put").replace("  max_age: 21\n", "")
    )
    limits = load_offer(tmp_path).get("staying-put").who_can_get_it  # type: ignore[union-attr]
    assert limits.max_age is None
    assert limits.age_status(40) == "available" and limits.age_status(17) == "not_yet"


def test_check_lists_every_broken_file(tmp_path: Path) -> None:
    assert check_offer() == []
    write(tmp_path, "staying-put.yaml", GOOD.format(id="staying-put"))
    write(tmp_path, "bad-area.yaml", GOOD.format(id="bad-area").replace("accommodation", "flats"))
    write(tmp_path, "bad-date.yaml", GOOD.format(id="bad-date").replace("2026-01-15", "soon"))
    problems = check_offer(tmp_path)
    assert sorted(p.item or "" for p in problems) == ["bad-area", "bad-date"]
    assert all(p.fix for p in problems)
