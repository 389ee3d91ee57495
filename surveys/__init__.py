"""Heard: surveys."""
