"""Heard: analysis."""
