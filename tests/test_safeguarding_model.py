"""The statistical second opinion: reproducible, small, fast, and honest about what fired."""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path

import pytest

from analysis.safeguarding.detector import combine, detect, detector
from analysis.safeguarding.model import (
    FORMAT,
    LinearModel,
    features,
    model_version,
    shipped_model,
    shipped_model_path,
)

ROOT = Path(__file__).resolve().parents[1]


def _script(name: str):
    """A benchmarks/ script imported from its path (benchmarks/ is not a package)."""
    path = ROOT / "benchmarks" / f"{name}.py"
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_a_model_ships_as_plain_json_of_a_few_hundred_kb():
    path = shipped_model_path()
    assert path is not None and path.suffix == ".json"
    assert path.stat().st_size < 400 * 1024
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT and data["version"] == model_version()
    assert 0.5 <= data["threshold"] < 1.0


def test_retraining_gives_the_same_weights():
    train = _script("train_safeguarding_model")
    shipped = json.loads(train.model_path().read_text(encoding="utf-8"))
    assert json.loads(json.dumps(train.build())) == shipped


def test_the_model_never_learns_from_test():
    train = _script("train_safeguarding_model")
    bench = _script("safeguarding_quality")
    held_out = {e.text for e in bench.corpus_part("test")}
    overlap = sum(m.text in held_out for m in train.training_messages())  # a count, never text
    assert overlap == 0
    assert shipped_model().trained_on["messages"] == len(train.training_messages())


def test_features_read_typos_and_case_alike():
    assert "w kill" in features("KILL")
    assert "c <ki" in features("kil") and "c <ki" in features("kill")
    assert features("") == []


def test_one_prediction_is_well_under_a_millisecond():
    model = shipped_model()
    text = "he says i owe them and i have to go to another town this weekend to pay it off"
    model.opinion(text)
    started = time.perf_counter()
    for _ in range(500):
        model.opinion(text)
    assert (time.perf_counter() - started) / 500 < 0.0005


def _tiny_model(threshold: float) -> LinearModel:
    """A real model file's content with two n-grams, to test how the two opinions combine."""
    return LinearModel.from_dict(
        {
            "format": FORMAT,
            "version": "t1",
            "threshold": threshold,
            "categories": ["missing", "bullying"],
            "risky": {"bias": -1.0, "weights": {"w vanished": 40.0}},
            "category": {"bias": [0.0, 0.0], "weights": {"w vanished": [1.0, -1.0]}},
        }
    )


def test_the_model_alone_raises_a_disclosure_and_says_so():
    found = combine(detector(), _tiny_model(0.5), "i vanished from my placement last week")
    assert found is not None
    assert found.source == "model" and found.rules == [] and found.model_version == "t1"
    assert found.category == "missing" and found.level == "urgent"
    assert found.detected_by.startswith("model t1: ")
    assert combine(detector(), _tiny_model(0.99), "i vanished from my placement last week") is None


def test_a_past_cue_keeps_a_model_only_disclosure_a_concern():
    found = combine(detector(), _tiny_model(0.5), "years ago i just vanished from there")
    assert found is not None and found.level == "concern"


def test_the_model_never_speaks_on_a_short_answer():
    assert combine(detector(), _tiny_model(0.5), "vanished") is None
    assert combine(detector(), _tiny_model(0.5), "i vanished lol") is None


def test_the_lexicon_decides_when_it_matches_and_the_model_score_is_kept():
    found = combine(detector(), _tiny_model(0.5), "my foster carer hits me")
    assert found is not None and found.category == "allegation_about_carer"
    assert found.source == "lexicon" and found.model_score is not None
    assert found.model_version == "t1" and found.rules


@pytest.mark.parametrize("text", ["", "   ", None, 12])
def test_detect_is_none_for_empty_or_non_text(text):
    assert detect(text) is None  # type: ignore[arg-type]
