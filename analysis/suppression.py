"""Small-number suppression: the only way a figure becomes something a report may show.

Primary: a count of 1 up to the threshold minus one (people or answers) is shown
as "fewer than 5" and its percentage is hidden. Secondary: within each group of
cells that add up to a shown total, if exactly one cell is hidden, the next
smallest is hidden too, so the hidden one cannot be worked out by subtraction
(a cell whose twin is shown in another table is passed over if another will do);
cells with identical counts in different tables (cohort "foster carers" and age
band "adult") are hidden together. This repeats until nothing changes. Then a
check of all those sums together (linear algebra, not one group at a time)
finds any hidden figure that a combination of sums would still give away, and
hides one more beside it, until none would.

Reports, CSV, JSON and the dashboard accept only `SafeKpi` and `SafeStat`,
which only this module can make, so forgetting to suppress is a TypeError.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from analysis.kpi import (
    Comparison,
    KpiCounts,
    KpiFigure,
    Rules,
    about_words,
    compare,
    describe,
    people_words,
    position,
    rag,
    subject_words,
    wilson_interval,
)
from analysis.periods import Period, parts_of

T = TypeVar("T")

__all__ = [
    "settle_stats",
    "publish_settled_stats",
    "nested_parts",
    "SettledStats",
    "CellKey",
    "KpiTable",
    "Settled",
    "Within",
    "RawStat",
    "SafeKpi",
    "SafeStat",
    "Wording",
    "HIDDEN",
    "count_text",
    "cell_key",
    "hide_small",
    "publish_cell",
    "publish_kpis",
    "publish_settled",
    "publish_stats",
    "settle",
]

PRIMARY = "primary"
SECONDARY = "secondary"
_SEAL = object()


HIDDEN = "hidden"


def count_text(count: int | None, threshold: int) -> str:
    """What a reader sees for a count: the number, or "fewer than 5"."""
    if count is None or 0 < count < threshold:
        return f"fewer than {threshold}"
    return f"{count:,}"


def _shown_count(status: str | None, count: int, threshold: int, people: int | None = None) -> str:
    """A count as published: the number; "fewer than 5" (or "... people"); or "hidden".

    A secondary cell is not small, so it says "hidden" rather than a false "fewer than 5".
    """
    if status is None:
        return count_text(count, threshold)
    if status == SECONDARY:
        return HIDDEN
    if 0 < count < threshold:
        return f"fewer than {threshold}"
    return f"fewer than {threshold} people" if people is not None else HIDDEN


def hide_small(
    sizes: Sequence[int],
    groups: Sequence[Sequence[int]],
    threshold: int,
    *,
    also_small: Sequence[bool] = (),
    links: Sequence[Hashable | None] = (),
    totals: Sequence[int | None] = (),
    preset: Mapping[int, str | None] | None = None,
) -> list[str | None]:
    """Which cells to hide: "primary", "secondary" or None, by index.

    `sizes` decide primary suppression (with `also_small` for another count, such
    as people behind many answers); `groups` list the cells that add up to a total,
    and `totals` (one per group, if given) the index of that total where it is a
    cell too: a hidden total whose parts are all shown could be added up again, so
    one part is hidden with it (with no known total, the total is taken as shown).
    Cells sharing a non-None `links` value are hidden together, at once, so that the
    next group looked at already sees them hidden (otherwise a cell about to be
    hidden through its link could look "shown" and push another one out).
    `preset` cells (a shorter period's, already published) keep the status given and
    are never picked: when only they could be hidden, the total they add up to is.
    """
    fixed: Mapping[int, str | None] = preset or {}
    status: list[str | None] = [
        fixed[i]
        if i in fixed
        else PRIMARY
        if 0 < size < threshold or (also_small and also_small[i])
        else None
        for i, size in enumerate(sizes)
    ]
    linked: dict[Hashable, list[int]] = defaultdict(list)
    for i, link in enumerate(links):
        if link is not None:
            linked[link].append(i)
    partners = {i: linked[link] for i, link in enumerate(links) if link is not None}

    def hide_with_partners(i: int) -> None:
        status[i] = status[i] or SECONDARY
        for j in partners.get(i, ()):
            if j not in fixed:
                status[j] = status[j] or SECONDARY

    def free_total(total: int | None) -> list[int]:
        """The total, when it is the one cell left that may be hidden."""
        return [total] if total is not None and total not in fixed and not status[total] else []

    def spreads(i: int) -> bool:
        """Hiding i would also hide a cell shown in another table."""
        return any(not status[j] for j in partners.get(i, ()) if j != i)

    def next_smallest(candidates: list[int]) -> int:
        """The next cell to hide: the smallest, preferring one that hides nothing elsewhere."""
        return min(candidates, key=lambda i: (spreads(i), sizes[i], i))

    def hide_further(given_away: set[int]) -> bool:
        """Where every cell beside a given-away one is hidden or fixed (a month's, in a
        quarter's plan), hide the smallest shown cell one sum further out, going out
        through the hidden cells until this plan has one it may hide."""
        reached, frontier = set(given_away), set(given_away)
        while frontier:
            candidates: list[int] = []
            further: set[int] = set()
            for group, total in zip(groups, group_totals, strict=True):
                members = {*group} | ({total} if total is not None else set())
                if not members & frontier:
                    continue
                candidates += [i for i in group if not status[i] and sizes[i] > 0]
                candidates += free_total(total)
                further |= {i for i in members if status[i]}
            candidates = [i for i in candidates if i not in fixed]
            if candidates:
                hide_with_partners(next_smallest(candidates))
                return True
            frontier = further - reached
            reached |= further
        return False

    for i, first in enumerate(list(status)):
        if first and i not in fixed:
            hide_with_partners(i)
    group_totals: Sequence[int | None] = totals or [None] * len(groups)
    solved: dict[frozenset[tuple[tuple[int, float], ...]], list[int]] = {}
    while True:
        changed = True
        while changed:
            changed = False
            for group, total in zip(groups, group_totals, strict=True):
                hidden = [i for i in group if status[i]]
                free = [i for i in group if not status[i] and i not in fixed]
                shown = [i for i in free if sizes[i] > 0]
                unknown = len(hidden) + (1 if total is not None and status[total] else 0)
                if unknown == 1 and not shown:
                    # Only zeros are left to hide (a feeling split of 0%, 0% and "fewer
                    # than 5"): hiding a zero too keeps the hidden cell from being the
                    # whole of the total, so nobody can tell which it is.
                    shown = free or free_total(total)
                if unknown == 1 and shown:
                    hide_with_partners(next_smallest(shown))
                    changed = True
        given_away = set(_solvable(status, groups, group_totals, solved))
        if not given_away:
            return status
        hid_more = False
        for group, total in zip(groups, group_totals, strict=True):
            involved = given_away & {*group, total}
            shown = [i for i in group if not status[i] and sizes[i] > 0 and i not in fixed]
            shown += free_total(total)
            if involved and shown:
                hide_with_partners(next_smallest(shown))
                given_away -= involved
                hid_more = True
        if not hid_more and not hide_further(given_away):
            return status  # every sum around them is hidden or fixed; nothing more can help


def _solvable(
    status: Sequence[str | None],
    groups: Sequence[Sequence[int]],
    totals: Sequence[int | None],
    known: dict[frozenset[tuple[tuple[int, float], ...]], list[int]],
) -> list[int]:
    """Hidden cells whose value follows from the shown ones through the groups' sums.

    Each group whose total is a cell says "these cells add up to that total". With the
    shown values known, each such sum is a linear equation in the hidden ones; a hidden
    cell is given away when the equations pin it down, that is when its unit vector
    lies in the span of the equations. Cells are solved in independent clusters (those
    sharing an equation), and `known` remembers clusters already solved, since most do
    not change from one round of hiding to the next.
    """
    equations: list[dict[int, float]] = []
    for group, total in zip(groups, totals, strict=True):
        if total is None:
            continue
        terms = {i: 1.0 for i in group if status[i]}
        if status[total]:
            terms[total] = terms.get(total, 0.0) - 1.0
        if any(terms.values()):
            equations.append(terms)
    parent: dict[int, int] = {}

    def root(cell: int) -> int:
        parent.setdefault(cell, cell)
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    for terms in equations:
        first, *rest = terms
        for other in rest:
            parent[root(other)] = root(first)
    clusters: dict[int, list[dict[int, float]]] = defaultdict(list)
    for terms in equations:
        clusters[root(next(iter(terms)))].append(terms)
    given_away: list[int] = []
    for rows in clusters.values():
        key = frozenset(tuple(sorted(terms.items())) for terms in rows)
        if key not in known:
            known[key] = _pinned(rows)
        given_away += known[key]
    return given_away


_PRIME = (1 << 61) - 1


def _pinned(rows: Sequence[Mapping[int, float]]) -> list[int]:
    """The cells a set of linear equations determines: those whose unit vector is in the
    row space, read off the reduced row echelon form (a pivot row with nothing else in
    it). Hand-written because the equations are sparse sums of a few cells and a dense
    decomposition of thousands of them (a financial year's months and quarters) is
    slow; the arithmetic is exact, modulo a 61-bit prime, where a rank could come out
    lower only if the prime divided a determinant of these small sums."""
    pivots: dict[int, dict[int, int]] = {}
    for terms in rows:
        row = {cell: int(value) % _PRIME for cell, value in terms.items() if int(value)}
        while (hit := next((cell for cell in row if cell in pivots), None)) is not None:
            _subtract(row, row[hit], pivots[hit])
        if not row:
            continue
        lead = min(row)
        inverse = pow(row[lead], _PRIME - 2, _PRIME)
        row = {cell: value * inverse % _PRIME for cell, value in row.items()}
        for other in pivots.values():
            if factor := other.get(lead):
                _subtract(other, factor, row)
        pivots[lead] = row
    return sorted(cell for cell, row in pivots.items() if len(row) == 1)


def _subtract(row: dict[int, int], factor: int, pivot: Mapping[int, int]) -> None:
    """row -= factor * pivot (mod the prime), dropping cells that become zero."""
    for cell, value in pivot.items():
        left = (row.get(cell, 0) - factor * value) % _PRIME
        if left:
            row[cell] = left
        else:
            row.pop(cell, None)


# --------------------------------------------------------------------------- KPI cells


@dataclass(frozen=True)
class Wording:
    """What the sentences need besides the numbers."""

    when: str  # "this quarter"
    last: str  # "last quarter"
    labels: Mapping[str, str] = field(default_factory=dict)

    def phrases(self, key: Mapping[str, str]) -> tuple[str, str]:
        """(when, last) for one cell: a monthly cell speaks of its own month."""
        month = key.get("month")
        if month is None:
            return self.when, self.last
        return self.labels.get(f"month:{month}", f"in {month}"), "the month before"


@dataclass(frozen=True)
class KpiTable:
    """Raw figures of one breakdown and the groups of cells that add up to a shown total.

    `groups=None` means "all cells together", the usual case for one dimension.
    """

    name: str
    dimensions: tuple[str, ...]
    figures: Sequence[KpiFigure]
    groups: Sequence[Sequence[int]] | None = None
    totals: Sequence[tuple[tuple[str, str], ...] | None] | None = None
    """For each group, the dimensions of the cell it adds up to, e.g. (("cohort",
    "carer"),), found among all the tables suppressed together; None: not a cell."""

    def cell_groups(self) -> list[list[int]]:
        if self.groups is not None:
            return [list(g) for g in self.groups]
        return [list(range(len(self.figures)))]

    def group_totals(self) -> list[tuple[tuple[str, str], ...] | None]:
        """All cells together add up to the overall figure (no dimensions)."""
        if self.groups is None:
            return [()]
        if self.totals is None:
            return [None] * len(self.groups)
        return list(self.totals)


@dataclass(frozen=True)
class SafeKpi:
    """A KPI cell fit to publish: counts under the threshold are already hidden."""

    dimensions: tuple[tuple[str, str], ...]
    measure: str
    n: int | None
    n_display: str
    people: int | None
    not_counted: int | None
    not_counted_display: str
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    rag: str | None
    position: str | None
    previous_rate: float | None
    change: float | None
    p_value: float | None
    significant: bool | None
    direction: str | None
    sentence: str
    suppressed: str | None
    seal: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.seal is not _SEAL:
            raise TypeError("a SafeKpi is made only by analysis.suppression.publish_kpis")

    @property
    def key(self) -> dict[str, str]:
        return dict(self.dimensions)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.key,
            "measure": self.measure,
            "n": self.n,
            "n_display": self.n_display,
            "people": self.people,
            "not_counted": self.not_counted,
            "not_counted_display": self.not_counted_display,
            "rate": self.rate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "rag": self.rag,
            "position": self.position,
            "previous_rate": self.previous_rate,
            "change": self.change,
            "p_value": self.p_value,
            "significant": self.significant,
            "direction": self.direction,
            "sentence": self.sentence,
            "suppressed": self.suppressed,
        }


def _signature(counts: KpiCounts, measure: str) -> tuple[Any, ...] | None:
    if counts.n == 0:
        return None
    return (measure, counts.n, counts.satisfied, counts.not_counted, counts.people)


CellKey = tuple[str, frozenset[tuple[str, str]]]
"""A KPI cell's identity in any period: its measure and its dimensions."""


def cell_key(figure: KpiFigure) -> CellKey:
    return (figure.measure, frozenset(figure.dimensions))


@dataclass(frozen=True)
class Settled:
    """One period's KPI tables and what its plan hid, fixed from then on.

    A month is planned on its own; a quarter with its months fixed; a financial year
    with its quarters and months fixed. Only the longer period's own cells can be
    hidden to protect a shorter one's, so a period's figures are the same in every
    view that shows them, and never change once it has ended.
    """

    tables: tuple[KpiTable, ...]
    status: tuple[tuple[str | None, ...], ...]
    aside: tuple[tuple[str | None, ...], ...]

    @cached_property
    def where(self) -> dict[CellKey, tuple[int, int]]:
        """(measure, dimensions) -> (table, cell), the first table holding it."""
        found: dict[CellKey, tuple[int, int]] = {}
        for t, table in enumerate(self.tables):
            for c, figure in enumerate(table.figures):
                found.setdefault(cell_key(figure), (t, c))
        return found

    def status_of(self, key: CellKey) -> tuple[KpiCounts, str | None, str | None] | None:
        """The counts, status and "rather not say" status of one cell, if the period has it."""
        place = self.where.get(key)
        if place is None:
            return None
        t, c = place
        return self.tables[t].figures[c].current, self.status[t][c], self.aside[t][c]


@dataclass(frozen=True)
class Within:
    """A longer period made of shorter ones: `whole` is None for the period being planned,
    else an index into the settled parts; `parts` index the settled parts it adds up to."""

    whole: int | None
    parts: tuple[int, ...]


def _plan(
    tables: Sequence[KpiTable],
    rules: Rules,
    counts_of: Any,
    *,
    sums: bool = True,
    parts: Sequence[Settled] = (),
    within: Sequence[Within] = (),
) -> tuple[list[list[str | None]], list[list[str | None]]]:
    """Suppression of cells and of their "rather not say" counts, across all tables.

    `sums=False` for last period's figures: a monthly cell's "previous" is the month
    before, so the groups are not sums of last period's cells and no total is known.
    `parts` are shorter periods already settled, and `within` says which add up to
    which: answers add up across periods (people do not: one person can answer in
    two months), so each of this period's answer cells is the sum of its parts' cells.
    """
    flat: list[KpiCounts] = []
    measures: list[str] = []
    groups: list[list[int]] = []
    totals: list[int | None] = []
    offsets: list[int] = []
    preset: dict[int, str | None] = {}
    preset_aside: dict[int, str | None] = {}
    places: list[dict[CellKey, int]] = []

    def add(
        shown: Sequence[KpiTable], settled: Settled | None, use_sums: bool
    ) -> dict[CellKey, int]:
        where: dict[CellKey, int] = {}
        for t, table in enumerate(shown):
            offsets.append(len(flat))
            groups.extend([offsets[-1] + i for i in g] for g in table.cell_groups())
            for c, figure in enumerate(table.figures):
                where.setdefault(cell_key(figure), len(flat))
                if settled is not None:
                    preset[len(flat)] = settled.status[t][c]
                    preset_aside[len(flat)] = settled.aside[t][c]
                flat.append((figure.current if settled else counts_of(figure)) or KpiCounts(0, 0))
                measures.append(figure.measure)
        totals.extend(
            None
            if key is None or not table.figures or not use_sums
            else where.get((table.figures[0].measure, frozenset(key)))
            for table in shown
            for key in table.group_totals()
        )
        return where

    own = add(tables, None, sums)
    own_cells = len(flat)
    own_tables = len(offsets)
    for settled in parts:
        places.append(add(settled.tables, settled, True))
    # which splits each part publishes: a cell adds up from its parts only where every
    # part has its table (a month without one shows nothing of it; it is not zero)
    splits = [
        {
            (measure, frozenset(t.dimensions))
            for t in s.tables
            for measure in ({f.measure for f in t.figures} or {"answers", "people"})
        }
        for s in parts
    ]
    across: list[tuple[list[int], int]] = []
    for relation in within:
        whole = own if relation.whole is None else places[relation.whole]
        for key, index in whole.items():
            table = (key[0], frozenset(d for d, _ in key[1]))
            if key[0] != "answers" or any(table not in splits[p] for p in relation.parts):
                continue
            pieces = [places[p][key] for p in relation.parts if key in places[p]]
            groups.append(pieces)
            totals.append(index)
            if relation.whole is None:
                across.append((pieces, index))
    links = [
        _signature(c, m) if i < own_cells else None
        for i, (c, m) in enumerate(zip(flat, measures, strict=True))
    ]
    status = hide_small(
        [c.n for c in flat],
        groups,
        rules.threshold,
        also_small=[0 < c.people < rules.threshold for c in flat],
        links=links,
        totals=totals,
        preset=_with_derivable(preset, across, [c.n for c in flat], rules.threshold),
    )
    # a hidden cell's "rather not say" count is hidden with it, so it is unknown here too
    aside = hide_small(
        [c.not_counted for c in flat],
        groups,
        rules.threshold,
        also_small=[hidden is not None for hidden in status],
        totals=totals,
        preset=_with_derivable(
            preset_aside,
            [(pieces, whole) for pieces, whole in across if status[whole] is None],
            [c.not_counted for c in flat],
            rules.threshold,
        ),
    )

    def split(values: list[str | None]) -> list[list[str | None]]:
        return [
            values[o : o + len(t.figures)]
            for o, t in zip(offsets[:own_tables], tables, strict=True)
        ]

    return split(status), split(aside)


def _with_derivable(
    preset: Mapping[int, str | None],
    sums: Sequence[tuple[Sequence[int], int]],
    sizes: Sequence[int],
    threshold: int,
) -> dict[int, str | None]:
    """The preset cells, and as shown: every cell of this period whose parts were all
    shown, since it is their sum and anyone can add them up. Hiding it would protect
    nothing, and the hidden cell it was meant to protect would be given away."""
    fixed = dict(preset)
    for pieces, whole in sums:
        if all(preset.get(p) is None for p in pieces) and not 0 < sizes[whole] < threshold:
            fixed[whole] = None
    return fixed


def settle(
    tables: Sequence[KpiTable],
    rules: Rules,
    parts: Sequence[Settled] = (),
    within: Sequence[Within] = (),
) -> Settled:
    """Plan one period's tables, with the shorter periods inside it already settled."""
    status, aside = _plan(tables, rules, lambda f: f.current, parts=parts, within=within)
    return Settled(
        tuple(tables),
        tuple(tuple(s) for s in status),
        tuple(tuple(a) for a in aside),
    )


def _empty_sentence(figure: KpiFigure, wording: Wording, status: str | None, threshold: int) -> str:
    subject = subject_words(figure.key, wording.labels)
    when, _ = wording.phrases(figure.key)
    unit = "people" if figure.measure == "people" else "answers"
    if status == SECONDARY:
        return (
            f"The figure for {subject} {when} is hidden so that a smaller group's "
            f"figure cannot be worked out from the totals."
        )
    if status == PRIMARY:
        if 0 < figure.current.n < threshold and unit == "answers":
            return (
                f"Fewer than {threshold} answers came from {subject} {when}, "
                f"so no percentage is shown."
            )
        return (
            f"Fewer than {threshold} {people_words(figure.key)} answered"
            f"{about_words(figure.key, wording.labels)} {when}, so no percentage is shown."
        )
    return f"No {unit} from {subject} {when}."


def publish_cell(
    figure: KpiFigure,
    status: str | None,
    previous_status: str | None,
    aside: str | None,
    rules: Rules,
    wording: Wording,
) -> SafeKpi:
    """One publishable cell, its status (and last period's) already planned."""
    counts = figure.current
    shown = status is None and counts.n > 0
    interval = wilson_interval(counts.satisfied, counts.n) if shown else None
    band = rag(counts.rate, rules.target, rules.tolerance) if shown else None
    where = position(interval, rules.target)
    change: Comparison | None = None
    if shown and previous_status is None:
        change = compare(counts, figure.previous)
    if shown and interval is not None:
        when, last = wording.phrases(figure.key)
        sentence = describe(
            key=figure.key,
            counts=counts,
            interval=interval,
            band=band,
            where=where,
            change=change,
            rules=rules,
            when=when,
            last=last,
            measure=figure.measure,
            labels=wording.labels,
        )
    else:
        sentence = _empty_sentence(figure, wording, status, rules.threshold)
    not_counted = counts.not_counted if status is None and aside is None else None
    return SafeKpi(
        dimensions=figure.dimensions,
        measure=figure.measure,
        n=None if status else counts.n,
        n_display=_shown_count(status, counts.n, rules.threshold, counts.people),
        people=None if status else counts.people,
        not_counted=not_counted,
        not_counted_display=HIDDEN
        if status
        else _shown_count(aside, counts.not_counted, rules.threshold),
        rate=counts.rate if shown else None,
        ci_low=interval[0] if interval else None,
        ci_high=interval[1] if interval else None,
        rag=band,
        position=where,
        previous_rate=change.previous_rate if change else None,
        change=change.difference if change else None,
        p_value=change.p_value if change else None,
        significant=change.significant if change else None,
        direction=change.direction if change else None,
        sentence=sentence,
        suppressed=status,
        seal=_SEAL,
    )


def publish_kpis(tables: Sequence[KpiTable], rules: Rules, wording: Wording) -> list[list[SafeKpi]]:
    """Suppress all tables of one period together and make their publishable cells.

    The previous period is suppressed the same way, and a change is shown only
    when neither this cell nor last period's was hidden.
    """
    status, aside = _plan(tables, rules, lambda f: f.current)
    before, _ = _plan(tables, rules, lambda f: f.previous, sums=False)
    return [
        [
            publish_cell(figure, s, b, a, rules, wording)
            for figure, s, b, a in zip(table.figures, st, bt, at, strict=True)
        ]
        for table, st, bt, at in zip(tables, status, before, aside, strict=True)
    ]


def publish_settled(
    settled: Settled,
    rules: Rules,
    wording: Wording,
    previous: Settled | None,
) -> list[list[SafeKpi]]:
    """The cells of a settled period; a change is shown only where last period's own
    plan showed that cell too (no previous plan: no change shown)."""
    before = previous.where if previous is not None else {}

    def previous_status(figure: KpiFigure) -> str | None:
        if previous is None:
            return HIDDEN
        place = before.get(cell_key(figure))
        if place is None:  # nobody in that group last period: nothing hidden
            return None
        return previous.status[place[0]][place[1]]

    return [
        [
            publish_cell(figure, s, previous_status(figure), a, rules, wording)
            for figure, s, a in zip(table.figures, st, at, strict=True)
        ]
        for table, st, at in zip(settled.tables, settled.status, settled.aside, strict=True)
    ]


# --------------------------------------------------------------------------- other figures


@dataclass(frozen=True)
class RawStat:
    """A figure other than the KPI (coverage, life satisfaction, a theme count).

    `n` is the count that decides suppression; `values` are shown only when it
    is not suppressed. Put no raw counts of people in `values`.
    """

    dimensions: tuple[tuple[str, str], ...]
    n: int
    values: Mapping[str, float | int | None]
    people: int | None = None


@dataclass(frozen=True)
class SafeStat:
    """A non-KPI figure fit to publish."""

    dimensions: tuple[tuple[str, str], ...]
    n: int | None
    n_display: str
    values: tuple[tuple[str, float | int | None], ...]
    suppressed: str | None
    seal: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.seal is not _SEAL:
            raise TypeError("a SafeStat is made only by analysis.suppression.publish_stats")

    @property
    def key(self) -> dict[str, str]:
        return dict(self.dimensions)

    def value(self, name: str) -> float | int | None:
        return dict(self.values).get(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.key,
            "n": self.n,
            "n_display": self.n_display,
            **dict(self.values),
            "suppressed": self.suppressed,
        }


@dataclass(frozen=True)
class SettledStats:
    """One period's non-KPI table and what its plan hid, fixed from then on (see `Settled`)."""

    rows: tuple[RawStat, ...]
    status: tuple[str | None, ...]


def settle_stats(
    rows: Sequence[RawStat],
    threshold: int,
    groups: Sequence[Sequence[int]] = (),
    links: Sequence[Hashable | None] = (),
    parts: Sequence[SettledStats] = (),
    within: Sequence[Within] = (),
    group_totals: Sequence[int | None] = (),
) -> SettledStats:
    """Plan one period's table, with the shorter periods inside it already settled:
    each row is the sum of the same row in its parts (counts of answers and comments
    add up across periods). `group_totals`: per group, the row it adds up to, if any."""
    flat: list[RawStat] = list(rows)
    preset: dict[int, str | None] = {}
    places: list[dict[tuple[tuple[str, str], ...], int]] = []
    for settled in parts:
        places.append({})
        for row, fixed in zip(settled.rows, settled.status, strict=True):
            places[-1].setdefault(row.dimensions, len(flat))
            preset[len(flat)] = fixed
            flat.append(row)
    own = {row.dimensions: i for i, row in reversed(list(enumerate(rows)))}
    all_groups = [list(g) for g in groups]
    totals: list[int | None] = [*group_totals, *[None] * (len(all_groups) - len(group_totals))]
    sums: list[tuple[list[int], int]] = []
    for relation in within:
        whole = own if relation.whole is None else places[relation.whole]
        for key, index in whole.items():
            all_groups.append([places[p][key] for p in relation.parts if key in places[p]])
            totals.append(index)
            if relation.whole is None:
                sums.append((all_groups[-1], index))
    status = hide_small(
        [r.n for r in flat],
        all_groups,
        threshold,
        also_small=[r.people is not None and 0 < r.people < threshold for r in flat],
        links=[*links, *[None] * (len(flat) - len(links))] if links else (),
        totals=totals,
        preset=_with_derivable(preset, sums, [r.n for r in flat], threshold),
    )
    return SettledStats(tuple(rows), tuple(status[: len(rows)]))


def publish_settled_stats(settled: SettledStats, threshold: int) -> list[SafeStat]:
    return [
        SafeStat(
            dimensions=row.dimensions,
            n=None if s else row.n,
            n_display=_shown_count(s, row.n, threshold, row.people),
            values=tuple((k, None if s else v) for k, v in row.values.items()),
            suppressed=s,
            seal=_SEAL,
        )
        for row, s in zip(settled.rows, settled.status, strict=True)
    ]


def publish_stats(
    rows: Sequence[RawStat],
    threshold: int,
    groups: Sequence[Sequence[int]] = (),
    links: Sequence[Hashable | None] = (),
    group_totals: Sequence[int | None] = (),
) -> list[SafeStat]:
    """Suppress one table of figures; `groups`, `links` and `group_totals` (`totals`)
    as for `hide_small` (no groups: primary suppression only, for cells that do not add
    up to a total)."""
    settled = settle_stats(rows, threshold, groups, links, group_totals=group_totals)
    return publish_settled_stats(settled, threshold)


def nested_parts(period: Period, settled: Callable[[Period], T]) -> tuple[list[T], list[Within]]:
    """The settled periods inside `period` (a quarter's months; a financial year's
    quarters and their months) and which add up to which."""
    pieces = parts_of(period)
    if not pieces:
        return [], []
    parts = [settled(piece) for piece in pieces]
    within = [Within(None, tuple(range(len(pieces))))]
    for index, piece in enumerate(pieces):
        inner = parts_of(piece)
        if inner:
            first = len(parts)
            parts.extend(settled(month) for month in inner)
            within.append(Within(index, tuple(range(first, first + len(inner)))))
    return parts, within
