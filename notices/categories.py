"""The safeguarding categories in words a member of staff reads at a glance.

Shared by the notices and the staff pages, so an email and the alert page name a
category the same way.
"""

from __future__ import annotations

CATEGORY_WORDS: dict[str, str] = {
    "self_harm_suicide": "Self-harm or suicide",
    "abuse_physical": "Physical abuse",
    "abuse_sexual": "Sexual abuse",
    "abuse_emotional_neglect": "Emotional abuse or neglect",
    "exploitation": "Exploitation",
    "online_harm": "Harm online",
    "substance_misuse": "Drugs or alcohol",
    "missing": "Going missing",
    "domestic_abuse": "Domestic abuse",
    "bullying": "Bullying",
    "unsafe_home": "Not safe at home",
    "homelessness": "Homelessness",
    "allegation_about_carer": "Allegation about a carer",
    "please_read": "A message in another language: please read",
}
LEVEL_WORDS = {"urgent": "Urgent", "concern": "Concern"}


def category_words(category: str) -> str:
    """The category in words; one Heard does not know yet says so rather than its code."""
    return CATEGORY_WORDS.get(category, "Another worry")
