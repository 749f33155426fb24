"""The fuzz tests' harness: the upload limit they run under, Hypothesis settings scaled by
FUZZ_SCALE, the tally of answers reported at the end of the run (tests/fuzz/conftest.py), and the
checks on what ended up in storage."""

from __future__ import annotations

import os
from collections import Counter
from datetime import timedelta
from pathlib import Path

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


def assert_store_consistent() -> None:
    """No grace period: when this runs no upload is in flight, so any body without a row is an
    orphan."""
    report = audit_storage(timedelta(0))
    assert report.clean, report.findings()
    assert not report.recent_bodies


def stored_body_count(media_root: Path) -> int:
    return sum(1 for _ in media_root.rglob("*.json.gz"))
