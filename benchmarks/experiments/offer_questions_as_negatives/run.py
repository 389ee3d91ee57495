"""Would the safeguarding model stop raising help for care leavers' offer questions
("how do i get on the pill", "will i still have a pa at 18") if it also learned them
as messages that need nobody, and at what cost to disclosures?

    python benchmarks/experiments/offer_questions_as_negatives/run.py

Learns from the offer questions of dev and the training file only (never test), less
any whose expected answer is a safety entry (help right now, feeling unsafe,
homelessness, emergency money, return home interviews, on your mind, teens in crisis):
those may be disclosures. Prints leave-one-set-out figures with and without them, and
how many offer questions each model alone flags: dev + training (learned, so not a
measure) and test (held out; only the count is printed, never a question).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
for folder in (ROOT, ROOT / "benchmarks"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import train_safeguarding_model as trainer  # noqa: E402
from safeguarding_quality import Report, render_figures  # noqa: E402

from analysis.safeguarding.detector import combine, detector, model_alone  # noqa: E402
from analysis.safeguarding.model import LinearModel  # noqa: E402
from analysis.safeguarding.train import TrainingMessage  # noqa: E402
from storage.datafiles import load_yaml  # noqa: E402

OFFER = ROOT / "tests" / "data" / "offer"
SAFETY = {
    "help-right-now",
    "feeling-unsafe",
    "homelessness-help",
    "emergency-money",
    "return-home-interviews",
    "on-your-mind",
    "teens-in-crisis",
}


def _expected(item: dict) -> set[str]:
    found: set[str] = set()
    for e in item.get("expect") or []:
        found |= set(e) if isinstance(e, list) else {str(e)}
    return found


def offer_questions(part: str) -> list[str]:
    split = load_yaml(OFFER / "split.yaml")["assignments"]
    texts = []
    for name in ("questions.yaml", "train_questions.yaml"):
        for item in load_yaml(OFFER / name)["questions"]:
            in_part = split.get(item["id"], "train") if name == "questions.yaml" else "train"
            if part == "test" and in_part != "test":
                continue
            if part != "test" and in_part == "test":
                continue
            if part != "test" and _expected(item) & SAFETY:
                continue
            texts.append(str(item["q"]))
    return texts


def model_flags(model: LinearModel, texts: list[str]) -> int:
    lexicon = detector()
    return sum(model_alone(lexicon, model, t) is not None for t in texts)


def main() -> None:
    negatives = offer_questions("learn")
    test_questions = offer_questions("test")
    print(
        f"{len(negatives)} offer questions learned as 'none'; {len(test_questions)} test questions"
    )
    sets = dict(trainer.training_sets())
    lexicon = detector()
    for label, extra in (("without", []), ("with offer questions", negatives)):
        reports, pooled = [], []
        for held in trainer.UNTUNED:
            rest = [
                TrainingMessage(e.text, e.category, e.level, graded=name != "legacy")
                for name, examples in sets.items()
                if name != held
                for e in examples
            ] + [TrainingMessage(t, "none", None, graded=True) for t in extra]
            model = LinearModel.from_dict(json.loads(json.dumps(trainer.build(None, rest))))
            found = [combine(lexicon, model, e.text) for e in sets[held]]
            pooled += zip(sets[held], found, strict=True)
        examples, results = zip(*pooled, strict=True)
        reports.append(Report.of(examples, results, name=f"pooled, {label}"))
        everything = [
            TrainingMessage(e.text, e.category, e.level, graded=name != "legacy")
            for name, examples in sets.items()
            for e in examples
        ] + [TrainingMessage(t, "none", None, graded=True) for t in extra]
        full = LinearModel.from_dict(json.loads(json.dumps(trainer.build(None, everything))))
        print(render_figures(reports))
        print(
            f"  {label}: the model alone flags {model_flags(full, offer_questions('learn'))}"
            f" of the learnable offer questions and {model_flags(full, test_questions)}"
            f" of {len(test_questions)} test offer questions"
        )


if __name__ == "__main__":
    main()
