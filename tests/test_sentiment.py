"""Sentiment: TextBlob polarity with the emoji, slang, negation and emphasis layer."""

from __future__ import annotations

from pathlib import Path

import pytest
from textblob import TextBlob
from textblob.en import sentiment as textblob_lexicon

from analysis.sentiment import (
    SENTIMENT_FILE,
    Sentiment,
    SentimentScorer,
    default_scorer,
    load_sentiment_data,
    score_sentiment,
)
from analysis.themes.text import load_spellings
from storage.datafiles import DataFileError


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("sooo happy 😊", "positive"),
        ("hate it here 😡", "negative"),
        ("not happy", "negative"),
        ("its ok i guess", "neutral"),
        ("love my carer ❤️", "positive"),
        ("happyyyy", "positive"),
        ("I don't feel safe", "negative"),
        ("i dont feel safe here", "negative"),
        ("not lonely anymore", "positive"),
        ("my sw never turns up", "negative"),
        ("nobody listens to me", "negative"),
        ("I miss my mum 😢", "negative"),
        ("my carer is always there for me", "positive"),
        ("I HATE IT HERE", "negative"),
        ("rubbish", "negative"),
        ("brill 👍", "positive"),
        (":(", "negative"),
        (":D", "positive"),
        ("", "neutral"),
        ("i go to school on tuesdays", "neutral"),
    ],
)
def test_labels(text: str, label: str) -> None:
    assert score_sentiment(text).label == label


def test_ranges_and_type() -> None:
    for text in ("SOOOO HAPPY!!! 😍😍😍", "worst day ever 😭😭 i hate everything!!!", "meh"):
        result = score_sentiment(text)
        assert isinstance(result, Sentiment)
        assert -1.0 <= result.polarity <= 1.0
        assert 0.0 <= result.subjectivity <= 1.0


def test_intensifiers_and_elongation_strengthen() -> None:
    plain = score_sentiment("happy").polarity
    assert score_sentiment("sooo happy").polarity > score_sentiment("ok").polarity
    assert score_sentiment("really happy").polarity >= plain
    assert score_sentiment("happyyyy").polarity > plain  # normalised, and emphatic
    assert score_sentiment("HATE it").polarity < score_sentiment("hate it").polarity


def test_emoji_alone_and_with_skin_tone() -> None:
    assert score_sentiment("😊").polarity > 0
    assert score_sentiment("👍🏽").label == "positive"
    assert score_sentiment("❤️") == score_sentiment("❤")


def test_negation_flips_and_softens() -> None:
    happy, not_happy = score_sentiment("happy"), score_sentiment("not happy")
    assert not_happy.polarity < 0 < happy.polarity
    assert abs(not_happy.polarity) < abs(happy.polarity)
    assert score_sentiment("not bad").label == "positive"
    # A negation does not reach past a clause break.
    assert score_sentiment("not sure, but happy").polarity > 0


def test_hedges_soften() -> None:
    assert score_sentiment("its ok i guess").polarity < score_sentiment("its ok").polarity
    assert score_sentiment("kinda good").polarity < score_sentiment("good").polarity


def test_textblob_is_used_and_left_untouched() -> None:
    default_scorer()
    # Our additions live in a private copy of TextBlob's lexicon.
    assert textblob_lexicon["ok"][None][0] == pytest.approx(0.5)
    assert "😊" not in textblob_lexicon
    # Plain English with nothing of ours in it scores as TextBlob does.
    text = "The food is great"
    assert score_sentiment(text).polarity == pytest.approx(TextBlob(text).sentiment.polarity)


def test_broken_sentiment_data(tmp_path: Path) -> None:
    text = SENTIMENT_FILE.read_text(encoding="utf-8").replace(
        "  rubbish: [-0.6, 0.8]", "  rubbish: [-6, 0.8]"
    )
    path = tmp_path / "sentiment.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_sentiment_data(path)
    assert caught.value.item == "words.rubbish"
    assert caught.value.line is not None and caught.value.fix


def test_custom_data(tmp_path: Path) -> None:
    text = SENTIMENT_FILE.read_text(encoding="utf-8").replace(
        "  mint: [0.6, 0.8]", "  mint: [0.6, 0.8]\n  peng: [0.7, 0.9]"
    )
    path = tmp_path / "sentiment.yaml"
    path.write_text(text, encoding="utf-8")
    scorer = SentimentScorer(load_sentiment_data(path), load_spellings())
    assert scorer.score("the food is peng").label == "positive"
    assert score_sentiment("the food is peng").label == "neutral"
