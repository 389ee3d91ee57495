"""Rebuild ``analysis/data/first_names.txt`` from the ONS's baby-names spreadsheets.

The ONS publishes, each year, every first name given to at least three babies
born in England and Wales ("Baby names in England and Wales", boys and girls,
one workbook each). The scrubber's list is every name given to at least
``--min-count`` babies over all the years passed, lower-cased, one a line.

To refresh it, download the boys' and girls' workbooks for the years wanted from

- https://www.ons.gov.uk/peoplepopulationandcommunity/birthsdeathsandmarriages/livebirths/datasets/babynamesenglandandwalesbabynamesstatisticsboys
- https://www.ons.gov.uk/peoplepopulationandcommunity/birthsdeathsandmarriages/livebirths/datasets/babynamesenglandandwalesbabynamesstatisticsgirls

and run::

    .venv/bin/python -m analysis.build_first_names --min-count 30 DOWNLOADS/*.xlsx DOWNLOADS/*.xls

``.xlsx`` workbooks (2019 on) are read with the standard library; the older
``.xls`` ones need ``pip install xlrd``. The workbook's full list is the sheet
with the most rows under a "Name" / "Count" header, whatever the year's layout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from xml.etree import ElementTree

OUTPUT = Path(__file__).parent / "data" / "first_names.txt"
SOURCE_URL = (
    "https://www.ons.gov.uk/peoplepopulationandcommunity/birthsdeathsandmarriages/"
    "livebirths/datasets/babynamesenglandandwalesbabynamesstatisticsboys (and ...girls)"
)
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0"
_NAME = re.compile(r"^[a-z][a-z'-]*[a-z]$")
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")

Row = list[object]


def _column(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _xlsx_sheets(path: Path) -> Iterator[tuple[str, list[Row]]]:
    """Each sheet's name and rows of cell values, read with the standard library."""
    with zipfile.ZipFile(path) as book:
        names = set(book.namelist())
        strings: list[str] = []
        if "xl/sharedStrings.xml" in names:
            root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
            for item in root.findall("m:si", _NS):
                strings.append("".join(t.text or "" for t in item.iter(f"{{{_NS['m']}}}t")))
        rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        for sheet in workbook.iterfind("m:sheets/m:sheet", _NS):
            target = targets[sheet.get(_REL)].lstrip("/")
            target = target if target.startswith("xl/") else f"xl/{target}"
            rows: list[Row] = []
            for row in ElementTree.fromstring(book.read(target)).iterfind("m:sheetData/m:row", _NS):
                values: Row = []
                for cell in row.iterfind("m:c", _NS):
                    ref = _CELL_REF.match(cell.get("r", ""))
                    col = _column(ref.group(1)) if ref else len(values)
                    kind, raw = cell.get("t"), cell.findtext("m:v", None, _NS)
                    value: object
                    if kind == "s" and raw is not None:
                        value = strings[int(raw)]
                    elif kind == "inlineStr":
                        value = "".join(t.text or "" for t in cell.iter(f"{{{_NS['m']}}}t"))
                    elif kind in ("str", "b", "e"):
                        value = raw
                    else:
                        value = float(raw) if raw not in (None, "") else None
                    values.extend([None] * (col - len(values)))
                    values.append(value)
                rows.append(values)
            yield sheet.get("name", ""), rows


def _xls_sheets(path: Path) -> Iterator[tuple[str, list[Row]]]:
    try:
        import xlrd
    except ImportError:
        sys.exit(f"{path}: the ONS's .xls workbooks (before 2019) need `pip install xlrd`")
    book = xlrd.open_workbook(str(path))
    for sheet in book.sheets():
        yield sheet.name, [list(sheet.row_values(i)) for i in range(sheet.nrows)]


def _counts(rows: Sequence[Row]) -> Counter[str]:
    """Names and counts under every "Name" | "Count" header pair in a sheet."""
    counts: Counter[str] = Counter()
    columns: list[int] = []
    for row in rows:
        cells = [str(c).strip().lower() if isinstance(c, str) else None for c in row]
        header = [
            i
            for i, c in enumerate(cells[:-1])
            if c == "name" and (cells[i + 1] or "").startswith("count")
        ]
        if header:
            columns = header
            continue
        for col in columns:
            if col + 1 >= len(row):
                continue
            name, count = row[col], row[col + 1]
            if isinstance(name, str) and isinstance(count, (int, float)) and count > 0:
                counts[name.strip().lower()] += int(count)
    return counts


def workbook_counts(path: Path) -> Counter[str]:
    """The counts in a workbook's full list: the sheet with the most names."""
    sheets = _xls_sheets(path) if path.suffix.lower() == ".xls" else _xlsx_sheets(path)
    best: Counter[str] = Counter()
    for _name, rows in sheets:
        counts = _counts(rows)
        if len(counts) > len(best):
            best = counts
    if not best:
        sys.exit(f"{path}: no sheet with a 'Name' and 'Count' header; is it an ONS workbook?")
    return best


def build(paths: Iterable[Path], min_count: int) -> tuple[list[str], Counter[str]]:
    total: Counter[str] = Counter()
    for path in paths:
        counts = workbook_counts(path)
        print(f"{path.name}: {len(counts)} names, {sum(counts.values())} babies", file=sys.stderr)
        total.update(counts)
    names = sorted(n for n, c in total.items() if c >= min_count and _NAME.match(n))
    return names, total


def render(names: Sequence[str], files: Sequence[Path], min_count: int) -> str:
    years = sorted({y for p in files for y in re.findall(r"(?:19|20)\d\d", p.name)})
    span = "-".join(dict.fromkeys([years[0], years[-1]])) if years else "the years given"
    header = [
        "# First names given to babies born in England and Wales, for analysis/scrub.py.",
        "# Source: Office for National Statistics, Baby names in England and Wales",
        f"# (boys and girls, {span}): {SOURCE_URL}",
        f"# {ATTRIBUTION}.",
        f"# Names given to at least {min_count} babies in all those years together,",
        f"# lower case, one a line: {len(names)} names. Built {dt.date.today().isoformat()}"
        " by analysis/build_first_names.py (see its docstring to refresh it).",
        "# Names that are also ordinary words are handled in scrub.yaml (word_names, not_names).",
    ]
    return "\n".join([*header, *names]) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("workbooks", nargs="+", type=Path, help="ONS .xlsx/.xls workbooks")
    parser.add_argument("--min-count", type=int, default=30, help="babies over all years")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    names, _ = build(args.workbooks, args.min_count)
    args.output.write_text(render(names, args.workbooks, args.min_count), encoding="utf-8")
    print(f"wrote {len(names)} names to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
