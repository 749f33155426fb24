"""PostgreSQL refuses connections for a few seconds while a Celery worker runs a job: the worker
rides the outage out (it neither crashes the job nor lets its lease lapse), the job succeeds on its
first attempt, and the worker takes the next job without a restart."""

from __future__ import annotations

import time

import pytest

from tests.faults.audit import assert_no_partial_graph
from tests.generation.flow import assert_graph_stored, submit, wait_final, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.slow,
]

OUTAGE_S = 3  # the fault's length: longer than a heartbeat, shorter than the lease
LEASE_S = "10"


def test_it_finishes_a_job_the_database_left_for_seconds(start_worker, pg_proxy, pg_proxy_url, owner):
    start_worker(DATABASE_URL=pg_proxy_url, GENERATION_LEASE_S=LEASE_S)
    job_id = submit(owner)["id"]
    wait_for(job_id, lambda j: j.state == "running", 60, "running")
    pg_proxy.pause()  # the worker is held at its next database call: the job is surely mid-run
    assert wait_for(job_id, lambda j: True, 1, "read").state == "running"
    with pg_proxy.outage():  # the stalled connections are reset, new ones refused
        time.sleep(OUTAGE_S)
    job = wait_final(job_id, 60)
    assert job.state == "succeeded", job.error
    assert job.attempts == 1  # ridden out in place, not lost and run again
    assert_graph_stored(job)
    # Served again without a restart: the same worker takes the next job.
    assert wait_final(submit(owner, prompt="the capital of Texas is")["id"], 60).state == "succeeded"
    assert_no_partial_graph()
