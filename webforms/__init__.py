"""Heard: webforms."""
