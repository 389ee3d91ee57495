"""Outbound safeguarding notices: telling a person that an alert needs them.

A service, like `surveys`: it reads and claims alerts through `storage`, and sends by
email (`email.py`) and Telegram (`telegram.py`) along the council's routes
(`routes.py`, from a YAML file). One sweep (`sweep.py`), run by the scheduler's
leader, sends every notice and escalation exactly once. Channels never call it: the
web app and the bot raise alerts, and this package tells people about them. A notice
never carries the child's words: only the category in words, the level, the route,
the alert's number, the time and a link to the alert page (`wording.py`).
"""
