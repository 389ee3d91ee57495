# ruff: noqa: E501  (a measured experiment, kept as run; see README.md)
"""Figures for the fine-tuned second opinion, computed as `train_safeguarding_model.py --loso`
computes them: the live lexicon + `combine()` + `Report.of`/`render_figures`.

    venv/bin/python evaluate.py [train-teens ...]     # default: every out/<held>.npz

Variants (thresholds chosen on the 20% calibration split exactly as train.py chooses
them: false-alarm budget 0.03, veto share 0.05, raise share 0.2):
  ft        fine-tuned MiniLM in place of the shipped model
  beside    the mean of the fine-tuned model's and the shipped design's probabilities
  lin80     control: the shipped design's heads fitted on the same 80%, calibrated
            on the same 20% (isolates the cost of this simpler calibration)
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import ft_loso as F  # noqa: E402  (puts /work/main on sys.path)
from ft_loso import CLASSES, T, tsm  # noqa: E402
from safeguarding_quality import Report, render_figures  # noqa: E402

from analysis.safeguarding.detector import combine, detector, model_alone  # noqa: E402
from analysis.safeguarding.model import MIN_WORDS, Opinion, word_count  # noqa: E402


@dataclass
class ScoredModel:
    """Duck-typed for combine(): only `.opinion(text)` is called on the model."""

    version: str
    scores: dict  # text -> (class probabilities in CLASSES order, P(urgent))
    threshold: float
    veto_below: float
    urgent_from: float
    raise_from: float
    min_words: int = MIN_WORDS

    def opinion(self, text: str) -> Opinion:
        probs, urgent = self.scores[text]
        score = float(1.0 - probs[0])
        category = CLASSES[1 + int(np.argmax(probs[1:]))]
        if word_count(text) < self.min_words:
            return Opinion(score, category, self.version, False, urgent, speaks=False)
        return Opinion(
            score,
            category,
            self.version,
            flagged=score >= self.threshold,
            urgent=float(urgent),
            dismisses=score < self.veto_below,
            grades_urgent=urgent >= self.urgent_from,
            raises=urgent >= self.raise_from,
        )


def calibrate(calib_msgs, probs, urgent):
    risky = 1.0 - probs[:, 0]
    return dict(
        threshold=T.choose_threshold(calib_msgs, risky, tsm.FALSE_ALARM_BUDGET),
        veto_below=T.choose_veto(calib_msgs, risky, tsm.VETO_SHARE),
        urgent_from=T.choose_urgent_from(calib_msgs, urgent),
        raise_from=T.choose_raise_from(calib_msgs, urgent, tsm.RAISE_SHARE),
    )


def ft_score(held: str, texts: list[str]):
    from transformers import AutoTokenizer

    if not texts:
        return np.zeros((0, len(CLASSES))), np.zeros(0)
    net = F.Net(F.model_dir(), len(CLASSES))
    net.load_state_dict(torch.load(F.OUT / f"{held}.pt"))
    tok = AutoTokenizer.from_pretrained(F.model_dir())
    return F.predict(net, tok, texts, list(range(len(texts))))


def fold(held: str, lexicon):
    sets = dict(tsm.training_sets())
    rest = [
        T.TrainingMessage(e.text, e.category, e.level, graded=name != "legacy")
        for name, examples in sets.items()
        if name != held
        for e in examples
    ]
    examples = sets[held]
    train_idx, calib_idx = F.split(rest)
    data = np.load(F.OUT / f"{held}.npz")
    assert list(data["calib_idx"]) == calib_idx
    calib_msgs = [rest[i] for i in calib_idx]
    texts = [e.text for e in examples]
    plains = sorted(
        {p for t in texts if (p := lexicon.without_look_alikes(t)) is not None} - set(texts)
    )
    fp, fu = ft_score(held, plains)
    ft_held_p = np.vstack([data["ft_held_p"], fp])
    ft_held_u = np.concatenate([data["ft_held_u"], fu])
    all_texts = texts + plains
    extra = [T.TrainingMessage(t, "none") for t in all_texts]
    lp, lu = F.linear_scores(
        rest + extra, train_idx, calib_idx + list(range(len(rest), len(rest) + len(extra)))
    )
    k = len(calib_idx)
    variants = {
        "ft": (data["ft_calib_p"], data["ft_calib_u"], ft_held_p, ft_held_u),
        "beside": (
            (data["ft_calib_p"] + lp[:k]) / 2,
            (data["ft_calib_u"] + lu[:k]) / 2,
            (ft_held_p + lp[k:]) / 2,
            (ft_held_u + lu[k:]) / 2,
        ),
        "lin80": (lp[:k], lu[:k], lp[k:], lu[k:]),
    }
    out = {}
    for name, (cp, cu, hp, hu) in variants.items():
        thresholds = calibrate(calib_msgs, cp, cu)
        scores = {t: (hp[i], float(hu[i])) for i, t in enumerate(all_texts)}
        model = ScoredModel(f"ft-{name}", scores, **thresholds)
        found = [combine(lexicon, model, t) for t in texts]
        alone = [model_alone(lexicon, model, t) for t in texts]
        out[name] = (examples, found, alone, thresholds)
        print(f"  {held} {name}: {thresholds}", file=sys.stderr)
    return out


def main(argv):
    held_sets = argv or [h for h in tsm.UNTUNED if (F.OUT / f"{h}.npz").exists()]
    lexicon = detector()
    results = {h: fold(h, lexicon) for h in held_sets}
    for name in ("ft", "beside", "lin80"):
        reports, pooled = [], []
        for h in held_sets:
            examples, found, alone, _ = results[h][name]
            reports.append(Report.of(examples, found, name=f"{h} (combined)"))
            reports.append(Report.of(examples, alone, name=f"{h} (model alone)"))
            pooled += zip(examples, found, strict=True)
        ex, res = zip(*pooled, strict=True)
        reports.append(
            Report.of(
                ex, res, name=f"pooled {'+'.join(s.split('-', 1)[1] for s in held_sets)} (combined)"
            )
        )
        print(f"\n=== variant {name} ===")
        print(render_figures(reports))


if __name__ == "__main__":
    main(sys.argv[1:])
