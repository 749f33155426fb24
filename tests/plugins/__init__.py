"""Fixtures shared by several test packages, as pytest plugins registered once in
tests/conftest.py (`pytest_plugins`): a test names them as arguments and imports nothing."""
