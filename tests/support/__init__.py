"""Plain helpers and constants shared by several test packages, imported explicitly.

Fixtures live in tests/plugins/ (registered once by tests/conftest.py) and need no import; helpers
used by one package only stay in that package. No test imports another package's conftest.py or
test modules.
"""
