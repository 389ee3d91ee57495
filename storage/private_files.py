"""Files that hold children's data or links to it, readable by their owner only.

Reports, exports, QR codes and link lists are written 0600 in folders created 0700,
whatever the umask, so a shared server's other accounts cannot read them.
"""

from __future__ import annotations

import os
from pathlib import Path


def private_folder(folder: Path) -> Path:
    """Create `folder` (and its parents) 0700 if missing; an existing folder is left as
    the council set it up."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def write_private_bytes(path: Path, data: bytes) -> Path:
    """Write `data` to `path`, 0600 (an existing file is tightened to 0600 too)."""
    private_folder(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            fd = -1
            handle.write(data)
    finally:
        if fd != -1:
            os.close(fd)
    return path


def write_private_text(path: Path, text: str) -> Path:
    """`write_private_bytes` of UTF-8 text, newlines as given."""
    return write_private_bytes(path, text.encode("utf-8"))
