"""Loading the YAML data files (surveys, local offer, lexicons) with line numbers.

Every data file a council edits must fail with the file, the line, the item and
the fix, so loaders share this one reader and this one error type.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml


class DataFileError(ValueError):
    """A data file is malformed; the message says where and what to change."""

    def __init__(
        self,
        file: str | Path,
        problem: str,
        *,
        line: int | None = None,
        item: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.file = str(file)
        self.problem = problem
        self.line = line
        self.item = item
        self.fix = fix
        where = self.file if line is None else f"{self.file}:{line}"
        what = f"{item}: {problem}" if item else problem
        text = f"{where}: {what}"
        if fix:
            text += ("" if text.endswith((".", "?", "!")) else ".") + f" Fix: {fix}"
        super().__init__(text)


class LineDict(dict):
    """A mapping that remembers the line it started on in its file."""

    line: int | None = None


class LineList(list):
    """A sequence that remembers the line it started on in its file."""

    line: int | None = None


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"the key {key!r} appears twice in the same block",
                key_node.start_mark,
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def line_of(value: Any) -> int | None:
    """The line a mapping or list started on, if it came from a data file."""
    return getattr(value, "line", None)


def key_line(path: str | Path, start: int | None, key: str) -> int | None:
    """The line of `key:` in the block that starts at line `start`, or None.

    The YAML reader keeps where each block starts, not each key, so an error that names
    one key reads the file again to find it (only ever on the way to an error)."""
    if start is None:
        return None
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    pattern = re.compile(rf"^\s*(-\s+)?{re.escape(key)}\s*:")
    for number in range(start, len(lines) + 1):
        if pattern.match(lines[number - 1]):
            return number
    return None


def load_yaml(path: str | Path) -> Any:
    """Read one YAML data file; syntax errors become a DataFileError with the line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DataFileError(path, "file not found", fix="check the path") from exc
    except UnicodeDecodeError as exc:
        raise DataFileError(path, "not UTF-8 text", fix="save the file as UTF-8") from exc
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = (exc.problem or str(exc)).strip()
        raise DataFileError(
            path,
            f"this is not valid YAML ({problem})",
            line=line,
            fix="check the indentation and quoting on or just above this line",
        ) from exc
    except yaml.YAMLError as exc:  # pragma: no cover - non-marked YAML errors are rare
        raise DataFileError(path, f"this is not valid YAML ({exc})") from exc


def require_mapping(path: str | Path, value: Any, item: str) -> LineDict:
    """The value must be a mapping (key: value block); otherwise say so plainly."""
    if not isinstance(value, dict):
        raise DataFileError(
            path,
            f"expected a block of 'key: value' lines, found {type(value).__name__}",
            line=line_of(value),
            item=item,
            fix="write this item as indented 'key: value' lines",
        )
    return value  # type: ignore[return-value]
