"""The themes' third opinion: a small sentence encoder fine-tuned on labelled comments.

The lexicon finds the words it lists and the linear model (model.py) the n-grams it has
seen; neither reads a comment it has never met the way a person would ("they treat me
like one of their own" is home and belonging, "nobody asks what I think" being heard).
all-MiniLM-L6-v2 (Apache-2.0), fine-tuned with one multi-label head over every theme on
the labelled comments we may tune on (benchmarks/train_theme_encoder.py), does: with its
bars chosen on two sets no tagger learned and judged on two others, micro F1 rose from
about 0.73 to 0.83-0.84 (2026.12-2 and 2026.12-3, benchmarks/experiments/
themes_encoder_bars/results.txt and judged_2026.12-3.txt). Since 2026.12-3 it learns
and reads plain words (the tagger hands it the comment with the spellings table
applied), so a text-speak word seen once in training is not memorised.

It ships as int8 ONNX (23 MB) beside a JSON file of its two bars, read with onnxruntime
and the `tokenizers` package, never downloaded. The rule, bars chosen on the unlearned
sets:

- a theme the lexicon and linear model tagged is kept unless the encoder's score for it
  is under `veto_below` (a word mentioned in passing: "my mate from school came round");
- a theme is added when the encoder's score reaches its `add_from` bar (one bar for
  every theme since 2026.12-2; 1.01 = never), whatever the lexicon found.

A comment with no letters is left alone: the encoder would read only the audience prefix.
If onnxruntime or the files cannot be read, the tagger runs without it (logged).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from analysis.versioned_files import newest_file

log = logging.getLogger(__name__)

ENCODER_DIR = Path(__file__).with_name("model")
ENCODER_GLOB = "themes-encoder-*.json"
FORMAT = "heard-themes-encoder/1"
READS = ("as written", "plain words")  # what the network learned from, so what it reads
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


class EncoderUnavailable(RuntimeError):
    """The encoder's files or onnxruntime cannot be used; the tagger goes on without it."""


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def has_words(text: str) -> bool:
    return _LETTER.search(text) is not None


@dataclass(frozen=True)
class ThemeEncoder:
    """A fine-tuned encoder and the bars its scores are held to."""

    version: str
    themes: tuple[str, ...]
    prefix: dict[str, str]  # audience -> the words put before the comment in training
    veto_below: float
    add_from: np.ndarray = field(repr=False)  # per theme, in `themes` order
    max_length: int = 128
    trained_on: dict[str, Any] = field(default_factory=dict)
    network_file: str = ""  # the ONNX file read (a new description may keep a network)
    # "plain words": it learned comments as the lexicon reads them (the spellings table
    # applied, "m8s" -> "mates"), so the tagger hands it them that way; "as written": raw.
    reads: str = "as written"
    _session: Any = field(default=None, repr=False, compare=False)
    _tokenizer: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def load(cls, path: str | Path, *, threads: int = 1) -> ThemeEncoder:
        """Read the JSON at `path` and the ONNX and tokenizer files it names (checked
        against the sha256 it records)."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise EncoderUnavailable(f"{path.name}: {error}") from error
        if data.get("format") != FORMAT:
            raise EncoderUnavailable(f"{path.name}: not a {FORMAT} file")
        files = {}
        for key in ("onnx", "tokenizer"):
            found = path.with_name(str(data[key]["file"]))
            if not found.is_file():
                raise EncoderUnavailable(f"{path.name}: {found.name} is missing")
            if _sha256(found) != data[key]["sha256"]:
                raise EncoderUnavailable(
                    f"{path.name}: {found.name} is not the file its bars were chosen for "
                    "(sha256 differs); train and export it again"
                )
            files[key] = found
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as error:
            raise EncoderUnavailable(f"cannot read the theme encoder: {error}") from error
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        session = onnxruntime.InferenceSession(
            str(files["onnx"]), options, providers=["CPUExecutionProvider"]
        )
        themes = tuple(str(t) for t in data["themes"])
        max_length = int(data.get("max_length", 128))
        tokenizer = Tokenizer.from_file(str(files["tokenizer"]))
        tokenizer.enable_truncation(max_length=max_length)
        # The file pads every comment to 128 word pieces; read alone, none is needed
        # (and padding read without its mask would change the scores).
        tokenizer.no_padding()
        add_from = data["add_from"]
        unknown = set(add_from) - set(themes)
        if unknown:
            raise EncoderUnavailable(f"{path.name}: add_from names unknown themes {unknown}")
        reads = str(data.get("reads", "as written"))
        if reads not in READS:
            raise EncoderUnavailable(f"{path.name}: reads {reads!r}, not one of {READS}")
        return cls(
            version=str(data["version"]),
            themes=themes,
            prefix={str(k): str(v) for k, v in data["prefix"].items()},
            veto_below=float(data["veto_below"]),
            add_from=np.asarray([float(add_from.get(t, 1.01)) for t in themes]),
            max_length=max_length,
            trained_on=dict(data.get("trained_on", {})),
            network_file=files["onnx"].name,
            reads=reads,
            _session=session,
            _tokenizer=tokenizer,
        )

    def scores(self, texts: Sequence[str], audience: str) -> np.ndarray:
        """The chance each comment is about each theme (rows in `texts` order, columns in
        `themes` order).

        One comment at a time: the int8 model scales its activations by what is in the
        batch, so in a batch a comment's scores would move (by up to 0.03) with the
        comments beside it, and its themes could depend on what others wrote that day.
        """
        out = np.zeros((len(texts), len(self.themes)), dtype=np.float32)
        prefix = self.prefix[audience]
        for n, text in enumerate(texts):
            encoded = self._tokenizer.encode(prefix + text)
            ids = np.asarray([encoded.ids], dtype=np.int64)
            mask = np.ones_like(ids)
            (found,) = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
            out[n] = found[0]
        return out

    def decide(
        self, scores: np.ndarray, tagged: set[str], themes: Sequence[str]
    ) -> tuple[set[str], set[str]]:
        """(kept, added): which of `tagged` stay, and which of the audience's `themes`
        the encoder adds, given one comment's `scores`."""
        column = {t: n for n, t in enumerate(self.themes)}
        kept = {t for t in tagged if t not in column or scores[column[t]] >= self.veto_below}
        added = {t for t in themes if t in column and scores[column[t]] >= self.add_from[column[t]]}
        return kept, added - tagged

    @property
    def reads_plain_words(self) -> bool:
        return self.reads == "plain words"

    def add_bar(self, theme: str) -> float:
        return float(self.add_from[self.themes.index(theme)])


def shipped_encoder_path() -> Path | None:
    """The newest encoder description in model/ (by version number), or None."""
    return newest_file(ENCODER_DIR, ENCODER_GLOB)


@lru_cache(maxsize=1)
def shipped_encoder() -> ThemeEncoder | None:
    """The shipped encoder, loaded once; None (logged) if it cannot be read."""
    path = shipped_encoder_path()
    if path is None:
        return None
    try:
        return ThemeEncoder.load(path)
    except EncoderUnavailable as error:
        log.error("the theme encoder could not be loaded (%s); tagging without it", error)
        return None
