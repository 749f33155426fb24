"""A Celery worker is SIGKILLed (its whole process group: main process and pool child) while it
runs a job. Nothing acknowledges or reports anything; when a worker comes back (as a supervisor
restarts it), its reaper finds the lapsed lease and the job runs again to its end."""

from __future__ import annotations

import pytest

from graphs.generation.models import GenerationJob
from tests.faults.audit import assert_no_partial_graph
from tests.support.flow import api_for, assert_graph_stored, submit, wait_final, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.slow,
]


def test_it_ends_a_job_whose_worker_was_killed_mid_run(start_worker, pg_proxy, pg_proxy_url, owner):
    doomed = start_worker(DATABASE_URL=pg_proxy_url)
    job_id = submit(owner)["id"]
    wait_for(job_id, lambda j: j.state == "running", 60, "running")
    pg_proxy.pause()  # hold the worker at its next database call, mid-job, until it is killed
    running = GenerationJob.objects.get(pk=job_id)
    assert running.state == "running" and running.attempts == 1
    doomed.kill_all()
    pg_proxy.restore()
    assert GenerationJob.objects.get(pk=job_id).state == "running"  # nobody reported anything
    start_worker()  # the restarted worker
    job = wait_final(job_id, 60)
    assert job.attempts == 2  # the reaper requeued it once, after the lease lapsed
    assert job.state == "succeeded", job.error
    assert_graph_stored(job)
    assert_no_partial_graph()
    assert api_for(owner).get(f"/api/generations/{job_id}/").status_code == 200
