"""Names come out of quotes wherever they stand; names that are also words stay as words.

"Jasmine's my best friend" once reached a report under "with names and details taken
out". Every position a name takes in what young people write is here: the start of a
sentence, a possessive, after "called" or "my friend", lower case, the end.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.scrub import SCRUB_FILE, Scrubber, load_scrub_data, scrub_quote
from storage.datafiles import DataFileError

NAMED = [
    # the start of a sentence, with a possessive ("is" or owning)
    ("Jasmine's my best friend", "[name]'s my best friend"),
    ("Sarah's my social worker and she listens", "[name]'s my social worker and she listens"),
    ("Jasmine’s my best friend", "[name]’s my best friend"),  # a phone's curly apostrophe
    ("Will's mum picks us up", "[name]'s mum picks us up"),
    ("Grace's house is the best", "[name]'s house is the best"),
    ("Ali's my best mate", "[name]'s my best mate"),
    ("Kayden's dad is my foster carer", "[name]'s dad is my foster carer"),
    ("Rose is my sister", "[name] is my sister"),
    ("Hope is my best friend", "[name] is my best friend"),
    ("Summer's my bestie", "[name]'s my bestie"),
    # lower case, as teenagers type
    ("jasmine's my best friend", "[name]'s my best friend"),
    ("sarah's my sw", "[name]'s my sw"),
    ("grace said i could stay up", "[name] said i could stay up"),
    ("will and i fell out", "[name] and i fell out"),
    ("i miss sarah", "i miss [name]"),
    ("me and holly went to town", "me and [name] went to town"),
    # after "called", "named" and "my friend"
    ("my dog is called Summer", "my dog is called [name]"),
    ("my new worker is named Faith", "my new worker is named [name]"),
    ("my friend holly is funny", "my friend [name] is funny"),
    ("my best friend Joy moved away", "my best friend [name] moved away"),
    ("I love my friend Jasmine's dog", "I love my friend [name]'s dog"),
    ("my carer Sarah's house is warm", "my carer [name]'s house is warm"),
    # the middle and the end of a sentence
    ("It was fun with Jack and Sarah", "It was fun with [name] and [name]"),
    ("I really miss Sarah.", "I really miss [name]."),
    ("the best bit was seeing Grace", "the best bit was seeing [name]"),
    ("thank you Mark", "thank you [name]"),
]

WORDS = [
    "Will you help me find a flat?",
    "Will I have to move again",
    "May I stay with my carers",
    "I moved in May and again in June",
    "I hope May comes soon",
    "Hope is all I have",
    "I hope it gets better",
    "Grace at dinner is nice",
    "I said grace at dinner",
    "Bill came through the post and it scared me",
    "the electric bill is too much",
    "Joy is what I feel when I see my nan",
    "it brings me joy",
    "Faith is important to me",
    "I have faith in my carer",
    "Rose gold is my favourite colour",
    "the rose in the garden is red",
    "Mark my words",
    "I got a good mark in maths",
    "Summer holidays are long",
    "Summer's my favourite time of year",
    "summer is the best",
    "we picked holly at christmas",
    "Holly grows in the woods",
    "Hope's all I have",
    "I will try harder",
    "Mum's cooking is nice",
]


@pytest.mark.parametrize(("text", "expected"), NAMED)
def test_names_go_wherever_they_stand(text: str, expected: str) -> None:
    assert scrub_quote(text) == expected


@pytest.mark.parametrize("text", WORDS)
def test_names_used_as_words_stay(text: str) -> None:
    assert scrub_quote(text) == text


def test_the_scrubbed_quote_names_nobody() -> None:
    """Whatever else changes, no listed first name is left in a scrubbed named sentence."""
    data = load_scrub_data()
    for text, _ in NAMED:
        words = [w.strip(".,!?'’").lower() for w in scrub_quote(text).split()]
        left = [w.split("'")[0].split("’")[0] for w in words]
        assert not [w for w in left if w in data.first_names and w not in data.not_names], text


def _write(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "scrub.yaml"
    text = SCRUB_FILE.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_capitalised_word_must_be_a_word_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "capitalised_words: [April, May, June]", "capitalised_words: [Qwzx]")
    with pytest.raises(DataFileError) as caught:
        load_scrub_data(path)
    assert "Qwzx" in (caught.value.item or "") and "word_names" in (caught.value.fix or "")


def test_the_new_lists_are_checked_like_the_others(tmp_path: Path) -> None:
    path = _write(tmp_path, "name_verbs: [said,", "name_verbs: [Yes, said,")
    with pytest.raises(DataFileError) as caught:
        load_scrub_data(path)
    assert "name_verbs" in (caught.value.item or "")


def test_a_council_can_add_its_own_person_words(tmp_path: Path) -> None:
    path = _write(tmp_path, "person_words: [friend,", "person_words: [youth worker, friend,")
    scrubber = Scrubber(load_scrub_data(path))
    assert scrubber.scrub("Faith's my youth worker") == "[name]'s my youth worker"
    assert scrub_quote("Faith's my youth worker") == "Faith's my youth worker"
