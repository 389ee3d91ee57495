"""The demo's seeded alerts read as real ones do, so a council trying Heard sees what a
lead would see: a safety-signal alert names the option and the question, as
surveys/safeguarding_seam.py writes it, not a bare "No"."""

from __future__ import annotations

from heard.demo.extras import EXTRAS_FILE
from storage.datafiles import load_yaml
from surveys.definition import load_catalogue


def test_demo_survey_answer_alerts_name_the_option_and_the_question() -> None:
    catalogue = load_catalogue()
    seeded = [
        item
        for item in load_yaml(EXTRAS_FILE)["alerts"]
        if str(item.get("detected_by", "")).startswith("survey answer:")
    ]
    assert seeded, "the demo shows at least one alert raised by a closed answer"
    for item in seeded:
        survey_id, question_id = item["detected_by"].removeprefix("survey answer: ").split()
        question = next(q for q in catalogue[survey_id].questions if q.id == question_id)
        assert question.safety_signal is not None
        assert item["category"] == question.safety_signal.category
        written = {
            f'Chose "{option.label}" for "{question.text}"'
            for option in question.options
            if option.value in question.safety_signal.answers
        }
        assert item["text"] in written
