"""The themes' encoder: the file that ships is the one its bars were chosen for, it has
the last word as the bars say, it reads each comment the same whatever is beside it,
and Heard goes on without it when it cannot be read.

The comments below were written for these tests in the way young people and carers
write (not copied from the labelled corpus).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from script_support import benchmark_script

from analysis.themes import encoder as encoder_module
from analysis.themes import tagger as tagger_module
from analysis.themes.encoder import (
    FORMAT,
    EncoderUnavailable,
    ThemeEncoder,
    shipped_encoder,
    shipped_encoder_path,
)
from analysis.themes.lexicon import CARER_THEME_IDS, THEME_IDS, YOUNG_PEOPLE_THEME_IDS
from analysis.themes.tagger import ThemeTagger, default_tagger

ROOT = Path(__file__).resolve().parents[1]

COMMENTS = [
    "my carers are alright but i never no how long im staying here",
    "they treat me like im one of their own kids now",
    "been waiting 9 months to see someone about my anxiety",
    "my sw changed again thats the 4th one",
    "i want to go to boxing club but no one will take me",
    "ok",
    "",
    "!!! ??? 123",
]
CARER_COMMENTS = [
    "the out of hours line never picks up at weekends",
    "allowance was late again and i had to pay for his uniform myself",
    "would love a weekend off, had no respite since march",
]


@pytest.fixture(scope="module")
def shipped() -> ThemeEncoder:
    found = shipped_encoder()
    assert found is not None, "the theme encoder did not load (see the log)"
    return found


def _copy_shipped(tmp_path: Path) -> Path:
    source = shipped_encoder_path()
    assert source is not None
    data = json.loads(source.read_text(encoding="utf-8"))
    for key in ("onnx", "tokenizer"):
        shutil.copyfile(source.with_name(data[key]["file"]), tmp_path / data[key]["file"])
    target = tmp_path / source.name
    target.write_text(json.dumps(data), encoding="utf-8")
    return target


def test_the_shipped_encoder_is_the_file_its_bars_were_chosen_for(shipped: ThemeEncoder):
    path = shipped_encoder_path()
    assert path is not None
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT
    for key in ("onnx", "tokenizer"):
        file = path.with_name(data[key]["file"])
        assert hashlib.sha256(file.read_bytes()).hexdigest() == data[key]["sha256"]
    onnx = path.with_name(data["onnx"]["file"])
    assert onnx.stat().st_size < 30_000_000  # int8, not the 90 MB float model
    assert shipped.themes == THEME_IDS
    assert 0.0 <= shipped.veto_below < 0.5
    assert all(0.0 < bar <= 1.01 for bar in shipped.add_from)
    # Two bars for every theme (bars chosen theme by theme fitted the comments they were
    # chosen on), chosen on the four unlearned sets; test never.
    assert len(set(shipped.add_from)) == 1
    assert data["bars_chosen_on"]["sets"] == [
        "unlearned-being-heard",
        "unlearned-everyday",
        "unlearned-quiet-reach",
        "unlearned-home-front",
    ]
    assert (path.parent / "NOTICE.txt").is_file()  # the base model's licence and author


def test_the_training_data_is_what_the_shipped_encoder_learned_from(shipped: ThemeEncoder):
    """A labelled comment changed, added or removed without training the encoder again
    would leave it out of step with its data: train it again (the message says how)."""
    recorded = shipped.trained_on["files"]
    changed = [
        name
        for name, digest in recorded.items()
        if hashlib.sha256((ROOT / name).read_bytes()).hexdigest() != digest
    ]
    assert changed == [], (
        f"{changed} changed since the theme encoder was trained: run "
        "benchmarks/train_theme_encoder.py (its docstring says how) and ship the result"
    )
    on_disk = {
        str(p.relative_to(ROOT))
        for p in (ROOT / "tests" / "data" / "themes").glob("encoder_*.yaml")
    }
    assert on_disk <= set(recorded)
    assert shipped.trained_on["comments"] > 5_000


def test_the_shipped_taggers_hear_the_encoder_when_it_is_on(shipped: ThemeEncoder):
    assert default_tagger(with_encoder=True).encoder is shipped
    assert default_tagger("carers", with_encoder=True).encoder is shipped
    assert default_tagger(with_encoder=False).encoder is None
    assert default_tagger().encoder is None  # off unless the council sets it on
    carers = tagger_module.tagger_for_cohort("carer", with_encoder=True)
    assert carers.encoder is shipped and carers.audience == "carers"
    assert tagger_module.tagger_for_cohort("care_leaver").encoder is None


def test_a_comment_reads_the_same_alone_or_among_others(shipped: ThemeEncoder):
    """Themes must not depend on what others wrote the same day (the int8 model would
    move a comment's scores with its batch-mates, so each is read alone)."""
    texts = [c for c in COMMENTS if c]
    together = shipped.scores(texts, "young_people")
    for n, text in enumerate(texts):
        assert np.array_equal(shipped.scores([text], "young_people")[0], together[n]), text


def test_the_audiences_read_differently(shipped: ThemeEncoder):
    text = "the social worker never rings back"
    young = shipped.scores([text], "young_people")[0]
    carer = shipped.scores([text], "carers")[0]
    assert not np.array_equal(young, carer)


def test_the_encoder_only_adds_the_audiences_own_themes(shipped: ThemeEncoder):
    eager = replace(shipped, add_from=np.zeros(len(shipped.themes)))
    young = ThemeTagger(default_tagger().lexicon, default_tagger().model, encoder=eager)
    carers = ThemeTagger(
        default_tagger("carers").lexicon, default_tagger("carers").model, encoder=eager
    )
    assert set(young.tag("i like it here")) == set(YOUNG_PEOPLE_THEME_IDS)
    assert set(carers.tag("all fine thanks")) == set(CARER_THEME_IDS)


@pytest.mark.parametrize("text", ["", "   ", "!!! ???", "123 456", "😀😀"])
def test_a_comment_without_letters_is_not_read(shipped: ThemeEncoder, text: str):
    eager = replace(shipped, add_from=np.zeros(len(shipped.themes)))
    tagger = ThemeTagger(default_tagger().lexicon, default_tagger().model, encoder=eager)
    assert tagger.tag(text) == []
    assert tagger.why(text) == []


def test_a_veto_drops_what_the_others_found_and_why_says_so(shipped: ThemeEncoder):
    text = "i miss my mum and my little brother"
    without = default_tagger(with_encoder=False)
    assert "family_time" in without.tag(text)
    strict = replace(
        shipped, veto_below=1.0, add_from=np.full(len(shipped.themes), 1.01)
    )  # vetoes everything, adds nothing
    tagger = ThemeTagger(without.lexicon, without.model, encoder=strict)
    assert tagger.tag(text) == []
    reasons = {r.theme: r for r in tagger.why(text)}
    assert reasons["family_time"].tagged is False
    assert reasons["family_time"].by == "encoder veto"
    assert reasons["family_time"].threshold == 1.0
    assert reasons["family_time"].encoder_score is not None
    assert "mum" in reasons["family_time"].words


def test_an_addition_says_it_came_from_the_encoder(shipped: ThemeEncoder):
    text = "we go to the park on sundays"
    without = default_tagger(with_encoder=False)
    assert "home_and_belonging" not in without.tag(text)
    bars = np.full(len(shipped.themes), 1.01)
    bars[shipped.themes.index("home_and_belonging")] = 0.0
    adding = replace(shipped, veto_below=0.0, add_from=bars)
    tagger = ThemeTagger(without.lexicon, without.model, encoder=adding)
    assert "home_and_belonging" in tagger.tag(text)
    reason = {r.theme: r for r in tagger.why(text)}["home_and_belonging"]
    assert reason.tagged and reason.by == "encoder" and reason.threshold == 0.0
    assert reason.words == () and reason.encoder_score is not None


def test_why_agrees_with_tag_on_the_shipped_tagger():
    for audience, texts in (("young_people", COMMENTS), ("carers", CARER_COMMENTS)):
        tagger = default_tagger(audience, with_encoder=True)  # type: ignore[arg-type]
        for text in texts:
            assert {r.theme for r in tagger.why(text) if r.tagged} == set(tagger.tag(text)), text


def test_what_the_lexicon_missed_in_the_issue_the_encoder_reads():
    """Issue 17's own examples of what the lexicon missed: not knowing how long they can
    stay (stability), carers like real family (home and belonging), a mental-health
    wait (health); and a carer's out-of-hours line (support from the council)."""
    young = default_tagger(with_encoder=True)
    assert "stability" in young.tag(COMMENTS[0])
    assert "home_and_belonging" in young.tag(COMMENTS[1])
    assert "health" in young.tag(COMMENTS[2])
    carers = default_tagger("carers", with_encoder=True)
    assert "support_from_council" in carers.tag(CARER_COMMENTS[0])


def _tagger_with(monkeypatch: pytest.MonkeyPatch, path: Path | None) -> ThemeTagger:
    monkeypatch.setattr(encoder_module, "shipped_encoder_path", lambda: path)
    encoder_module.shipped_encoder.cache_clear()
    tagger_module.default_tagger.cache_clear()
    return default_tagger(with_encoder=True)


@pytest.fixture
def fresh_caches():
    yield
    encoder_module.shipped_encoder.cache_clear()
    tagger_module.default_tagger.cache_clear()


def test_a_changed_onnx_file_is_refused_and_tagging_goes_on(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    fresh_caches: None,
):
    path = _copy_shipped(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    onnx = tmp_path / data["onnx"]["file"]
    onnx.write_bytes(onnx.read_bytes()[:-1] + b"\0")
    with pytest.raises(EncoderUnavailable, match="sha256 differs"):
        ThemeEncoder.load(path)
    with caplog.at_level(logging.ERROR):
        tagger = _tagger_with(monkeypatch, path)
    assert tagger.encoder is None
    assert "the theme encoder could not be loaded" in caplog.text
    assert tagger.tag("my sw never turns up and i miss my m8s") == [
        "friendship",
        "trusted_adults",
    ]


def test_a_missing_onnx_file_is_named(tmp_path: Path):
    path = _copy_shipped(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    (tmp_path / data["onnx"]["file"]).unlink()
    with pytest.raises(EncoderUnavailable, match=f"{data['onnx']['file']} is missing"):
        ThemeEncoder.load(path)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.update(format="something/2"), "not a heard-themes-encoder/1 file"),
        (lambda d: d["add_from"].update(unicorns=0.5), "unknown themes"),
    ],
)
def test_a_malformed_description_is_refused(tmp_path: Path, change, message: str):
    path = _copy_shipped(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(EncoderUnavailable, match=message):
        ThemeEncoder.load(path)


def test_an_encoder_reads_comments_the_way_it_learned_them(shipped: ThemeEncoder):
    """The shipped encoder learned plain words (the spellings table applied), so the
    tagger hands it "i miss my mates" for "i miss my m8sss": learned as written, a word
    seen once in training was memorised with that comment's themes."""
    assert shipped.reads == "plain words"
    plain = default_tagger(with_encoder=False)
    text = "i miss my m8sss, skool is boring without them"
    tagger = default_tagger(with_encoder=True)
    read = tagger.as_encoder_reads(text)
    assert read == "i miss my mates , school is boring without them" == plain.plain_words(text)
    scores = shipped.scores([read], "young_people")[0]
    kept, added = shipped.decide(scores, set(plain.tag(text)), YOUNG_PEOPLE_THEME_IDS)
    assert set(tagger.tag(text)) == kept | added
    reasons = {r.theme: r.encoder_score for r in tagger.why(text)}
    column = shipped.themes.index("friendship")
    assert reasons["friendship"] == pytest.approx(float(scores[column]), abs=1e-3)
    as_written = ThemeTagger(
        plain.lexicon, plain.model, encoder=replace(shipped, reads="as written")
    )
    assert as_written.as_encoder_reads(text) == text
    assert plain.as_encoder_reads(text) == text  # no encoder: nothing is read for it


def test_kept_weights_export_as_they_were_trained():
    """Weights kept after training on plain words, exported later with --weights, still
    say so in their description, so Heard hands them plain words (the script needs
    PyTorch only to train or export, not for this)."""
    script = benchmark_script("train_theme_encoder")
    for learned in ({"plain_words": True}, {}):
        kept = json.loads(json.dumps(script.kept_record(803, learned)))
        facts = script.recorded(kept)
        assert facts["seconds_on_2_cores"] == 803
        assert facts.get("plain_words", False) == bool(learned)
        reads = script.description(facts, "x.onnx", 0.1, np.full(len(THEME_IDS), 0.5), 0.8)
        assert reads["reads"] == ("plain words" if learned else "as written")
    assert script.recorded({"seconds": 5}) == {"seconds_on_2_cores": 5}  # kept before 2026.12-3


def test_what_an_encoder_reads_is_checked(tmp_path: Path):
    path = _copy_shipped(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["reads"] = "emoji"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(EncoderUnavailable, match="reads 'emoji', not one of"):
        ThemeEncoder.load(path)
    del data["reads"]  # a description from before 2026.12-3 read comments as written
    path.write_text(json.dumps(data), encoding="utf-8")
    assert ThemeEncoder.load(path).reads == "as written"


def test_no_encoder_file_means_no_encoder(monkeypatch: pytest.MonkeyPatch, fresh_caches: None):
    assert _tagger_with(monkeypatch, None).encoder is None


def test_a_huge_comment_is_read_up_to_the_models_length(shipped: ThemeEncoder):
    huge = "my carers are kind and i feel at home here " * 400
    scores = shipped.scores([huge], "young_people")
    assert scores.shape == (1, len(THEME_IDS)) and np.isfinite(scores).all()
    assert default_tagger(with_encoder=True).tag(huge)  # tagged, not an error
