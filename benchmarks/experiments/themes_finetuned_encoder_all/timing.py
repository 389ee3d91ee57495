# ruff: noqa: E501 - scratch experiment kept as run (README.md)
"""ms per comment for the fine-tuned theme model, torch fp32, one thread, one comment at a time.

    OMP_NUM_THREADS=1 venv/bin/python timing.py [--n 200] > timing.txt

Comments: the first N calibration comments (training pool; texts only). Tokenisation is
included in the timed call (as a deployed tagger would pay it). 10 warm-up calls first.
"""

import argparse
import statistics
import time
from pathlib import Path

import ft as F
import numpy as np
import torch

HERE = Path(__file__).resolve().parent


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    args = ap.parse_args()
    torch.set_num_threads(1)
    from transformers import AutoTokenizer

    themes, rows = F.load()
    z = np.load(HERE / "out" / "unlearned.npz")
    texts = [F.text_of(rows[i]) for i in z["calib_idx"]][: args.n]
    tok = AutoTokenizer.from_pretrained(F.model_dir())
    net = F.Net(F.model_dir(), len(themes))
    net.load_state_dict(torch.load(HERE / "out" / "unlearned.pt"))
    net.eval()

    @torch.inference_mode()
    def one(text):
        enc = tok([text], truncation=True, max_length=128, return_tensors="pt")
        return torch.sigmoid(net(enc["input_ids"], enc["attention_mask"])).numpy()

    for t in texts[:10]:
        one(t)
    times = []
    for t in texts:
        s = time.perf_counter()
        one(t)
        times.append((time.perf_counter() - s) * 1000)
    times.sort()
    import os

    print(
        f"comments: {len(texts)}, mean {np.mean([len(t) for t in texts]):.0f} chars; "
        f"torch {torch.__version__}, threads {torch.get_num_threads()}, load avg {os.getloadavg()[0]:.2f}"
    )
    print(
        f"torch fp32: mean {statistics.mean(times):.1f} ms, p50 {times[len(times) // 2]:.1f}, "
        f"p95 {times[int(0.95 * len(times))]:.1f}"
    )
    print(f"state dict {(HERE / 'out' / 'unlearned.pt').stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
