# ruff: noqa: E501, SIM115, B007 - kept exactly as run (NOTE.md)
"""Inference cost of the fine-tuned theme model: torch fp32, ONNX fp32, ONNX int8 (scratch).

    venv/bin/python timing.py [--out out_b] [--held train-young-voices] [--n 200]

One comment at a time, one thread, on the first N dev comments (never test). Also the
int8 model's largest score difference from fp32 on those comments.
"""

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import ft as F
import numpy as np
import torch

HERE = Path(__file__).resolve().parent


def clock(fn, texts):
    times = []
    for t in texts:
        s = time.perf_counter()
        fn(t)
        times.append((time.perf_counter() - s) * 1000)
    times.sort()
    return statistics.mean(times), times[len(times) // 2], times[int(0.95 * len(times))]


class Export(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, ids, mask):
        return torch.sigmoid(self.net(ids, mask))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="out_b")
    ap.add_argument("--held", default="train-young-voices")
    ap.add_argument("--n", type=int, default=200)
    args = ap.parse_args()
    torch.set_num_threads(1)
    from transformers import AutoTokenizer

    themes, rows = F.load()
    texts = [F.text_of(r) for r in rows if r["set"] == "dev"][: args.n]
    tok = AutoTokenizer.from_pretrained(F.model_dir())
    net = F.Net(F.model_dir(), len(themes))
    pt = HERE / args.out / f"{args.held}.pt"
    net.load_state_dict(torch.load(pt))
    net.eval()
    print(
        f"comments: {len(texts)}, mean {np.mean([len(t) for t in texts]):.0f} chars; 1 thread; "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print(f"torch state dict (fp32): {pt.stat().st_size / 1e6:.1f} MB")

    @torch.no_grad()
    def torch_one(text):
        enc = tok(text, truncation=True, max_length=128, return_tensors="pt")
        return net(enc["input_ids"], enc["attention_mask"])

    torch_one(texts[0])
    m = clock(torch_one, texts)
    print(f"torch fp32   mean {m[0]:.1f} ms  p50 {m[1]:.1f}  p95 {m[2]:.1f}")
    onnx_path = HERE / args.out / f"{args.held}.onnx"
    enc = tok(texts[:2], truncation=True, max_length=128, padding=True, return_tensors="pt")
    torch.onnx.export(
        Export(net),
        (enc["input_ids"], enc["attention_mask"]),
        str(onnx_path),
        input_names=["ids", "mask"],
        output_names=["scores"],
        dynamic_axes={"ids": {0: "b", 1: "t"}, "mask": {0: "b", 1: "t"}},
        opset_version=17,
        dynamo=False,
    )
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from tokenizers import Tokenizer

    q_path = HERE / args.out / f"{args.held}.int8.onnx"
    quantize_dynamic(str(onnx_path), str(q_path), weight_type=QuantType.QInt8)
    fast = Tokenizer.from_file(str(Path(F.model_dir()) / "tokenizer.json"))
    fast.enable_truncation(128)
    fast.no_padding()
    outs = {}
    for label, path in (("onnx fp32", onnx_path), ("onnx int8", q_path)):
        o = ort.SessionOptions()
        o.intra_op_num_threads = 1
        o.inter_op_num_threads = 1
        sess = ort.InferenceSession(str(path), o, providers=["CPUExecutionProvider"])

        def one(text, sess=sess):
            e = fast.encode(text)
            ids = np.array([e.ids], dtype=np.int64)
            mask = np.array([e.attention_mask], dtype=np.int64)
            return sess.run(None, {"ids": ids, "mask": mask})[0][0]

        one(texts[0])
        m = clock(one, texts)
        outs[label] = np.stack([one(t) for t in texts])
        print(
            f"{label:<12} mean {m[0]:.1f} ms  p50 {m[1]:.1f}  p95 {m[2]:.1f}  file {path.stat().st_size / 1e6:.1f} MB"
        )
    d = np.abs(outs["onnx int8"] - outs["onnx fp32"])
    print(f"|score int8 - fp32|: mean {d.mean():.4f}, max {d.max():.4f}")
    lex = json.load(open(HERE / "data.json"))["lexicon_ms_mean"]
    print(f"lexicon (prep.py, all comments, main's venv): mean {lex:.2f} ms")


if __name__ == "__main__":
    main()
