"""Issue 17: the offer's new topics, the off-topic guard and the held-out question set.

New phrasings here, not copies of tests/data/offer/questions.yaml: that file's test half
is held out, and the dev half is measured by benchmarks/offer_quality.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from localoffer.catalogue import load_offer
from localoffer.quality import Question, load_questions, load_split, select
from localoffer.search import OfferSearch
from localoffer.text import load_off_topic
from storage.datafiles import DataFileError

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "tests" / "data" / "offer" / "questions.yaml"
SPLIT = ROOT / "tests" / "data" / "offer" / "split.yaml"
NEW = {
    "driving-lessons",
    "phone-and-internet",
    "leisure-and-gym",
    "travel-passes",
    "return-home-interviews",
    "immigration-support",
}


@pytest.fixture(scope="module")
def search() -> OfferSearch:
    return OfferSearch(load_offer())


def test_the_new_entries_load_with_a_source_and_review_date() -> None:
    offer = load_offer()
    for entry_id in [*sorted(NEW), "pathway-plan"]:
        entry = offer.get(entry_id)
        assert entry is not None, entry_id
        assert entry.source.kind in ("local", "national") and entry.source.text()
        assert entry.last_reviewed.year == 2026
        assert entry.how_to_get_it and entry.contact
    local = [e for e in offer if e.id in NEW and e.source.kind == "local"]
    # what a council decides itself says so, in words a 17-year-old reads
    assert local and all("check with your PA" in e.summary for e in local)
    assert "£34" in offer.get("driving-lessons").summary  # type: ignore[union-attr]
    assert "16-25 Railcard" in offer.get("travel-passes").summary  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("can leaving care pay 4 my drivng test", "driving-lessons"),
        ("wen can i get my provisonal", "driving-lessons"),
        ("my internet got cut off", "phone-and-internet"),
        ("phone broke need a new 1", "phone-and-internet"),
        ("leisure center membership free??", "leisure-and-gym"),
        ("cheap gym", "leisure-and-gym"),
        ("how do i get the care leaver railcard", "travel-passes"),
        ("travel money for work", "travel-passes"),
        ("do i have to go to the return home interview", "return-home-interviews"),
        ("my leave to remain is running out", "immigration-support"),
        ("citizenship fees who pays", "immigration-support"),
        ("can i change my pathway plan", "pathway-plan"),
        ("can i get help buying a car", "driving-lessons"),  # "car" is not "care"
    ],
)
def test_new_topics_in_their_own_words(search: OfferSearch, question: str, expected: str) -> None:
    answer = search.ask(question)
    assert answer.answer_ids[:1] == [expected], (question, answer.answer_ids)


@pytest.mark.parametrize(
    "question",
    [
        "how do i get better at this video game",
        "best xbox game",
        "is it going to rain tomorrow",
        "who won the football",
        "whats the answer to my maths homework",
        "when does the next train leave",
    ],
)
def test_off_topic_questions_get_not_sure(search: OfferSearch, question: str) -> None:
    answer = search.ask(question)
    assert not answer.confident, (question, answer.answer_ids)
    assert answer.reply_text().startswith("Sorry, I'm not sure")


def test_an_off_topic_word_the_offer_itself_uses_is_not_off_topic(tmp_path: Path) -> None:
    offer = load_offer()
    words = tmp_path / "off_topic.yaml"
    words.write_text("games:\n  - gym\n  - fortnite\n", encoding="utf-8")
    search = OfferSearch(offer, off_topic=load_off_topic(words))
    assert search.ask("free gym membership").confident  # the gym entry names it
    assert not search.ask("free gym membership for fortnite").confident


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("- game\n", "expected 'group:' headings"),
        ("games: game\n", "should be a list"),
        ("games:\n  - '!!'\n", "is not a word or phrase"),
    ],
)
def test_a_broken_off_topic_file_names_file_and_fix(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "off_topic.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_off_topic(path)
    message = str(caught.value)
    assert "off_topic.yaml" in message and problem in message and "Fix:" in message


def test_the_held_out_questions_are_split_once_and_evenly() -> None:
    questions = load_questions(QUESTIONS)
    split = load_split(SPLIT)
    assert len(questions) >= 280
    assert {q.id for q in questions} == set(split)
    assert all(16 <= (q.age or 0) <= 25 for q in questions)
    off_topic = [q for q in questions if q.off_topic]
    assert len(off_topic) >= 40 and all(q.style == "off-topic" for q in off_topic)
    dev, test = select(questions, split, "dev"), select(questions, split, "test")
    assert abs(len(dev) - len(test)) <= 10
    by_style = Counter((q.style, split[q.id]) for q in questions)
    for style in {q.style for q in questions}:
        assert by_style[(style, "dev")] and by_style[(style, "test")], style
    offer = load_offer()
    labelled = {i for q in questions for group in q.expect for i in group}
    assert labelled <= {e.id for e in offer}  # every label is a real entry
    assert labelled >= NEW


def test_a_question_missing_from_the_split_is_refused() -> None:
    stray = Question(text="hi", expect=(), id="oq999")
    with pytest.raises(ValueError, match="not in the split"):
        select([stray], {"oq001": "dev"}, "dev")


def test_the_benchmark_never_lists_test_misses() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "offer_quality.py"), "--misses"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "dev:" in result.stdout and "test:" in result.stdout and "old:" in result.stdout
    split = load_split(SPLIT)
    test_texts = [q.text for q in load_questions(QUESTIONS) if split[q.id] == "test"]
    listed = [line for line in result.stdout.splitlines() if line.startswith("  - ")]
    assert not [text for text in test_texts if any(repr(text) in line for line in listed)]


def test_heard_offer_ask_answers_a_new_topic(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HEARD_")}
    environment["HEARD_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run(
        [sys.executable, "-m", "heard.cli", "offer", "ask", "--json", "free swimmin n gym??"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["confident"] and answer["answers"][0]["id"] == "leisure-and-gym"
