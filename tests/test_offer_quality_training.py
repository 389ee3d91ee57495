"""Issue 17: training-only question sets for the local offer benchmark.

A training set (tests/data/offer/train_questions.yaml, "new") is scored and its misses
listed like dev's, but a question held out in test, or worded as one, is never scored
or shown from it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from localoffer.quality import load_questions, load_split

ROOT = Path(__file__).resolve().parents[1]
BENCHMARK = ROOT / "benchmarks" / "offer_quality.py"
QUESTIONS = ROOT / "tests" / "data" / "offer" / "questions.yaml"
SPLIT = ROOT / "tests" / "data" / "offer" / "split.yaml"
TRAINING = ROOT / "tests" / "data" / "offer" / "train_questions.yaml"


def _test_texts() -> list[str]:
    split = load_split(SPLIT)
    return [q.text for q in load_questions(QUESTIONS) if split[q.id] == "test"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCHMARK), *args],
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_expect_none_in_a_list_is_off_topic(tmp_path: Path) -> None:
    path = tmp_path / "questions.yaml"
    path.write_text(
        "questions:\n- {q: who won, expect: [none]}\n- {q: rent, expect: [housing-benefit]}\n",
        encoding="utf-8",
    )
    off, on = load_questions(path)
    assert off.off_topic and not on.off_topic


def test_the_training_set_is_training_only() -> None:
    questions = load_questions(TRAINING)
    assert len(questions) >= 300
    assert not {q.id for q in questions} & set(load_split(SPLIT))
    assert any(q.off_topic for q in questions)


def test_a_training_set_is_scored_and_listed_without_test_questions() -> None:
    result = _run("--no-test", "--train", "new", "--misses")
    assert result.returncode == 0, result.stderr
    assert "new:" in result.stdout and "training only" in result.stdout
    assert "test:" not in result.stdout
    listed = [line for line in result.stdout.splitlines() if line.startswith("  - ")]
    assert listed
    leaked = [text for text in _test_texts() if any(repr(text) in line for line in listed)]
    assert not leaked


def test_a_file_holding_test_questions_loses_them_unseen() -> None:
    # the held-out file itself, named as a training set: only its dev half is read
    result = _run("--no-test", "--train", str(QUESTIONS), "--misses")
    assert result.returncode == 0, result.stderr
    assert "worded as test questions left out, not listed" in result.stdout
    listed = [line for line in result.stdout.splitlines() if line.startswith("  - ")]
    leaked = [text for text in _test_texts() if any(repr(text) in line for line in listed)]
    assert not leaked
    refused = _run("--no-test", "--train", "test")
    assert refused.returncode != 0 and "not a training set" in refused.stderr
