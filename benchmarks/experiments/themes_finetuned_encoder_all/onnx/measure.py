# ruff: noqa: B905, E501, SIM115 - scratch experiment kept as run (../README.md)
"""Agreement and 1-thread speed of the ONNX fp32 / dynamic-int8 theme models (scratch).

    OMP_NUM_THREADS=1 venv/bin/python onnx/measure.py agree [--models int8,fp32,...]
    OMP_NUM_THREADS=1 venv/bin/python onnx/measure.py speed [--models int8,fp32] [--rounds 2] [--torch]

agree: scores for all calibration + unlearned comments (batches of 64 sorted by length, as
ft.predict), compared with out/unlearned.npz (torch fp32); tags at t=0.16 (eval.txt model_t);
unlearned pooled micro P/R/F1 with evaluate.prf. Saves onnx/scores_<model>.npz in the
npz layout evaluate.py reads.
speed: the 1,572 unlearned comments, tokenising included (tokenizers fast tokenizer from the
model folder); (a) one at a time: mean/p50/p95 ms after 10 warm-up calls; (b) batches of 32
sorted by char length, dynamic padding: comments/s. Load average printed around each run.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
import evaluate as E  # noqa: E402
import ft as F  # noqa: E402

T = 0.16  # eval.txt: model_t=0.16
FILES = {
    "fp32": "themes_fp32.onnx",
    "int8": "themes_int8.onnx",
    "quint8": "themes_int8_quint8.onnx",
    "qint8_pc": "themes_int8_qint8_pc.onnx",
    "quint8_pc": "themes_int8_quint8_pc.onnx",
}


def tokenizer():
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(F.model_dir()) / "tokenizer.json"))
    tok.enable_truncation(max_length=128)
    tok.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the batch's longest
    return tok


def session(name):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(HERE / FILES[name]), so, providers=["CPUExecutionProvider"])


def runner(sess, tok):
    def run(texts):
        encs = tok.encode_batch(texts) if len(texts) > 1 else [tok.encode(texts[0])]
        ids = np.array([e.ids for e in encs], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
        return sess.run(None, {"input_ids": ids, "attention_mask": mask})[0]

    return run


def torch_runner(tok):
    import torch

    torch.set_num_threads(1)
    themes, _ = F.load()
    net = F.Net(F.model_dir(), len(themes))
    net.load_state_dict(torch.load(ROOT / "out" / "unlearned.pt"))
    net.eval()

    @torch.inference_mode()
    def run(texts):
        encs = tok.encode_batch(texts) if len(texts) > 1 else [tok.encode(texts[0])]
        ids = torch.tensor([e.ids for e in encs])
        mask = torch.tensor([e.attention_mask for e in encs])
        return torch.sigmoid(net(ids, mask)).numpy()

    return run


def predict(run, texts, idx, size):
    out = np.zeros((len(texts), 0), dtype=np.float32)
    idx = sorted(idx, key=lambda k: len(texts[k]))
    res = {}
    for i in range(0, len(idx), size):
        g = idx[i : i + size]
        for k, row in zip(g, run([texts[k] for k in g])):
            res[k] = row
    del out
    return res


def agree(models):
    data = json.load(open(ROOT / "data.json"))
    themes, rows = data["themes"], data["rows"]
    col = {t: n for n, t in enumerate(themes)}
    n, k = len(rows), len(themes)
    Y, M = np.zeros((n, k)), np.zeros((n, k))
    for i, r in enumerate(rows):
        for t in r["themes"]:
            Y[i, col[t]] = 1
        for t in r["could"]:
            M[i, col[t]] = 1
    z = dict(np.load(ROOT / "out" / "unlearned.npz"))
    ci, hi = z["calib_idx"], z["held_idx"]
    texts = [F.text_of(r) for r in rows]
    tok = tokenizer()
    # tokenizer check against the transformers tokenizer ft.py used
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(F.model_dir())
    allidx = [*ci, *hi]
    bad = sum(
        hf(texts[i], truncation=True, max_length=128)["input_ids"] != tok.encode(texts[i]).ids
        for i in allidx
    )
    print(
        f"tokeniser check: {bad} of {len(allidx)} comments tokenise differently from AutoTokenizer"
    )
    Sref = np.concatenate([z["calib"], z["held"]])
    Mall = np.concatenate([M[ci], M[hi]])
    p, r, f, *_ = E.prf((z["held"] >= T).astype(float), Y[hi], M[hi])
    print(
        f"torch fp32 (out/unlearned.npz): unlearned pooled P/R/F1 at t={T}: {p:.3f} / {r:.3f} / {f:.3f}"
    )
    for name in models:
        run = runner(session(name), tok)
        t0 = time.perf_counter()
        res = predict(run, texts, allidx, 64)
        S = np.stack([res[i] for i in allidx]).astype(np.float32)
        secs = time.perf_counter() - t0
        np.savez(
            HERE / f"scores_{name}.npz",
            calib_idx=ci,
            held_idx=hi,
            calib=S[: len(ci)],
            held=S[len(ci) :],
        )
        d = np.abs(S - Sref)
        dm = d[Mall > 0]
        tags_ref, tags = Sref >= T, S >= T
        diff_all = int((tags_ref != tags).sum())
        diff_read = int(((tags_ref != tags) & (Mall > 0)).sum())
        diff_cm = int(((tags_ref != tags) & (Mall > 0)).any(1).sum())
        Sh = S[len(ci) :]
        p, r, f, tp, fp, fn = E.prf((Sh >= T).astype(float), Y[hi], M[hi])
        print(
            f"\n[{name}] {FILES[name]}  ({len(allidx)} comments = {len(ci)} calibration + {len(hi)} unlearned; {secs:.0f}s)"
        )
        print(
            f"  |score - torch|: all 25 themes max {d.max():.2e} mean {d.mean():.2e}; "
            f"read-out (audience) themes max {dm.max():.2e} mean {dm.mean():.2e}"
        )
        print(
            f"  tags at t={T} differing from torch: {diff_read} of {int(Mall.sum())} read-out (comment, theme) pairs "
            f"in {diff_cm} comments ({diff_all} of {Mall.size} over all 25 themes)"
        )
        print(
            f"  unlearned pooled P/R/F1 at t={T}: {p:.3f} / {r:.3f} / {f:.3f}  (tp {tp:.0f} fp {fp:.0f} fn {fn:.0f})"
        )


def speed(models, rounds, with_torch):
    data = json.load(open(ROOT / "data.json"))
    rows = data["rows"]
    z = np.load(ROOT / "out" / "unlearned.npz")
    texts = [F.text_of(rows[i]) for i in z["held_idx"]]
    tok = tokenizer()
    import onnxruntime as ort

    print(
        f"{len(texts)} unlearned comments, mean {np.mean([len(t) for t in texts]):.0f} chars; "
        f"onnxruntime {ort.__version__}, 1 thread; OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}"
    )
    runs = {m: runner(session(m), tok) for m in models}
    if with_torch:
        runs["torch-fp32"] = torch_runner(tok)
    results = {}
    for rd in range(rounds):
        for name, run in runs.items():
            la0 = os.getloadavg()[0]
            for t in texts[:10]:
                run([t])
            times = []
            for t in texts:
                s = time.perf_counter()
                run([t])
                times.append((time.perf_counter() - s) * 1000)
            times.sort()
            order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
            run([texts[k] for k in order[:32]])  # warm-up
            s = time.perf_counter()
            for i in range(0, len(order), 32):
                run([texts[k] for k in order[i : i + 32]])
            bsecs = time.perf_counter() - s
            la1 = os.getloadavg()[0]
            r = dict(
                mean=statistics.mean(times),
                p50=times[len(times) // 2],
                p95=times[int(0.95 * len(times))],
                cps=len(texts) / bsecs,
                la=(la0, la1),
            )
            results.setdefault(name, []).append(r)
            print(
                f"round {rd + 1} {name:<10} single: mean {r['mean']:.2f} ms p50 {r['p50']:.2f} p95 {r['p95']:.2f} | "
                f"batch32: {r['cps']:.0f} comments/s ({bsecs:.1f}s) | load avg {la0:.2f} -> {la1:.2f}",
                flush=True,
            )
    print("\nmedian over rounds")
    for name, rs in results.items():
        med = {k: statistics.median(x[k] for x in rs) for k in ("mean", "p50", "p95", "cps")}
        print(
            f"  {name:<10} single mean {med['mean']:.2f} p50 {med['p50']:.2f} p95 {med['p95']:.2f} ms | batch32 {med['cps']:.0f}/s"
        )
    for q in [m for m in results if m != "fp32"]:
        if "fp32" not in results:
            break
        for key in ("mean", "p50", "p95", "cps"):
            per = [a[key] / b[key] for a, b in zip(results[q], results["fp32"])]
            print(
                f"  {q}/fp32 {key}: per round "
                + ", ".join(f"{x:.2f}" for x in per)
                + f"; median {statistics.median(per):.2f}"
            )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=("agree", "speed"))
    ap.add_argument("--models", default="int8,fp32")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--torch", action="store_true")
    args = ap.parse_args()
    models = args.models.split(",")
    if args.what == "agree":
        agree(models)
    else:
        speed(models, args.rounds, args.torch)


if __name__ == "__main__":
    main()
