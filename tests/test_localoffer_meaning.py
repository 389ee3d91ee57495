"""The local offer's second opinion on meaning (localoffer/meaning.py) mixed with BM25.

Questions are typed as care leavers type them: no capitals, text-speak, typos.
"""

from __future__ import annotations

import socket

import numpy as np
import pytest

import analysis.text_vectors as text_vectors
from localoffer.catalogue import Offer, load_offer
from localoffer.meaning import EntryMeaning, entry_texts, load_meaning
from localoffer.search import OfferSearch
from localoffer.text import content_stems


@pytest.fixture(scope="module")
def offer() -> Offer:
    return load_offer()


@pytest.fixture(scope="module")
def search(offer: Offer) -> OfferSearch:
    return OfferSearch(offer)


@pytest.fixture(scope="module")
def words_alone(offer: Offer) -> OfferSearch:
    return OfferSearch(offer, meaning=None)


def _shared_words(search: OfferSearch, question: str, entry_id: str) -> set[str]:
    entry = search.offer.get(entry_id)
    assert entry is not None
    everything = " ".join([entry.title, *entry.also_known_as, entry.summary, entry.details])
    asked = {term for units in search._clauses(question) for unit in units for term in unit.terms}
    return asked & set(content_stems(everything))


def test_the_shipped_search_reads_meaning(search: OfferSearch) -> None:
    assert search.meaning is not None
    rows = sum(len(entry_texts(entry)) for entry in search.entries)
    assert search.meaning.vectors.shape == (rows, search.meaning.encoder.dims)
    similarity = search.meaning.similarity(["need help with money"])
    assert similarity.shape == (len(search.entries),)
    assert float(similarity.max()) <= 1.0 + 1e-5


def test_a_question_sharing_no_words_with_an_entry_still_finds_it(
    search: OfferSearch, words_alone: OfferSearch
) -> None:
    question = "i keep panikin n cant sleep"
    helps = {"talking-therapies", "on-your-mind"}
    # None of the asker's words is in those entries: only meaning can bring them.
    for entry_id in helps:
        assert _shared_words(search, question, entry_id) == set()
    assert not helps & set(words_alone.ask(question).answer_ids)
    assert helps & set(search.ask(question).answer_ids[:3])


@pytest.mark.parametrize(
    ("question", "best", "words_best"),
    [
        # "support" is in the tenancy entry's words; meaning reads "still ... at 23".
        ("im 23 can i still get support", "pa-support-to-25", "tenancy-support"),
        # "keep on top of" reads as support at any age on words alone; meaning reads a
        # tenancy kept going. ("wanna help other kids in care n get paid 4 it" was the
        # example here; since "help others" is in synonyms.yaml words alone get it right.)
        (
            "finding it hard to keep on top of my tenancy",
            "tenancy-support",
            "pa-support-to-25",
        ),
    ],
)
def test_meaning_moves_the_right_entry_to_the_top(
    search: OfferSearch, words_alone: OfferSearch, question: str, best: str, words_best: str
) -> None:
    assert words_alone.ask(question).answer_ids[0] == words_best
    answer = search.ask(question)
    assert answer.answer_ids[0] == best, answer.answer_ids
    assert words_best in answer.answer_ids  # still offered, lower down


@pytest.mark.parametrize(
    "question",
    [
        "how do i get better at fortnite lol",
        "wots the weather gonna be like 2moro",
        "can u help with my maths homework its algebra",
        "who won the footy last nite",
    ],
)
def test_an_off_topic_question_still_gets_not_sure(search: OfferSearch, question: str) -> None:
    answer = search.ask(question)
    assert not answer.confident
    reply = answer.reply_text()
    assert "I'm not sure" in reply and "PA" in reply


def test_a_question_that_touches_no_entry_gets_no_entries(search: OfferSearch) -> None:
    """Meaning orders what the words found; it never invents a list for "what do you mean"."""
    for question in ("what do u mean", "ok", "???"):
        assert search.ask(question).answers == []


def test_without_the_encoder_the_search_reads_words_alone(
    monkeypatch: pytest.MonkeyPatch, offer: Offer, caplog: pytest.LogCaptureFixture
) -> None:
    def unavailable(name: str = text_vectors.ENCODER) -> text_vectors.StaticEncoder:
        raise text_vectors.EncoderUnavailable("the wordllama package is not installed")

    monkeypatch.setattr(text_vectors, "encoder", unavailable)
    assert load_meaning(list(offer)) is None
    assert "words alone" in caplog.text
    search = OfferSearch(offer)
    assert search.meaning is None
    answer = search.ask("can i stay wiv my foster carers after 18")
    assert answer.answer_ids[0] == "staying-put" and answer.confident


def test_the_search_is_built_and_asked_without_the_network(
    monkeypatch: pytest.MonkeyPatch, offer: Offer
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the local offer search tried the network")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    text_vectors.encoder.cache_clear()
    try:
        search = OfferSearch(offer)
        assert search.meaning is not None
        assert search.ask("how do i get my provisional").answer_ids[0] == "driving-lessons"
    finally:
        text_vectors.encoder.cache_clear()


def test_an_empty_offer_has_no_meaning_to_compare() -> None:
    meaning = EntryMeaning.build(text_vectors.encoder(), [])
    assert meaning.similarity(["anything"]).shape == (0,)
    assert not meaning.embed(["", "  "]).any()
    assert isinstance(meaning.vectors, np.ndarray)
