"""Leave each training set out, as `train_safeguarding_model.py --loso` does, with the
sentence vector from all-MiniLM-L6-v2 in place of wordllama's (NOTE.md).

    ENC=all-minilm-l6-v2-int8 W=1.0 python run_loso.py    # or ENC=wordllama-l2-supercat-256
    HELD=train-homes python run_loso.py                   # fewer sets left out (comma-separated)
"""

import os
import sys
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
for folder in (ROOT, ROOT / "benchmarks", HERE):
    sys.path.insert(0, str(folder))

import train_safeguarding_model as train  # noqa: E402
import transformer_encoder  # noqa: E402

transformer_encoder.install()
name = os.environ.get("ENC", transformer_encoder.NAME)
weight = float(os.environ.get("W", "1.0"))
print(name, weight)
held = os.environ["HELD"].split(",") if os.environ.get("HELD") else train.UNTUNED
settings = replace(train.SETTINGS, encoder=name, dense_weight=weight)
print(train.leave_one_set_out(settings, held))
