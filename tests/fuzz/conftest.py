"""Fixtures of the upload fuzz tests: an isolated store, an uploader, a tally of the answers, and
the audit that every fuzz test ends with (nothing stored that no row points to, and the reverse)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fuzz.harness import FUZZ_UPLOAD_MAX_BYTES, TALLY, Tally, assert_store_consistent


@pytest.fixture
def tally() -> Tally:
    return TALLY


@pytest.fixture(autouse=True)
def _fuzz_store(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.GRAPH_UPLOAD_MAX_BYTES = FUZZ_UPLOAD_MAX_BYTES
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Rate limits count requests in the default cache (DRF throttles do); a cache that remembers
    # nothing throttles no one, so a thousand uploads a minute are all answered on their merits.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.fixture
def audited(db) -> Iterator[None]:
    """Runs the storage audit after the test body, inside its transaction."""
    yield
    assert_store_consistent()


def pytest_terminal_summary(terminalreporter) -> None:
    """The answers of every fuzz test of the run, by endpoint, kind of damage and status."""
    if TALLY.total():
        terminalreporter.section("upload fuzzing: answers by status code")
        terminalreporter.write_line(f"{TALLY.total()} requests, {TALLY.server_errors()} 5xx")
        terminalreporter.write_line(TALLY.summary())
