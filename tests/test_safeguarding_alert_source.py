"""An alert records what raised it: the lexicon rules and/or the model, with versions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.safeguarding import detect
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import SafeguardingAlert
from surveys.safeguarding_seam import FreeTextContext, check_free_text


def test_check_free_text_stores_what_fired(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    context = FreeTextContext("p1", "web", "child_in_care", "11-15")
    text = "my foster carer hits me"
    with Session(engine) as session, session.begin():
        outcome = check_free_text(session, text, context)
        assert outcome is not None and outcome.urgent
        assert check_free_text(session, "the wifi here is rubbish", context) is None
    with Session(engine) as session:
        alert = session.scalars(select(SafeguardingAlert)).one()
        expected = detect(text)
        assert expected is not None
        assert alert.detected_by == expected.detected_by
        assert alert.detected_by and alert.detected_by.startswith(
            f"lexicon {expected.lexicon_version}: "
        )
        assert "allegation_about_carer." in alert.detected_by
    engine.dispose()
