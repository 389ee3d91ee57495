"""Stand-ins for outside services, run locally inside the tests."""
