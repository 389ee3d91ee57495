"""`heard analyse-text`: themes, sentiment and safeguarding for comments on stdin;
`heard retag-comments`: the stored comments tagged again after an upgrade."""

from __future__ import annotations

import argparse
import json
import sys

from analysis.safeguarding import detect
from analysis.sentiment import score_sentiment
from analysis.themes import Audience, default_tagger
from heard.settings import Settings


def safeguarding_summary(text: str) -> dict[str, object]:
    """What the detector found and what fired: the lexicon rules and/or the model."""
    disclosure = detect(text)
    if disclosure is None or not disclosure.flag:
        return {"flag": False, "category": None, "level": None}
    return {
        "flag": True,
        "category": disclosure.category,
        "level": disclosure.level,
        "source": disclosure.source,
        "rules": disclosure.rules,
        "model_score": disclosure.model_score,
        "model_version": disclosure.model_version,
        "lexicon_version": disclosure.lexicon_version,
        "detected_by": disclosure.detected_by,
    }


#: `--who` on the command line -> whose theme set tags the comment.
WHO_AUDIENCE: dict[str, Audience] = {"young-person": "young_people", "carer": "carers"}


def analyse_line(
    text: str, who: str = "young-person", *, with_encoder: bool = False
) -> dict[str, object]:
    sentiment = score_sentiment(text)
    return {
        "text": text,
        "who": who,
        "themes": default_tagger(WHO_AUDIENCE[who], with_encoder=with_encoder).tag(text),
        "polarity": round(sentiment.polarity, 3),
        "subjectivity": round(sentiment.subjectivity, 3),
        "safeguarding": safeguarding_summary(text),
    }


def run_analyse_text(args: argparse.Namespace) -> int:
    """Tags as the council's Heard stores comments (HEARD_THEME_ENCODER included)."""
    from heard.settings import theme_encoder_chosen

    with_encoder = theme_encoder_chosen()
    for raw in sys.stdin:
        text = raw.rstrip("\n")
        if not text.strip():
            continue
        result = analyse_line(text, getattr(args, "who", "young-person"), with_encoder=with_encoder)
        if args.json:
            print(json.dumps(result, ensure_ascii=False), flush=True)
        else:
            flag = result["safeguarding"]
            marker = (
                f"  [SAFEGUARDING: {flag['category']}, {flag['level']}; {flag['detected_by']}]"  # type: ignore[index]
                if flag["flag"]  # type: ignore[index]
                else ""
            )
            themes = ", ".join(result["themes"]) or "no theme"  # type: ignore[arg-type]
            print(f"{themes} | polarity {result['polarity']:+.2f}{marker} | {text}", flush=True)
    return 0


def run_retag_comments(settings: Settings) -> int:
    """Every stored comment whose words are still held, tagged again with this version's
    themes and sentiment (docs/operations.md, "Upgrading")."""
    from analysis.annotate import retag_all
    from heard.wiring import open_database

    retagged, changed = retag_all(
        open_database(settings).sessions, with_encoder=settings.theme_encoder
    )
    encoder = "on" if settings.theme_encoder else "off"
    print(
        f"Tagged {retagged:,} comment{'s' if retagged != 1 else ''} again, with the theme "
        f"encoder {encoder} (HEARD_THEME_ENCODER); {changed:,} now have different themes. "
        "Comments whose words were removed after the retention period keep the themes "
        "they had."
    )
    return 0
