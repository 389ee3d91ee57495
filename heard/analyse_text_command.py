"""`heard analyse-text`: themes, sentiment and safeguarding for comments on stdin."""

from __future__ import annotations

import argparse
import json
import sys

from analysis.safeguarding import detect
from analysis.sentiment import score_sentiment
from analysis.themes import default_tagger


def analyse_line(text: str) -> dict[str, object]:
    sentiment = score_sentiment(text)
    disclosure = detect(text)
    flagged = bool(disclosure and disclosure.flag)
    return {
        "text": text,
        "themes": default_tagger().tag(text),
        "polarity": round(sentiment.polarity, 3),
        "subjectivity": round(sentiment.subjectivity, 3),
        "safeguarding": {
            "flag": flagged,
            "category": disclosure.category if flagged and disclosure else None,
        },
    }


def run_analyse_text(args: argparse.Namespace) -> int:
    for raw in sys.stdin:
        text = raw.rstrip("\n")
        if not text.strip():
            continue
        result = analyse_line(text)
        if args.json:
            print(json.dumps(result, ensure_ascii=False), flush=True)
        else:
            flag = result["safeguarding"]
            marker = f"  [SAFEGUARDING: {flag['category']}]" if flag["flag"] else ""  # type: ignore[index]
            themes = ", ".join(result["themes"]) or "no theme"  # type: ignore[arg-type]
            print(f"{themes} | polarity {result['polarity']:+.2f}{marker} | {text}", flush=True)
    return 0
