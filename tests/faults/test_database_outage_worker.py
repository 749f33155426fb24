"""PostgreSQL refuses connections for a few seconds while a Celery worker runs a job: the worker
rides the outage out (it neither crashes the job nor lets its lease lapse), the job succeeds on its
first attempt, and the worker takes the next job without a restart."""

from __future__ import annotations

import time

import pytest

from graphs.generation.models import GenerationJob
from tests.faults.audit import assert_no_partial_graph
from tests.support.flow import assert_graph_stored, submit, wait_final, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

OUTAGE_S = 3  # the fault's length: longer than a heartbeat, far shorter than the lease


def test_it_finishes_a_job_the_database_left_for_seconds(rigged, owner):
    job_id = submit(owner)["id"]
    wait_for(job_id, lambda j: j.state == "running", 60, "running")
    rigged.pg_proxy.pause()  # the worker is held at its next database call: surely mid-run
    assert GenerationJob.objects.get(pk=job_id).state == "running"
    with rigged.pg_proxy.outage():  # the held connections are reset, new ones refused
        time.sleep(OUTAGE_S)
    job = wait_final(job_id, 60)
    assert job.state == "succeeded", job.error
    assert job.attempts == 1  # ridden out in place, not lost and run again
    assert_graph_stored(job)
    # Served again without a restart: the same worker takes the next job.
    assert (
        wait_final(submit(owner, prompt="the capital of Texas is")["id"], 60).state == "succeeded"
    )
    assert_no_partial_graph()
