"""Settings: defaults for the demo, one clear line for every bad value."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from heard.settings import SettingsError, load_settings, theme_encoder_chosen


def _load(tmp_path: Path, **values: str):
    return load_settings(environ={"HEARD_DATA_DIR": str(tmp_path), **values}, env_file=None)


def test_defaults_need_nothing(tmp_path: Path) -> None:
    settings = _load(tmp_path)
    assert settings.database_url == f"sqlite:///{(tmp_path / 'heard.sqlite3').resolve()}"
    assert settings.kpi_target == 0.80
    assert settings.suppression_threshold == 5
    assert settings.timezone == "Europe/London"
    assert settings.telegram_token is None


def test_keys_are_generated_once_private_and_never_shown(tmp_path: Path) -> None:
    first = _load(tmp_path)
    second = _load(tmp_path)
    assert first.secret_key == second.secret_key
    assert first.pseudonym_key == second.pseudonym_key
    assert first.secret_key != first.pseudonym_key.decode()
    mode = stat.S_IMODE((tmp_path / "pseudonym_key").stat().st_mode)
    assert mode == 0o600
    assert first.secret_key not in repr(first)
    assert first.pseudonym_key.decode() not in repr(first)


def test_env_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("HEARD_KPI_TARGET=0.75\nHEARD_SUPPRESSION_THRESHOLD=10\n")
    settings = load_settings(
        environ={"HEARD_DATA_DIR": str(tmp_path), "HEARD_KPI_TARGET": "0.9"}, env_file=env_file
    )
    assert settings.kpi_target == 0.9
    assert settings.suppression_threshold == 10


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("HEARD_KPI_TARGET", "1.7", "HEARD_KPI_TARGET"),
        ("HEARD_KPI_TARGET", "eighty", "HEARD_KPI_TARGET"),
        ("HEARD_SUPPRESSION_THRESHOLD", "-3", "HEARD_SUPPRESSION_THRESHOLD"),
        ("HEARD_DATABASE_URL", "not a url at all", "HEARD_DATABASE_URL"),
        ("HEARD_DATABASE_URL", "mysql://x@y/z", "HEARD_DATABASE_URL"),
        ("HEARD_TIMEZONE", "Mars/Olympus", "HEARD_TIMEZONE"),
        ("HEARD_TELEGRAM_API_URL", "ftp://x", "HEARD_TELEGRAM_API_URL"),
        ("HEARD_PSEUDONYM_KEY", "short", "HEARD_PSEUDONYM_KEY"),
        ("HEARD_KPI_TARGTE", "0.8", "HEARD_KPI_TARGTE"),
        ("HEARD_THEME_ENCODER", "maybe", "HEARD_THEME_ENCODER='maybe' must be on or off"),
        ("HEARD_THEME_ENCODER", "x" * 10_000, "HEARD_THEME_ENCODER='xxxxxxxxxxxxxxxxxxxx"),
    ],
)
def test_bad_values_give_one_line_naming_the_variable(
    tmp_path: Path, name: str, value: str, expected: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        _load(tmp_path, **{name: value})
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message
    assert len(message) < 300  # one line a person can read, whatever was pasted


def test_percent_target_is_understood(tmp_path: Path) -> None:
    assert _load(tmp_path, HEARD_KPI_TARGET="85%").kpi_target == pytest.approx(0.85)


@pytest.mark.parametrize(
    ("value", "on"),
    [("on", True), ("ON", True), (" true ", True), ("yes", True), ("1", True)]
    + [("off", False), ("Off", False), ("false", False), ("no", False), ("0", False)]
    + [("", False)],
)
def test_the_theme_encoder_is_a_councils_choice_off_unless_set(
    tmp_path: Path, value: str, on: bool
) -> None:
    assert _load(tmp_path).theme_encoder is False
    assert _load(tmp_path, HEARD_THEME_ENCODER=value).theme_encoder is on
    # `heard analyse-text` reads it alone, from the environment or the .env file
    assert theme_encoder_chosen({"HEARD_THEME_ENCODER": value}, env_file=None) is on
    env_file = tmp_path / ".env"
    env_file.write_text(f"HEARD_THEME_ENCODER={value}\n")
    assert theme_encoder_chosen({}, env_file=env_file) is on
