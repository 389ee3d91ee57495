"""What the statistical second opinions read: hashed word and letter n-grams, and meaning.

Shared by the safeguarding model (analysis/safeguarding/model.py) and the theme model
(analysis/themes/model.py), so that each reads a message exactly as its training script
did, and the 16 MB of word-piece vectors is loaded once however many models use it.

- `features`/`bucket`/`encode`: a message as its distinct n-grams (words, word pairs,
  3-5 letter pieces), hashed with CRC-32 into a fixed number of buckets, unit length;
- `StaticEncoder`/`encoder`: a static sentence embedding (the mean of word-piece
  vectors shipped in the `wordllama` package, read from its files with `tokenizers`
  and `safetensors`, never downloaded); `EncoderUnavailable` when it cannot be read;
- `hashed_matrix`/`design`/`near_duplicate_groups`: the same for training (scipy and
  scikit-learn, needed only by the training scripts).

Scoring needs numpy alone (and `tokenizers`/`safetensors` for the encoder).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

ENCODER = "wordllama-l2-supercat-256"

_APOSTROPHES = re.compile(r"['’‘`´ʼʹ′＇]")
_TOKEN = re.compile(r"[^\W_]+")


def _words(text: str) -> list[str]:
    return _TOKEN.findall(_APOSTROPHES.sub("", unicodedata.normalize("NFKC", text).casefold()))


def _pieces(word: str) -> list[str]:
    """A word's own n-grams: itself and its 3-5 letter pieces (with < and > at the ends)."""
    padded = f"<{word}>"
    found = [f"w {word}"]
    for size in (3, 4, 5):
        found += [f"c {padded[i : i + size]}" for i in range(len(padded) - size + 1)]
    return found


@lru_cache(maxsize=50_000)
def _cached_pieces(word: str, buckets: int) -> dict[str, int]:
    """A word's distinct pieces and their buckets (callers must not change the dict)."""
    return {piece: bucket(piece, buckets) for piece in _pieces(word)}


def features(text: str) -> list[str]:
    """The n-grams the model sees: words, word pairs and 3-5 letter pieces of words.

    Shared by training and scoring, so both read a message the same way. Letter
    pieces make the model forgiving of typos and text-speak ("kil", "wnat").
    """
    words = _words(text)
    found = [f"w {w}" for w in words]
    found += [f"b {a} {b}" for a, b in zip(words, words[1:], strict=False)]
    for word in words:
        found += _pieces(word)[1:]
    return found


def bucket(feature: str, buckets: int) -> int:
    """Where an n-gram's weight lives: CRC-32 is the same on every machine and Python."""
    return zlib.crc32(feature.encode("utf-8", "surrogatepass")) % buckets


def encode(text: str, buckets: int) -> tuple[np.ndarray, float]:
    """The buckets of a message's distinct n-grams and the scale that makes it unit length.

    A message is a binary vector of its distinct n-grams scaled to length 1; training
    (train.py) builds exactly the same vector. The same as hashing `features(text)`,
    with each word's pieces and each n-gram's bucket remembered (comments share most
    of their words), which makes it several times faster.
    """
    words = _words(text)
    present: dict[str, int] = {}
    for word in words:
        present.update(_cached_pieces(word, buckets))
    for a, b in zip(words, words[1:], strict=False):
        pair = f"b {a} {b}"
        present[pair] = bucket(pair, buckets)
    if not present:
        return np.zeros(0, dtype=np.intp), 0.0
    ordered = sorted(present)
    index = np.fromiter((present[f] for f in ordered), dtype=np.intp, count=len(ordered))
    return index, 1.0 / np.sqrt(len(ordered))


class EncoderUnavailable(ValueError):
    """The encoder a model file names is not installed, or not the one it was trained with."""


@dataclass(frozen=True)
class StaticEncoder:
    """A sentence as the mean of its word pieces' vectors, scaled to length 1.

    Static (no network of layers to run), so a message costs a tokenizer call and a
    mean: a few hundred microseconds. `sha256` names the exact weights, so a model is
    never scored with vectors other than those it learned from.
    """

    name: str
    vectors: np.ndarray = field(repr=False)  # word pieces x dims, float32
    tokenizer: Any = field(repr=False)
    sha256: str = ""

    @property
    def dims(self) -> int:
        return int(self.vectors.shape[1])

    def embed(self, text: str) -> np.ndarray:
        # The tokenizer takes only valid UTF-8: a lone surrogate becomes "?".
        text = text.encode("utf-8", "replace").decode("utf-8")
        ids = self.tokenizer.encode(text, add_special_tokens=False).ids
        if not ids:
            return np.zeros(self.dims, dtype=np.float32)
        index = np.clip(np.asarray(ids, dtype=np.intp), 0, len(self.vectors) - 1)
        total = self.vectors[index].sum(axis=0)  # the mean's direction; its length is dropped
        norm = float(np.linalg.norm(total))
        return total / norm if norm > 0 else total

    def embed_many(self, texts: list[str]) -> np.ndarray:
        return np.stack([self.embed(t) for t in texts]) if texts else np.zeros((0, self.dims))


