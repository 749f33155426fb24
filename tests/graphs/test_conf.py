"""Graph settings come from the environment, strictly: a malformed value stops the start."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.paths import REPO_ROOT


def load_conf(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import graphs.conf as c; print(c.GRAPH_UPLOAD_MAX_BYTES)"],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_defaults_to_100_mb():
    env = {k: v for k, v in os.environ.items() if k != "GRAPH_UPLOAD_MAX_BYTES"}
    result = subprocess.run(
        [sys.executable, "-c", "import graphs.conf as c; print(c.GRAPH_UPLOAD_MAX_BYTES)"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == str(100 * 1024 * 1024)


def test_it_reads_the_limit_from_the_environment():
    assert load_conf(GRAPH_UPLOAD_MAX_BYTES="2048").stdout.strip() == "2048"


def test_it_refuses_a_malformed_limit_naming_the_variable():
    result = load_conf(GRAPH_UPLOAD_MAX_BYTES="lots")
    assert result.returncode != 0
    assert "GRAPH_UPLOAD_MAX_BYTES='lots' is not an integer" in result.stderr
