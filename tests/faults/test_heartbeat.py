"""A failed lease renewal (a database blip) does not end a job's heartbeat: if it did, the lease
would lapse under a live worker and the reaper would run the job a second time."""

from __future__ import annotations

import time

from django.db import OperationalError

from inference_worker.worker import runner


def test_it_keeps_renewing_after_a_failed_renewal(settings, monkeypatch):
    settings.GENERATION_HEARTBEAT_S = 0.02
    calls: list[str] = []

    def renew(job_id: str, worker: str) -> bool:
        calls.append(job_id)
        if len(calls) <= 2:
            raise OperationalError("server closed the connection unexpectedly")
        return True

    monkeypatch.setattr(runner.jobs, "renew_lease", renew)
    heartbeat = runner.Heartbeat("job-1", "worker-1")
    heartbeat.start()
    deadline = time.monotonic() + 5
    while len(calls) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    heartbeat.stop()
    heartbeat.join(5)
    assert len(calls) >= 4, f"the heartbeat stopped after {len(calls)} renewal(s)"


def test_it_stops_when_the_job_is_no_longer_ours(settings, monkeypatch):
    settings.GENERATION_HEARTBEAT_S = 0.02
    monkeypatch.setattr(runner.jobs, "renew_lease", lambda job_id, worker: False)
    heartbeat = runner.Heartbeat("job-1", "worker-1")
    heartbeat.start()
    heartbeat.join(5)
    assert not heartbeat.is_alive()
