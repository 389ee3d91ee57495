# ruff: noqa: E501 - scratch experiment kept as run (../README.md)
"""Export the fine-tuned theme network (encoder + mean pooling + head + sigmoid) to ONNX and
dynamic-quantise it (scratch).

    OMP_NUM_THREADS=1 venv/bin/python onnx/export.py [--variants qint8,quint8,qint8_pc]

Writes onnx/themes_fp32.onnx and onnx/themes_int8.onnx (QInt8, per-tensor) and, when asked,
onnx/themes_int8_<variant>.onnx for the other quantisation settings.
"""

import argparse
import sys
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import ft as F  # noqa: E402


class Scores(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, input_ids, attention_mask):
        return torch.sigmoid(self.net(input_ids, attention_mask))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--variants", default="qint8")
    args = ap.parse_args()
    torch.set_num_threads(1)
    themes, _ = F.load()
    net = F.Net(F.model_dir(), len(themes))
    net.load_state_dict(torch.load(HERE.parent / "out" / "unlearned.pt"))
    net.eval()
    model = Scores(net).eval()
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(F.model_dir()) / "tokenizer.json"))
    encs = tok.encode_batch(
        [
            "young person: I like my room",
            "foster carer: the social worker never rings back and I feel alone",
        ]
    )
    n = max(len(e.ids) for e in encs)
    ids = torch.tensor([e.ids + [0] * (n - len(e.ids)) for e in encs])
    mask = torch.tensor([[1] * len(e.ids) + [0] * (n - len(e.ids)) for e in encs])
    fp32 = HERE / "themes_fp32.onnx"
    with torch.no_grad():
        torch.onnx.export(
            model,
            (ids, mask),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["scores"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "seq"},
                "attention_mask": {0: "batch", 1: "seq"},
                "scores": {0: "batch"},
            },
            opset_version=17,
            do_constant_folding=True,
            dynamo=False,
        )
    import onnx

    onnx.checker.check_model(str(fp32))
    from onnxruntime.quantization import QuantType, quantize_dynamic

    settings = {
        "qint8": ("themes_int8.onnx", QuantType.QInt8, False),
        "quint8": ("themes_int8_quint8.onnx", QuantType.QUInt8, False),
        "qint8_pc": ("themes_int8_qint8_pc.onnx", QuantType.QInt8, True),
        "quint8_pc": ("themes_int8_quint8_pc.onnx", QuantType.QUInt8, True),
    }
    for v in args.variants.split(","):
        name, wt, pc = settings[v]
        quantize_dynamic(str(fp32), str(HERE / name), weight_type=wt, per_channel=pc)
    for p in sorted(HERE.glob("*.onnx")):
        print(f"{p.name}: {p.stat().st_size / 1e6:.1f} MB")
    print(
        f"out/unlearned.pt (torch state dict): {(HERE.parent / 'out' / 'unlearned.pt').stat().st_size / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
