"""The load benchmark's server runs with subgraph limits raised past what its users save, so a
level measures saves rather than 429s; nothing of the caller's shell decides that."""

from __future__ import annotations

import subprocess
import sys

import pytest

from benchmarks.load_stack import REPO_ROOT, Stack, StackOptions


@pytest.fixture
def stack(tmp_path):
    options = StackOptions(
        pg_url="postgres://postgres@127.0.0.1:5432",
        database="unused",
        redis_url="redis://127.0.0.1:6379/8",
        web_workers=2,
        accounts=20,
        filler_graphs=0,
        subgraphs=0,
        jobs_per_hour=100_000,
        max_queued=2,
    )
    return Stack(options, var_dir=tmp_path)


def test_it_raises_the_subgraph_limits_for_server_and_worker(stack, monkeypatch):
    monkeypatch.setenv("RATELIMIT_SUBGRAPHS_PER_HOUR", "1")
    env = stack.server_env()
    assert int(env["RATELIMIT_SUBGRAPHS_PER_HOUR"]) >= 10_000
    assert int(env["RATELIMIT_SUBGRAPH_SAVES_PER_HOUR"]) >= 10_000
    assert stack.env()["RATELIMIT_SUBGRAPHS_PER_HOUR"] == env["RATELIMIT_SUBGRAPHS_PER_HOUR"]


def test_the_server_settings_take_the_raised_limits(stack):
    code = (
        "from django.conf import settings; "
        "print(settings.RATELIMIT_SUBGRAPHS_PER_HOUR, settings.RATELIMIT_SUBGRAPH_SAVES_PER_HOUR)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=stack.server_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [
        str(stack.options.subgraphs_per_hour),
        str(stack.options.subgraph_saves_per_hour),
    ]
