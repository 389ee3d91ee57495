"""Recording the survey catalogue's versions in the database.

Answers point at a stored version, so a definition edited after responses
exist becomes a new version rather than rewriting what children answered.
"""

from __future__ import annotations

from heard.wiring import Database
from storage.db import transaction
from surveys.definition import Survey, load_catalogue
from surveys.versions import record_version


def sync_catalogue(database: Database, catalogue: dict[str, Survey] | None = None) -> int:
    """Store each survey's current version; returns how many surveys are recorded."""
    surveys = catalogue if catalogue is not None else load_catalogue()
    with transaction(database.sessions) as session:
        for survey in surveys.values():
            record_version(session, survey)
    return len(surveys)
