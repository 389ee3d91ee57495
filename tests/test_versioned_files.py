"""The newest model file is found by version number, not by a plain sort of names."""

from __future__ import annotations

from pathlib import Path

from analysis.versioned_files import newest_file


def test_version_ten_is_newer_than_version_nine(tmp_path: Path) -> None:
    for name in ("sg-model-2026.12-9.json", "sg-model-2026.12-10.json", "sg-model-2026.11-12.json"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("", encoding="utf-8")
    newest = newest_file(tmp_path, "sg-model-*.json")
    assert newest is not None and newest.name == "sg-model-2026.12-10.json"


def test_no_file_is_none(tmp_path: Path) -> None:
    assert newest_file(tmp_path, "sg-model-*.json") is None
