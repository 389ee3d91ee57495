"""Heard: localoffer."""
