"""Bright Spots-style indicators: % positive per question and domain, life satisfaction,
coverage, response rates and theme counts, each already suppressed.

Bright Spots reports wellbeing question by question and compares groups; the
council also wants to "formalise the sampling", so coverage says how many of
each cohort answered. Every function returns `SafeStat` cells only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.kpi import NOT_RECORDED, order_key, wilson_interval
from analysis.loading import LIFE_SATISFACTION_DOMAIN, LIFE_SATISFACTION_TYPE
from analysis.suppression import (
    RawStat,
    SafeStat,
    SettledStats,
    Within,
    publish_stats,
    settle_stats,
)
from storage.datafiles import DataFileError, line_of, load_yaml, require_mapping
from surveys.definition import AGE_BANDS, COHORTS

__all__ = [
    "ALL",
    "COHORT_SIZES_FILE",
    "CohortSizes",
    "ThemeSummary",
    "coverage",
    "domain_positive",
    "life_satisfaction",
    "load_cohort_sizes",
    "question_positive",
    "response_rates",
    "sentiment_of",
    "theme_tables",
]

ALL = "all"
COHORT_SIZES_FILE = Path(__file__).with_name("cohort_sizes.yaml")
LOW_LIFE_SCORE = 4
"""0-4 out of 10 counts as low life satisfaction, as in Bright Spots."""
POSITIVE_FROM = 0.1
"""Polarity above this reads as positive, below its negative as negative."""
SENTIMENTS = ("positive", "neutral", "negative")


# --------------------------------------------------------------------------- cohort sizes


@dataclass(frozen=True)
class CohortSizes:
    """How many are in each cohort and age band, as the council counts them."""

    as_of: str
    source: str
    units: Mapping[str, str]
    sizes: Mapping[tuple[str, str], int]
    file: str

    def size(self, cohort: str, age_band: str = ALL) -> int | None:
        if age_band == ALL:
            values = [n for (c, _), n in self.sizes.items() if c == cohort]
            return sum(values) if values else None
        return self.sizes.get((cohort, age_band))


def load_cohort_sizes(path: str | Path | None = None) -> CohortSizes:
    """Read and check the cohort sizes file; any mistake names the line and the fix."""
    file = Path(path) if path is not None else COHORT_SIZES_FILE
    doc = require_mapping(file, load_yaml(file), "cohort sizes")
    for key in doc:
        if key not in ("as_of", "source", "cohorts"):
            raise DataFileError(
                file,
                f"unknown key '{key}'",
                line=line_of(doc),
                fix="allowed keys are: as_of, source, cohorts",
            )
    cohorts = require_mapping(file, doc.get("cohorts"), "cohorts")
    units: dict[str, str] = {}
    sizes: dict[tuple[str, str], int] = {}
    for cohort, block in cohorts.items():
        if cohort not in COHORTS:
            raise DataFileError(
                file,
                f"'{cohort}' is not a cohort",
                line=line_of(cohorts),
                item="cohorts",
                fix=f"use one of {', '.join(COHORTS)}",
            )
        block = require_mapping(file, block, cohort)
        units[cohort] = str(block.get("unit") or cohort.replace("_", " "))
        bands = require_mapping(file, block.get("age_bands"), f"{cohort}: age_bands")
        for band, count in bands.items():
            if str(band) not in AGE_BANDS:
                raise DataFileError(
                    file,
                    f"'{band}' is not an age band",
                    line=line_of(bands),
                    item=cohort,
                    fix=f"use one of {', '.join(AGE_BANDS)}, in quotes",
                )
            if isinstance(count, bool) or not isinstance(count, int) or count <= 0:
                raise DataFileError(
                    file,
                    f"the size for {band} must be a whole number above 0, found {count!r}",
                    line=line_of(bands),
                    item=cohort,
                    fix="write how many people, e.g. 112",
                )
            sizes[(cohort, str(band))] = count
    return CohortSizes(
        as_of=str(doc.get("as_of", "")),
        source=str(doc.get("source", "")),
        units=units,
        sizes=sizes,
        file=str(file),
    )


# --------------------------------------------------------------------------- helpers


def _labels(series: pd.Series) -> pd.Series:
    return series.astype("string").fillna(NOT_RECORDED)


Values = dict[str, float | int | None]
Summary = Callable[[pd.DataFrame, str, str], tuple[int, int, Values]]
"""(rows, cohort, age band) → (n, people, values); ALL marks a total."""


@dataclass
class _Table:
    """Raw rows with the groups that add up and the links between identical rows."""

    rows: list[RawStat] = field(default_factory=list)
    groups: list[list[int]] = field(default_factory=list)
    links: list[Hashable | None] = field(default_factory=list)
    totals: dict[int, int] = field(default_factory=dict)  # group -> the row it adds up to

    def group(self, members: list[int], total: int) -> None:
        """Rows that add up to the row `total`: were it hidden with them all shown, it
        could be added up again, so one of them is hidden with it."""
        self.totals[len(self.groups)] = total
        self.groups.append(members)

    def _group_totals(self) -> list[int | None]:
        return [self.totals.get(i) for i in range(len(self.groups))]

    def add(self, row: RawStat) -> int:
        self.rows.append(row)
        self.links.append((row.n, row.people, tuple(row.values.items())) if row.n else None)
        return len(self.rows) - 1

    def publish(self, threshold: int) -> list[SafeStat]:
        return publish_stats(
            self.rows, threshold, self.groups, self.links, group_totals=self._group_totals()
        )

    def settle(
        self, threshold: int, parts: Sequence[SettledStats] = (), within: Sequence[Within] = ()
    ) -> SettledStats:
        """This period's plan, with the periods inside it fixed (`nested_parts`)."""
        return settle_stats(
            self.rows,
            threshold,
            self.groups,
            self.links,
            parts,
            within,
            group_totals=self._group_totals(),
        )


