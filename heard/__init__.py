"""Heard: heard."""
