"""The held-out safeguarding evaluation corpus and its one-off dev/test split.

Checks the files in tests/data/safeguarding/ are well formed, big enough, and that
split.yaml is exactly what the split function gives for the recorded seeds, so nobody
has moved an item between dev and test by hand.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from script_support import benchmark_script

from analysis.safeguarding import CATEGORIES as DETECTOR_CATEGORIES

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "safeguarding"

CATEGORIES = {*DETECTOR_CATEGORIES, "none"}  # the detector's own names, and none
RISKY = CATEGORIES - {"none"}
LEVELS = {"urgent", "concern"}
WHO = {"child_in_care", "care_leaver", "carer"}
STYLES = {
    "plain",
    "slang",
    "textspeak",
    "indirect",
    "typo",
    "carer_report",
    "fiction_joke",
    "past_resolved",
    "other",
}
LANGUAGES = {"ar", "ps", "fa", "ckb", "ti", "vi", "sq", "pl", "ro"}


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that fails on a repeated mapping key (PyYAML keeps the last)."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def _load(name: str) -> Any:
    with (DATA / name).open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_UniqueKeyLoader)


@pytest.fixture(scope="module")
def english() -> list[dict[str, Any]]:
    return _load("messages.yaml")["messages"]


@pytest.fixture(scope="module")
def others() -> list[dict[str, Any]]:
    return _load("other_languages.yaml")["messages"]


@pytest.fixture(scope="module")
def split() -> dict[str, Any]:
    return _load("split.yaml")


def _check_labels(message: dict[str, Any]) -> None:
    category = message["category"]
    assert category in CATEGORIES, message
    for other in message.get("also") or []:
        assert other in RISKY and other != category, message
    if category == "none":
        assert "level" not in message, message
        assert not message.get("also"), message
    else:
        assert message.get("level") in LEVELS, message
    assert isinstance(message["text"], str) and message["text"].strip(), message


def test_ids_are_unique_across_both_files(english, others):
    ids = [m["id"] for m in english] + [m["id"] for m in others]
    repeated = [i for i, n in Counter(ids).items() if n > 1]
    assert not repeated
    assert all(re.fullmatch(r"sg\d{4}", m["id"]) for m in english)
    assert all(re.fullmatch(r"ol\d{3}", m["id"]) for m in others)


def test_english_messages_are_labelled_by_the_policy(english):
    texts = Counter(m["text"].strip().lower() for m in english)
    assert not [t for t, n in texts.items() if n > 1], "the same message twice"
    for message in english:
        _check_labels(message)
        assert message["who"] in WHO, message
        assert message["style"] in STYLES, message


def test_english_corpus_is_big_and_mixed_enough(english):
    assert len(english) >= 650
    risky = Counter(m["category"] for m in english if m["category"] != "none")
    assert set(risky) == RISKY
    assert min(risky.values()) >= 25, risky
    assert risky["online_harm"] >= 30 and risky["substance_misuse"] >= 30
    share_none = sum(m["category"] == "none" for m in english) / len(english)
    assert 0.3 <= share_none <= 0.5, share_none
    assert sum(m["who"] == "carer" for m in english) >= 60
    assert sum(m["style"] == "indirect" for m in english) >= 60
    levels = Counter(m.get("level") for m in english)
    assert levels["urgent"] and levels["concern"]


def test_other_languages_are_labelled_and_cover_every_language(others):
    assert len(others) >= 40
    for message in others:
        _check_labels(message)
        assert message["language"] in LANGUAGES, message
        assert message["english"].strip(), message
    per_language = Counter(m["language"] for m in others)
    assert set(per_language) == LANGUAGES
    assert min(per_language.values()) >= 3
    risky = sum(m["category"] != "none" for m in others)
    assert 0.35 <= risky / len(others) <= 0.65


def test_every_id_is_in_exactly_one_split(english, others, split):
    assignments = split["assignments"]
    ids = {m["id"] for m in english} | {m["id"] for m in others}
    assert set(assignments) == ids
    assert set(assignments.values()) <= {"dev", "test"}
    counts = Counter(assignments.values())
    assert split["counts"] == {"dev": counts["dev"], "test": counts["test"]}


@pytest.mark.parametrize("source", ["english", "others"])
def test_every_category_is_in_both_dev_and_test(source, english, others, split):
    messages = english if source == "english" else others
    sides: dict[str, set[str]] = {}
    for message in messages:
        sides.setdefault(message["category"], set()).add(split["assignments"][message["id"]])
    assert all(found == {"dev", "test"} for found in sides.values()), sides


def test_split_file_matches_a_rerun_of_the_split_function(split):
    splitter = benchmark_script("split_safeguarding_corpus")
    items = splitter.load_items(DATA)
    batches = split["batches"]
    assert batches[0]["batch"] == 1 and batches[0]["seed"] == split["seed"]
    members = splitter.batch_members(items, split)
    for number, (batch, batch_items) in enumerate(zip(batches, members, strict=True), 1):
        assert batch["batch"] == number
        assert batch["seed"] == splitter.batch_seed(number, split["seed"])
        rerun = splitter.assign(batch_items, batch["seed"])
        assert rerun == {i: split["assignments"][i] for i in rerun}
        counts = Counter(rerun.values())
        assert batch["items"] == len(batch_items)
        assert (batch["dev"], batch["test"]) == (counts["dev"], counts["test"])
        assert abs(counts["dev"] - counts["test"]) <= len(
            {(i.source, i.category) for i in batch_items}
        )
    # Same answer whatever order the items come in.
    assert splitter.assign(list(reversed(members[0])), split["seed"]) == splitter.assign(
        members[0], split["seed"]
    )


def test_script_never_redoes_the_split_and_only_adds_new_items(tmp_path):
    splitter = benchmark_script("split_safeguarding_corpus")
    for name in ("messages.yaml", "other_languages.yaml"):
        shutil.copy(DATA / name, tmp_path / name)
    assert splitter.main(["--data-dir", str(tmp_path), "--new-items-only"]) == 2
    assert splitter.main(["--data-dir", str(tmp_path)]) == 0
    first = (tmp_path / "split.yaml").read_text(encoding="utf-8")
    assert splitter.main(["--data-dir", str(tmp_path)]) == 2
    assert (tmp_path / "split.yaml").read_text(encoding="utf-8") == first

    with (tmp_path / "messages.yaml").open("a", encoding="utf-8") as handle:
        for n in range(1, 5):
            handle.write(
                f'  - {{id: sg9{n:03d}, text: "new item {n}", category: bullying, '
                "level: concern, who: child_in_care, style: plain}\n"
            )
    assert splitter.main(["--data-dir", str(tmp_path), "--new-items-only"]) == 0
    before = yaml.safe_load(first)["assignments"]
    after = yaml.safe_load((tmp_path / "split.yaml").read_text(encoding="utf-8"))
    assert {i: after["assignments"][i] for i in before} == before
    new_ids = [f"sg9{n:03d}" for n in range(1, 5)]
    assert after["batches"][1]["ids"] == new_ids
    assert after["batches"][1]["seed"] == splitter.batch_seed(2, after["seed"])
    assert Counter(after["assignments"][i] for i in new_ids) == {"dev": 2, "test": 2}
    assert splitter.main(["--data-dir", str(tmp_path), "--new-items-only"]) == 0