def _nested(
    table: _Table,
    frame: pd.DataFrame,
    summary: Summary,
    prefix: tuple[tuple[str, str], ...] = (),
) -> None:
    """Rows for everyone, each cohort, and each cohort × age band.

    Groups: bands add up to their cohort, cohorts to everyone. A cohort with a
    single age band holds the same people twice; links keep them hidden together.
    """

    def add(cohort: str, band: str, part: pd.DataFrame) -> int:
        n, people, values = summary(part, cohort, band)
        dims = (*prefix, ("cohort", cohort), ("age_band", band))
        link_scope = prefix  # identical counts only link within the same domain
        index = table.add(RawStat(dims, n, values, people))
        if table.links[index] is not None:
            table.links[index] = (link_scope, table.links[index])
        return index

    cohorts = _labels(frame["cohort"]).to_numpy()
    bands = _labels(frame["age_band"]).to_numpy()
    everyone = add(ALL, ALL, frame)
    top: list[int] = []
    for cohort in sorted(set(cohorts), key=lambda c: order_key("cohort", c)):
        in_cohort = cohorts == cohort
        top.append(add(cohort, ALL, frame[in_cohort]))
        table.group(
            [
                add(cohort, band, frame[in_cohort & (bands == band)])
                for band in sorted(set(bands[in_cohort]), key=lambda b: order_key("age_band", b))
            ],
            top[-1],
        )
    table.group(top, everyone)


def _rate_values(positive: int, n: int) -> Values:
    interval = wilson_interval(positive, n)
    return {
        "percent_positive": positive / n if n else None,
        "ci_low": interval[0] if interval else None,
        "ci_high": interval[1] if interval else None,
    }


def _positive_summary(part: pd.DataFrame, _cohort: str, _band: str) -> tuple[int, int, Values]:
    counted = part[part["positive"] >= 0]
    n = len(counted)
    positive = int((counted["positive"] == 1).sum())
    return n, int(counted["respondent_id"].nunique()), _rate_values(positive, n)


# --------------------------------------------------------------------------- indicators


def question_positive(scale: pd.DataFrame, threshold: int) -> list[SafeStat]:
    return question_table(scale).publish(threshold)


def question_table(scale: pd.DataFrame) -> _Table:
    """% positive per question, by cohort: Bright Spots' question-by-question view.

    Questions of one cohort and domain add up to that domain's figure, so they
    form one group for secondary suppression.
    """
    counted = scale[scale["positive"] >= 0]
    keys = ["cohort", "domain", "survey_id", "question_id"]
    table = _Table()
    groups: dict[tuple[str, str], list[int]] = {}
    if len(counted):
        labelled = pd.DataFrame({k: _labels(counted[k]) for k in keys})
        labelled["positive"] = (counted["positive"] == 1).astype("int64")
        labelled["respondent_id"] = counted["respondent_id"]
        totals = labelled.groupby(keys, sort=True).agg(
            positive=("positive", "sum"),
            n=("positive", "size"),
            people=("respondent_id", "nunique"),
        )
        for key, row in totals.iterrows():
            n = int(row["n"])
            index = table.add(
                RawStat(
                    tuple(zip(keys, key, strict=True)),
                    n,
                    _rate_values(int(row["positive"]), n),
                    int(row["people"]),
                )
            )
            table.links[index] = None
            groups.setdefault((key[0], key[1]), []).append(index)
    table.groups = list(groups.values())
    return table


