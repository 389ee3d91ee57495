# ruff: noqa: E401, E501, I001, SIM115 - scratch experiment kept as run (../README.md)
"""Scores of the frozen candidate's model (out/unlearned.pt) for the test comments (scratch venv)."""

import json, sys
import numpy as np, torch

sys.path.insert(0, "..")
from ft import Net, model_dir, predict, PREFIX
from transformers import AutoTokenizer

torch.set_num_threads(1)
themes = json.load(open("../data.json"))["themes"]
rows = json.load(open("test_rows.json"))
tok = AutoTokenizer.from_pretrained(model_dir())
net = Net(model_dir(), len(themes))
net.load_state_dict(torch.load("../out/unlearned.pt"))
net.eval()
texts = [PREFIX[r["audience"]] + r["text"] for r in rows]
S = predict(net, tok, texts, range(len(texts)))
np.save("test_scores.npy", S)
json.dump(themes, open("themes.json", "w"))
print(S.shape)
