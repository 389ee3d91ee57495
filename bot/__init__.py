"""Heard: bot."""