def domain_positive(scale: pd.DataFrame, threshold: int) -> list[SafeStat]:
    return domain_table(scale).publish(threshold)


def domain_table(scale: pd.DataFrame) -> _Table:
    """% positive per domain for everyone, each cohort and each cohort × age band."""
    table = _Table()
    domains = _labels(scale["domain"]).to_numpy()
    for domain in sorted(set(domains), key=lambda d: order_key("domain", d)):
        _nested(table, scale[domains == domain], _positive_summary, (("domain", domain),))
    return table


def life_satisfaction(scale: pd.DataFrame, threshold: int) -> list[SafeStat]:
    return life_table(scale).publish(threshold)


def life_table(scale: pd.DataFrame) -> _Table:
    """Life satisfaction 0-10: mean, median and % scoring low (0-4), by cohort and age band."""
    life = scale[
        (scale["type"] == LIFE_SATISFACTION_TYPE)
        & (scale["domain"] == LIFE_SATISFACTION_DOMAIN)
        & scale["score"].notna()
    ]

    def summary(part: pd.DataFrame, _cohort: str, _band: str) -> tuple[int, int, Values]:
        scores = part["score"]
        n = len(scores)
        return (
            n,
            int(part["respondent_id"].nunique()),
            {
                "mean": float(scores.mean()) if n else None,
                "median": float(scores.median()) if n else None,
                "percent_low": float((scores <= LOW_LIFE_SCORE).mean()) if n else None,
            },
        )

    table = _Table()
    _nested(table, life, summary)
    return table


def coverage(answered: pd.DataFrame, sizes: CohortSizes, threshold: int) -> list[SafeStat]:
    """How many of each cohort and age band answered at all, against the group's size.

    `answered` is `respondents_answered` (people per cohort and band). Groups in
    the cohort sizes file that nobody answered from are listed with 0, because a
    group not heard from is the finding. Each person has one cohort and band, so
    the counts add up to the totals.
    """
    counts: dict[tuple[str, str], int] = dict.fromkeys(sizes.sizes, 0)
    for row in answered.itertuples(index=False):
        cohort = str(row.cohort) if pd.notna(row.cohort) else NOT_RECORDED
        band = str(row.age_band) if pd.notna(row.age_band) else NOT_RECORDED
        counts[(cohort, band)] = counts.get((cohort, band), 0) + int(row.respondents)
    table = _Table()

    def add(cohort: str, band: str, n: int) -> int:
        if cohort == ALL:
            size: int | None = sum(sizes.sizes.values()) or None
        else:
            size = sizes.size(cohort, band)
        values: Values = {"cohort_size": size, "coverage": n / size if size else None}
        return table.add(RawStat((("cohort", cohort), ("age_band", band)), n, values, n))

    everyone = add(ALL, ALL, sum(counts.values()))
    top: list[int] = []
    for cohort in sorted({c for c, _ in counts}, key=lambda c: order_key("cohort", c)):
        bands = sorted(
            (b for c, b in counts if c == cohort), key=lambda b: order_key("age_band", b)
        )
        top.append(add(cohort, ALL, sum(counts[(cohort, b)] for b in bands)))
        table.group([add(cohort, band, counts[(cohort, band)]) for band in bands], top[-1])
    table.group(top, everyone)
    return table.publish(threshold)


def response_rates(batches: pd.DataFrame, threshold: int) -> list[SafeStat]:
    """Per invite batch: links sent and the share used. Small numbers of uses are hidden."""
    rows = [
        RawStat(
            (
                ("batch", str(b.batch)),
                ("survey_id", str(b.survey_id)),
                ("cohort", str(b.cohort)),
                ("age_band", str(b.age_band)),
                ("first_sent", b.first_sent.date().isoformat()),
            ),
            int(b.used),
            {
                "invites": int(b.invites),
                "used_in_period": int(b.used_in_period)
                if b.used_in_period == 0 or b.used_in_period >= threshold
                else None,
                "response_rate": b.used / b.invites if b.invites else None,
            },
        )
        for b in batches.itertuples(index=False)
    ]
    return publish_stats(rows, threshold)


