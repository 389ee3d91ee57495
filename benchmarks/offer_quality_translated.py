"""How well questions typed in Arabic and Pashto find the right local-offer entry.

    .venv/bin/python benchmarks/offer_quality_translated.py [--set dev|test] [--misses]

Reads tests/data/offer/questions_ar_ps.yaml (written before the search was built; split
once into dev and test, seeded). Tune on dev only; run test once for the report
(benchmarks/README.md, "Questions in Arabic and Pashto").

  top-1       the first answer is one the question expects
  top-3       one expected entry is among the first three
  sure+right  confident, and the first answer is expected
  sure+wrong  confident, and the first answer is not expected (the costly mistake)
  off-topic   off-topic questions that got "I'm not sure" (must be 100%)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from localoffer.catalogue import load_offer  # noqa: E402
from localoffer.search import OfferSearch  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "offer" / "questions_ar_ps.yaml"


def load(which: str) -> list[dict]:
    questions = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]
    return [q for q in questions if which == "all" or q["set"] == which]


def evaluate(search: OfferSearch, questions: list[dict], misses: bool = False) -> dict:
    table: dict[str, dict[str, float]] = {}
    for language in ("ar", "ps"):
        mine = [q for q in questions if q["lang"] == language]
        on = [q for q in mine if q["expect"] != ["none"]]
        off = [q for q in mine if q["expect"] == ["none"]]
        top1 = top3 = sure_right = sure_wrong = 0
        for q in on:
            answer = search.ask(q["q"])
            ids = answer.answer_ids
            hit1 = bool(ids) and ids[0] in q["expect"]
            hit3 = any(i in q["expect"] for i in ids[:3])
            top1 += hit1
            top3 += hit3
            sure_right += answer.confident and hit1
            sure_wrong += answer.confident and not hit1
            if misses and not (hit1 and answer.confident):
                print(
                    f"  {q['id']} {'sure' if answer.confident else 'not sure'} "
                    f"{q['q']} -> {ids[:3]} expect {q['expect']} read {answer.understood}"
                )
        rejected = 0
        for q in off:
            answer = search.ask(q["q"])
            rejected += not answer.confident
            if misses and answer.confident:
                print(f"  {q['id']} OFF-TOPIC SURE {q['q']} -> {answer.answer_ids[:1]}")
        n = max(1, len(on))
        table[language] = {
            "questions": len(on),
            "top1": top1 / n,
            "top3": top3 / n,
            "sure_right": sure_right / n,
            "sure_wrong": sure_wrong / n,
            "off_topic": len(off),
            "off_topic_rejected": rejected / max(1, len(off)),
        }
    return table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", default="dev", choices=("dev", "test", "all"))
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    search = OfferSearch(load_offer())
    table = evaluate(search, load(args.set), args.misses)
    print(f"set: {args.set}")
    for language, row in table.items():
        print(
            f"{language}: {row['questions']} questions  top-1 {row['top1']:.2f}  "
            f"top-3 {row['top3']:.2f}  sure+right {row['sure_right']:.2f}  "
            f"sure+wrong {row['sure_wrong']:.2f}  off-topic rejected "
            f"{row['off_topic_rejected']:.0%} of {row['off_topic']}"
        )


if __name__ == "__main__":
    main()
