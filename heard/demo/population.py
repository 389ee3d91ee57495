"""The synthetic council's people, drawn from the figures in population.yaml."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage.datafiles import DataFileError, load_yaml, require_mapping

POPULATION_FILE = Path(__file__).with_name("population.yaml")


@dataclass(frozen=True)
class Person:
    number: int
    cohort: str
    age: int
    age_band: str
    placement_type: str | None
    locality: str
    channel: str
    latent: float
    engagement: float
    quote_consent: bool


def load_population_config(path: Path = POPULATION_FILE) -> dict[str, Any]:
    config = require_mapping(path, load_yaml(path), "population")
    for key in ("children_in_care", "care_leavers", "carers", "response_rate"):
        if key not in config:
            raise DataFileError(path, f"missing '{key}'", item=key, fix=f"add a '{key}:' block")
    return config


def child_age_band(age: int) -> str | None:
    """Children under 4 are counted in the cohort but do not answer themselves."""
    if age < 4:
        return None
    if age <= 7:
        return "4-7"
    if age <= 10:
        return "8-11"
    return "11-17"


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _age_in(rng: random.Random, label: str) -> int:
    low, _, high = label.partition("-")
    return rng.randint(int(low), int(high or low))


def build_population(
    config: dict[str, Any], rng: random.Random, scale: float = 1.0
) -> list[Person]:
    """Everyone who could answer: children 4+, care leavers and foster carers."""
    people: list[Person] = []
    quote_share = float(config.get("quote_consent", 0.4))

    def add(cohort: str, age: int, band: str, placement: str | None, block: dict[str, Any]) -> None:
        out_of_area = rng.random() < float(block.get("out_of_area", 0.0))
        people.append(
            Person(
                number=len(people) + 1,
                cohort=cohort,
                age=age,
                age_band=band,
                placement_type=placement,
                locality="out_of_area" if out_of_area else "in_area",
                channel="telegram" if rng.random() < block["telegram_share"] else "web",
                latent=rng.gauss(0.0, 0.7),
                engagement=min(1.6, max(0.3, rng.gauss(1.0, 0.3))),
                quote_consent=rng.random() < quote_share,
            )
        )

    children = config["children_in_care"]
    for _ in range(round(children["count"] * scale)):
        age = _age_in(rng, _pick(rng, children["ages"]))
        band = child_age_band(age)
        if band is None:
            continue
        placement = _pick(rng, children["placement_types"])
        if placement == "semi_independent" and age < 16:
            placement = "foster_council"
        add("child_in_care", age, band, placement, children)

    leavers = config["care_leavers"]
    for _ in range(round(leavers["count"] * scale)):
        age = _age_in(rng, _pick(rng, leavers["ages"]))
        add("care_leaver", age, "16-25", _pick(rng, leavers["placement_types"]), leavers)

    carers = config["carers"]
    for _ in range(round(carers["count"] * scale)):
        add("carer", rng.randint(28, 68), "adult", None, carers)
    return people
