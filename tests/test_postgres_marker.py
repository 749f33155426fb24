"""The `postgres` marker (pyproject.toml): a marked test runs on PostgreSQL and skips, with its
reason, on SQLite (the collection hook of tests/conftest.py), so `make test-sqlite` and a plain
`pytest` on SQLite never run a test that needs PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.support.paths import REPO_ROOT

pytestmark = pytest.mark.datalayer

MARKED = "tests/test_postgres_marker.py::test_a_marked_test_runs_only_on_postgresql"


@pytest.mark.postgres
def test_a_marked_test_runs_only_on_postgresql():
    assert connection.vendor == "postgresql"


@pytest.mark.slow  # a second pytest process
def test_it_skips_a_marked_test_on_sqlite(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'marker.sqlite3'}"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", MARKED, "-p", "no:cacheprovider", "-rs"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 skipped" in run.stdout and "1 passed" not in run.stdout, run.stdout
    assert "needs PostgreSQL" in run.stdout, run.stdout
