"""Heard: storage."""
