"""The newest of a folder's versioned files ("sg-model-2026.12-10.json").

Versions are compared number by number, so 2026.12-10 is newer than 2026.12-9, which a
plain sort of the names gets the wrong way round.
"""

from __future__ import annotations

import re
from pathlib import Path

_NUMBERS = re.compile(r"(\d+)")


def _version_key(path: Path) -> tuple[tuple[int, object], ...]:
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in _NUMBERS.split(path.name)
    )


def newest_file(folder: Path, pattern: str) -> Path | None:
    """The file matching `pattern` in `folder` with the highest version, or None."""
    paths = sorted(folder.glob(pattern), key=_version_key)
    return paths[-1] if paths else None