def _wordllama_files() -> tuple[Path, Path]:
    """The weights and tokenizer inside the installed wordllama package.

    Found without importing wordllama (its import configures the root logger and its
    loader would try the Hugging Face hub first): only its files are used.
    """
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise EncoderUnavailable("the wordllama package is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    weights = root / "weights" / "l2_supercat_256.safetensors"
    tokenizer = root / "tokenizers" / "l2_supercat_tokenizer_config.json"
    if not (weights.is_file() and tokenizer.is_file()):
        raise EncoderUnavailable(f"wordllama at {root} lacks its l2_supercat_256 files")
    return weights, tokenizer


@lru_cache(maxsize=1)
def encoder(name: str = ENCODER) -> StaticEncoder:
    """The named encoder, loaded once (16 MB of vectors); EncoderUnavailable if it cannot be."""
    if name != ENCODER:
        raise EncoderUnavailable(f"unknown encoder {name!r}")
    try:
        from safetensors import safe_open
        from tokenizers import Tokenizer
    except ImportError as error:
        raise EncoderUnavailable(f"the encoder needs {error.name}") from error
    weights, tokenizer_file = _wordllama_files()
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    with safe_open(str(weights), framework="np") as tensors:
        vectors = np.ascontiguousarray(tensors.get_tensor("embedding.weight"), dtype=np.float32)
    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return StaticEncoder(name, vectors, tokenizer, digest)


def hashed_matrix(texts: Sequence[str], buckets: int) -> Any:
    """Each message as `encode` reads it (CSR rows): distinct n-grams, hashed, unit length."""
    from scipy.sparse import csr_matrix

    rows, cols, values = [], [], []
    for row, text in enumerate(texts):
        index, scale = encode(text, buckets)
        rows += [row] * len(index)
        cols += index.tolist()
        values += [scale] * len(index)
    # Duplicate (row, bucket) pairs are summed, as scoring sums colliding n-grams.
    return csr_matrix((values, (rows, cols)), shape=(len(texts), buckets))


def design(
    texts: Sequence[str], buckets: int, encoder_name: str | None = None, dense_weight: float = 1.0
) -> Any:
    """Hashed n-grams, then (with an encoder) its unit sentence vector times `dense_weight`."""
    from scipy.sparse import csr_matrix, hstack

    grams = hashed_matrix(texts, buckets)
    if encoder_name is None:
        return grams
    vectors = encoder(encoder_name).embed_many(list(texts)).astype(float)
    return hstack([grams, csr_matrix(dense_weight * vectors)]).tocsr()


def near_duplicate_groups(texts: Sequence[str], similarity: float = 0.6) -> np.ndarray:
    """A group number per message; messages linked by high letter-n-gram cosine share one."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    matrix = vectors.fit_transform([t.casefold() for t in texts])
    pairs = (matrix @ matrix.T).tocoo()
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, value in zip(pairs.row, pairs.col, pairs.data, strict=True):
        if i < j and value >= similarity:
            parent[root(int(i))] = root(int(j))
    return np.array([root(i) for i in range(len(texts))])


def encoder_record(name: str, weight: float) -> dict[str, Any]:
    """How a model file names the encoder it learned from: the loader refuses the file
    if the installed vectors' sha256 differs."""
    found = encoder(name)
    return {"name": found.name, "sha256": found.sha256, "weight": weight, "dims": found.dims}


def write_model_json(content: dict[str, Any], path: Path) -> None:
    """A model file as both second opinions ship theirs: sorted keys, one line, UTF-8."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


# A model's score cuts, chosen among the out-of-fold scores of the training comments.
CUT_KEYS = frozenset({"add_from", "veto_below"})
CUT_TOLERANCE = 0.01


def model_difference(built: object, shipped: object, where: str = "model") -> str | None:
    """Where a retrained model first differs from the shipped file, or None if it does not.

    Equal but for one step of the last stored digit of a float (four significant figures)
    or two of a whole-number weight: the solver's sums can round differently from one
    process to the next (seen in CI), and that is not a change of model. A cut placed at
    one of the training scores (`CUT_KEYS`) may move to a neighbouring score by up to
    `CUT_TOLERANCE`: OpenBLAS's kernels for other processors (OPENBLAS_CORETYPE=Haswell,
    Zen, Sandybridge) moved the themes' add_from by up to 0.0045, as CI's machine did.
    """
    if isinstance(shipped, dict):
        if not isinstance(built, dict) or set(built) != set(shipped):
            return where
        for key in sorted(shipped):
            found = model_difference(built[key], shipped[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(shipped, list):
        if not isinstance(built, list) or len(built) != len(shipped):
            return where
        for index, (one, other) in enumerate(zip(built, shipped, strict=True)):
            found = model_difference(one, other, f"{where}[{index}]")
            if found:
                return found
        return None
    if isinstance(shipped, bool | str) or shipped is None:
        return None if built == shipped else where
    if isinstance(shipped, int):
        same = isinstance(built, int) and not isinstance(built, bool) and abs(built - shipped) <= 2
        return None if same else where
    if isinstance(shipped, float):
        cut = where.rsplit(".", 1)[-1] in CUT_KEYS
        tolerance = CUT_TOLERANCE if cut else 2e-3 * max(1.0, abs(shipped))
        same = isinstance(built, float | int) and abs(built - shipped) <= tolerance
        return None if same else where
    return None if built == shipped else where
