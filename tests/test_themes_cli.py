"""`heard analyse-text --json` returns issue 17's themes, on comments with typos, slang
and no punctuation, for young people by default and for foster carers with --who carer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HEARD = [sys.executable, "-m", "heard.cli"]


def analyse(
    lines: list[str], tmp_path: Path, *extra: str, encoder: str | None = None
) -> list[dict[str, Any]]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("HEARD_") or k.startswith("HEARD_TEST")
    }
    environment["HEARD_DATA_DIR"] = str(tmp_path / "data")
    if encoder is not None:
        environment["HEARD_THEME_ENCODER"] = encoder
    result = subprocess.run(
        [*HEARD, "analyse-text", "--json", *extra],
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_young_peoples_new_themes_with_typos_and_no_punctuation(tmp_path: Path) -> None:
    lines = [
        "my sw left n no1 told me who the new 1 is",
        "got picked 4 the netball team sooo happy",
        "nobody here knows how to do my hair it gets well dry",
        "my carer keeps my pocket money til i tidy my room",
        "been on camhs waitin list since march",
        "dont no how long im staying here tbh",
    ]
    results = analyse(lines, tmp_path)
    assert [r["text"] for r in results] == lines
    assert all(r["who"] == "young-person" for r in results)
    themes = [r["themes"] for r in results]
    assert "support_from_council" in themes[0]
    assert "activities_and_hobbies" in themes[1]
    assert "identity_and_culture" in themes[2]
    assert themes[3] == ["boundaries_and_care", "money"]  # a carer named: not trusted adults
    assert themes[4] == ["health"]
    assert themes[5] == ["stability"]
    assert all(isinstance(r["polarity"], float) for r in results)


def test_carers_get_carers_themes(tmp_path: Path) -> None:
    lines = [
        "our ssw has changed 3 times this yr",
        "allowance paid late AGAIN no one tells us why",
        "no respite since jan were exhausted",
        "had to wait 2 wks for permission for her hair cut",
    ]
    results = analyse(lines, tmp_path, "--who", "carer")
    assert all(r["who"] == "carer" for r in results)
    themes = [r["themes"] for r in results]
    assert themes[0] == ["support_from_council"]
    assert "payments_and_allowances" in themes[1]  # (the theme model vetoes "no one tells
    # us why" as being informed and included: 0.02 against its bar of 0.07)
    assert themes[2] == ["respite_and_breaks", "carer_wellbeing"]
    assert themes[3] == ["delegated_authority"]
    # the same words from a young person get young people's themes, never carers'
    young = analyse(lines[:1], tmp_path)[0]["themes"]
    assert "support_from_council" in young
    assert not set(young) & {"payments_and_allowances", "carer_training"}


def test_a_council_with_the_encoder_on_sees_what_it_stores(tmp_path: Path) -> None:
    """`heard analyse-text` tags as the council's Heard stores comments: with
    HEARD_THEME_ENCODER=on, a mental-health wait said without "camhs" is health too."""
    line = "been waiting 9 months to see someone about my anxiety"
    assert "health" not in analyse([line], tmp_path)[0]["themes"]
    assert "health" in analyse([line], tmp_path, encoder="on")[0]["themes"]
    assert "health" not in analyse([line], tmp_path, encoder="off")[0]["themes"]


def test_a_mistyped_encoder_setting_is_one_kind_line(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HEARD_")}
    environment["HEARD_THEME_ENCODER"] = "onn"
    result = subprocess.run(
        [*HEARD, "analyse-text", "--json"],
        input="i miss my mates\n",
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode != 0 and result.stdout == ""
    assert "HEARD_THEME_ENCODER='onn' must be on or off" in result.stderr
    assert "Traceback" not in result.stderr
