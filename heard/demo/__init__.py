"""The demo: a realistic synthetic council, built by composing every package."""
