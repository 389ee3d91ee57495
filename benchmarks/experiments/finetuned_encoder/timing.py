# ruff: noqa: E501  (a measured experiment, kept as run; see README.md)
"""Inference cost of the fine-tuned second opinion: torch CPU, ONNX fp32 and int8 (onnxruntime).

    venv/bin/python timing.py [--held train-teens] [--n 300]

One message at a time (as Heard scores a message when it arrives), one thread, on
the first N messages of the dev set (training data; never test). Beside it, the
shipped linear model's `opinion` and the lexicon's `detect` on the same messages.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import ft_loso as F  # noqa: E402
from ft_loso import CLASSES, tsm  # noqa: E402


def clock(fn, texts, repeat=1):
    times = []
    for t in texts:
        start = time.perf_counter()
        for _ in range(repeat):
            fn(t)
        times.append((time.perf_counter() - start) / repeat * 1000)
    times.sort()
    return statistics.mean(times), times[len(times) // 2], times[int(0.95 * len(times))]


class Export(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, ids, mask):
        logits, level = self.net(ids, mask)
        return torch.softmax(logits, -1), torch.sigmoid(level)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--held", default="train-teens")
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    from transformers import AutoTokenizer

    texts = [e.text for e in dict(tsm.training_sets())["dev"]][: args.n]
    tok = AutoTokenizer.from_pretrained(F.model_dir())
    net = F.Net(F.model_dir(), len(CLASSES))
    net.load_state_dict(torch.load(F.OUT / f"{args.held}.pt"))
    net.eval()
    pt = F.OUT / f"{args.held}.pt"
    print(
        f"messages: {len(texts)}, mean {np.mean([len(t) for t in texts]):.0f} characters; "
        f"threads {args.threads}; load {os.getloadavg()[0]:.1f}"
    )
    print(f"torch state dict (fp32): {pt.stat().st_size / 1e6:.1f} MB")

    @torch.no_grad()
    def torch_one(text):
        enc = tok(text, truncation=True, max_length=64, return_tensors="pt")
        return net(enc["input_ids"], enc["attention_mask"])

    torch_one(texts[0])
    m = clock(torch_one, texts)
    print(f"torch fp32         mean {m[0]:.1f} ms  p50 {m[1]:.1f}  p95 {m[2]:.1f}")

    qnet = torch.ao.quantization.quantize_dynamic(net, {torch.nn.Linear}, dtype=torch.qint8)

    @torch.no_grad()
    def torch_q(text):
        enc = tok(text, truncation=True, max_length=64, return_tensors="pt")
        return qnet(enc["input_ids"], enc["attention_mask"])

    try:
        torch_q(texts[0])
        m = clock(torch_q, texts)
        print(f"torch dynamic int8 mean {m[0]:.1f} ms  p50 {m[1]:.1f}  p95 {m[2]:.1f}")
    except Exception as error:  # noqa: BLE001
        print(f"torch int8: {error}")

    onnx_path = F.OUT / f"{args.held}.onnx"
    enc = tok(texts[:2], truncation=True, max_length=64, padding=True, return_tensors="pt")
    torch.onnx.export(
        Export(net),
        (enc["input_ids"], enc["attention_mask"]),
        str(onnx_path),
        input_names=["ids", "mask"],
        output_names=["probs", "urgent"],
        dynamic_axes={"ids": {0: "b", 1: "t"}, "mask": {0: "b", 1: "t"}},
        opset_version=17,
        dynamo=False,
    )
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    q_path = F.OUT / f"{args.held}.int8.onnx"
    quantize_dynamic(str(onnx_path), str(q_path), weight_type=QuantType.QInt8)
    from tokenizers import Tokenizer

    fast = Tokenizer.from_file(str(Path(F.model_dir()) / "tokenizer.json"))
    fast.enable_truncation(64)
    fast.no_padding()
    for label, path in (("onnx fp32", onnx_path), ("onnx int8", q_path)):
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

        def run(text, session=session):
            e = fast.encode(text)
            ids = np.array([e.ids], dtype=np.int64)
            return session.run(None, {"ids": ids, "mask": np.ones_like(ids)})

        run(texts[0])
        m = clock(run, texts)
        print(
            f"{label:<18} mean {m[0]:.1f} ms  p50 {m[1]:.1f}  p95 {m[2]:.1f}  "
            f"file {path.stat().st_size / 1e6:.1f} MB"
        )
    # agreement of int8 with fp32 on P(risky)
    s32 = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    s8 = ort.InferenceSession(str(q_path), providers=["CPUExecutionProvider"])
    diffs = []
    for t in texts:
        e = fast.encode(t)
        ids = np.array([e.ids], dtype=np.int64)
        feed = {"ids": ids, "mask": np.ones_like(ids)}
        diffs.append(abs(s32.run(None, feed)[0][0, 0] - s8.run(None, feed)[0][0, 0]))
    print(f"|P(none) int8 - fp32|: mean {np.mean(diffs):.4f}, max {np.max(diffs):.4f}")

    from analysis.safeguarding.detector import detector
    from analysis.safeguarding.model import shipped_model

    lin = shipped_model()
    lin.opinion(texts[0])
    m = clock(lin.opinion, texts, repeat=5)
    print(f"shipped linear     mean {m[0]:.2f} ms  p50 {m[1]:.2f}  p95 {m[2]:.2f}")
    lexicon = detector()
    m = clock(lexicon.detect, texts, repeat=5)
    print(f"lexicon            mean {m[0]:.2f} ms  p50 {m[1]:.2f}  p95 {m[2]:.2f}")


if __name__ == "__main__":
    main()
