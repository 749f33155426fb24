"""Fixtures of the upload fuzz tests: an isolated store, an uploader, a tally of the answers, and
the audit that every fuzz test ends with (nothing stored that no row points to, and the reverse)."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from graphs.services.audit import audit_storage

# Smaller than production's 100 MB so huge strings and gzip bombs cross it cheaply.
FUZZ_UPLOAD_MAX_BYTES = 512 * 1024
# FUZZ_SCALE=10 runs ten times the examples (a longer local run); CI keeps 1.
SCALE = max(1, int(os.environ.get("FUZZ_SCALE", "1")))


def fuzz_settings(examples: int) -> settings:
    """Reproducible: the same examples on every run (derandomize), no example database."""
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


class Tally:
    """Answers by status code, per endpoint, over the whole run."""

    def __init__(self) -> None:
        self.by_status: Counter[tuple[str, int]] = Counter()
        self.by_kind: Counter[tuple[str, str, int]] = Counter()

    def count(self, endpoint: str, status: int, kind: str = "") -> None:
        self.by_status[(endpoint, status)] += 1
        if kind:
            self.by_kind[(endpoint, kind, status)] += 1

    def total(self, endpoint: str | None = None) -> int:
        return sum(n for (e, _s), n in self.by_status.items() if endpoint in (None, e))

    def server_errors(self) -> int:
        return sum(n for (_e, s), n in self.by_status.items() if s >= 500)

    def summary(self) -> str:
        lines = [f"{e} {s}: {n}" for (e, s), n in sorted(self.by_status.items())]
        lines += [f"  {e} {k} {s}: {n}" for (e, k, s), n in sorted(self.by_kind.items())]
        return "\n".join(lines)


TALLY = Tally()


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
def media_root(settings) -> Path:
    return Path(settings.MEDIA_ROOT)


def assert_store_consistent() -> None:
    """No grace period: when this runs no upload is in flight, so any body without a row is an
    orphan."""
    report = audit_storage(timedelta(0))
    assert report.clean, report.findings()
    assert not report.recent_bodies


@pytest.fixture
def audited(db) -> Iterator[None]:
    """Runs the storage audit after the test body, inside its transaction."""
    yield
    assert_store_consistent()


def stored_body_count(media_root: Path) -> int:
    return sum(1 for _ in media_root.rglob("*.json.gz"))


def pytest_terminal_summary(terminalreporter) -> None:
    """The answers of every fuzz test of the run, by endpoint, kind of damage and status."""
    if TALLY.total():
        terminalreporter.section("upload fuzzing: answers by status code")
        terminalreporter.write_line(f"{TALLY.total()} requests, {TALLY.server_errors()} 5xx")
        terminalreporter.write_line(TALLY.summary())
