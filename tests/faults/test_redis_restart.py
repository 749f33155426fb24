"""Redis (broker and channel layer) goes away during jobs.

- A real restart of the rig's private redis-server, without persistence: a queued job's message
  is lost with it, as in production; the reaper sends it again and the job runs.
- Redis unreachable for a few seconds (through the proxy) while a job runs: the job's work goes
  on (its events are lost, not its result), a submission meanwhile is answered 503 with a reason
  and its job is sent once Redis is back; web tier and worker serve again without a restart.
"""

from __future__ import annotations

import time

import pytest

from tests.faults.audit import assert_no_partial_graph
from tests.faults.rig import use_redis
from tests.support.flow import PROMPT, api_for, submit, wait_final, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

OUTAGE_S = 3
TEXAS = "the capital of Texas is"


def assert_succeeded(job_id: str, timeout: float = 60) -> None:
    job = wait_final(job_id, timeout)
    assert job.state == "succeeded", job.error
    assert job.attempts == 1


def test_it_sends_again_a_job_whose_message_the_restarted_broker_lost(rigged, owner, settings):
    use_redis(settings, rigged.redis.url)  # this web tier reaches Redis directly
    with rigged.redis_proxy.outage():  # the worker cannot take the message meanwhile
        job_id = submit(owner)["id"]
        assert rigged.redis.client().llen(rigged.queue) == 1  # its message waits in the broker...
        rigged.redis.restart()
        assert rigged.redis.client().llen(rigged.queue) == 0  # ...and is gone with the restart
    assert_succeeded(job_id)
    assert_succeeded(submit(owner, prompt=TEXAS)["id"])
    assert_no_partial_graph()


def test_it_rides_out_redis_unreachable_for_seconds(rigged, owner):
    job_id = submit(owner)["id"]
    wait_for(job_id, lambda j: j.state == "running", 60, "running")
    rigged.pg_proxy.pause()  # hold the job mid-run until Redis is gone
    with rigged.redis_proxy.outage():
        started = time.monotonic()
        rigged.pg_proxy.restore()  # the job goes on without Redis
        during = api_for(owner).post(
            "/api/generations/", {"model": "tiny", "prompt": TEXAS}, format="json"
        )
        time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - started)))
    assert during.status_code == 503, during.content
    assert "Redis" in during.json()["detail"] and during["Retry-After"]
    assert_succeeded(job_id)
    # The job submitted during the outage was recorded; its message is sent now Redis is back.
    jobs = api_for(owner).get("/api/generations/").json()["results"]
    late = next(j for j in jobs if j["prompt"] == TEXAS)
    assert_succeeded(late["id"])
    # Served again, web tier and worker, without a restart.
    after = api_for(owner).post(
        "/api/generations/", {"model": "tiny", "prompt": PROMPT, "fresh": True}, format="json"
    )
    assert after.status_code == 202, after.content
    assert_succeeded(after.json()["id"])
    assert_no_partial_graph()