# --------------------------------------------------------------------------- themes


def sentiment_of(polarity: float | None) -> str | None:
    """positive, neutral or negative from a TextBlob-style polarity (None: not scored)."""
    if polarity is None or pd.isna(polarity):
        return None
    if polarity > POSITIVE_FROM:
        return "positive"
    if polarity < -POSITIVE_FROM:
        return "negative"
    return "neutral"


@dataclass(frozen=True)
class ThemeSummary:
    """Themes in one period: counts, sentiment, per cohort and the change since last period."""

    analysed: int
    themes: list[SafeStat]
    sentiment: list[SafeStat]
    by_cohort: list[SafeStat]
    note: str | None


def _theme_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (comment, theme) among analysed comments."""
    analysed = frame[frame["themes"].map(lambda t: isinstance(t, list))]
    exploded = analysed[["id", "cohort", "polarity", "themes"]].explode("themes")
    exploded = exploded[exploded["themes"].notna()].rename(columns={"themes": "theme"})
    exploded["theme"] = exploded["theme"].astype(str)
    exploded["cohort"] = _labels(exploded["cohort"])
    exploded["sentiment"] = exploded["polarity"].map(sentiment_of).fillna("not scored")
    return exploded


def _analysed_count(frame: pd.DataFrame) -> int:
    return int(frame["themes"].map(lambda t: isinstance(t, list)).sum()) if len(frame) else 0


@dataclass(frozen=True)
class ThemeTables:
    """One period's theme tables before suppression. `previous_share` is left empty:
    last period's share comes from last period's own plan (`analysis.report`)."""

    analysed: int
    themes: _Table
    sentiment: _Table
    by_cohort: _Table
    note: str | None


def theme_tables(current: pd.DataFrame, order: Sequence[str] = ()) -> ThemeTables:
    """Theme counts this period, theme × sentiment, and by cohort."""
    analysed = _analysed_count(current)
    if analysed == 0:
        note: str | None = (
            "No comments in this period have been tagged with themes yet."
            if len(current)
            else "No comments were written in this period."
        )
        return ThemeTables(0, _Table(), _Table(), _Table(), note)
    rows_now = _theme_rows(current)
    counts = rows_now.groupby("theme")["id"].nunique()
    rank = {theme: i for i, theme in enumerate(order)}
    themes = sorted(counts.index, key=lambda t: (-int(counts[t]), rank.get(t, len(rank)), t))
    theme_table = _Table()
    for theme in themes:
        index = theme_table.add(
            RawStat(
                (("theme", theme),),
                int(counts[theme]),
                {"share": int(counts[theme]) / analysed, "previous_share": None},
            )
        )
        theme_table.links[index] = None
    sentiment = _Table()
    by_cohort = _Table()
    for theme in themes:
        mine = rows_now[rows_now["theme"] == theme]["sentiment"].value_counts()
        group = []
        for feeling in (*SENTIMENTS, "not scored"):
            if feeling == "not scored" and not mine.get(feeling, 0):
                continue
            count = int(mine.get(feeling, 0))
            group.append(
                sentiment.add(
                    RawStat(
                        (("theme", theme), ("sentiment", feeling)),
                        count,
                        {"share_of_theme": count / int(counts[theme])},
                    )
                )
            )
            sentiment.links[group[-1]] = None
        sentiment.groups.append(group)
        per_cohort = rows_now[rows_now["theme"] == theme].groupby("cohort")["id"].nunique()
        group = []
        for cohort, count in per_cohort.items():
            total = int((_labels(current["cohort"]) == cohort).sum())
            group.append(
                by_cohort.add(
                    RawStat(
                        (("theme", theme), ("cohort", str(cohort))),
                        int(count),
                        {"share_of_cohort_comments": int(count) / total if total else None},
                    )
                )
            )
            by_cohort.links[group[-1]] = None
        by_cohort.groups.append(group)
    note = None
    if analysed < len(current):
        note = f"{len(current) - analysed} comments in this period are not tagged yet."
    return ThemeTables(analysed, theme_table, sentiment, by_cohort, note)
