"""Heard stays installable next year: bounded dependencies, the locked set installed,
an SPDX licence (issue 18, item 1)."""

from __future__ import annotations

import importlib.metadata as metadata
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)")


def requirements() -> list[Requirement]:
    project = PROJECT["project"]
    listed = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    return [Requirement(line) for line in listed]


def locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        found = _PIN.match(line)
        if found:
            pins[canonicalize_name(found.group(1))] = found.group(2)
    return pins


def test_every_direct_dependency_stops_before_its_next_major() -> None:
    unbounded = [
        str(req)
        for req in requirements()
        if not any(s.operator in ("<", "<=", "==", "~=") for s in req.specifier)
    ]
    assert unbounded == []
    build = PROJECT["build-system"]["requires"]
    assert any(r.startswith("setuptools>=77,<") for r in build), build


def test_the_licence_is_spdx_and_its_file_is_there() -> None:
    assert PROJECT["project"]["license"] == "MIT"
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")


def test_the_lock_pins_every_dependency_within_its_range() -> None:
    pins = locked()
    for req in requirements():
        name = canonicalize_name(req.name)
        if req.marker is not None and not req.marker.evaluate():
            continue
        assert name in pins, f"{req.name} is not in requirements.lock: run `make lock`"
        assert req.specifier.contains(pins[name], prereleases=True), (req, pins[name])


def test_what_is_installed_is_the_locked_set() -> None:
    """`make test` installs with `--constraint requirements.lock`: a package installed at
    another version means the lock is stale (run `make lock`, then `make clean test`)."""
    different = {}
    for name, version in locked().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # e.g. a package for another platform
        if installed != version:
            different[name] = (version, installed)
    assert different == {}


PACKAGES = ("bot", "webforms", "surveys", "analysis", "storage", "localoffer", "heard", "notices")


def test_every_file_heard_reads_is_in_the_wheel(tmp_path: Path) -> None:
    """A council that installs the built package, not a checkout, gets every data file:
    models, lexicons, templates, translations (the theme model was once left out, so
    themes silently ran on the lexicon alone)."""
    import shutil
    import subprocess
    import sys
    import zipfile

    tracked = subprocess.run(
        ["git", "ls-files", "pyproject.toml", "README.md", "LICENSE", *PACKAGES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    source = tmp_path / "source"
    for name in tracked:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    subprocess.run(
        # Built as pip installs Heard: in its own environment, with the setuptools that
        # pyproject.toml asks for (a 3.11 venv's own is too old for it).
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
        + ["--wheel-dir", str(tmp_path / "wheel"), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "wheel").glob("heard-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    data = [n for n in tracked if n.split("/")[0] in PACKAGES and not n.endswith(".py")]
    assert data, "no data files found: is this a git checkout?"
    assert [n for n in data if n not in inside] == []
