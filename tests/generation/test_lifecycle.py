"""Leases and the reaper: a dead worker's job is requeued once, then fails with "worker lost"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from graphs.generation.models import GenerationJob
from graphs.generation.services import dispatch, jobs
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch, words_entry):
    # Record what the reaper hands to the broker; the delivery itself is tested with a real
    # worker in test_celery_worker.py.
    calls: list[str] = []
    monkeypatch.setattr(dispatch, "enqueue_job", lambda job_id, entry: calls.append(job_id))
    return calls


def running_job(attempts: int, lease_in_s: float) -> GenerationJob:
    job = GenerationJob.objects.create(
        owner=UserFactory(),
        model_id="words",
        prompt="the cat",
        slug="the-cat",
        visibility="private",
        request_key="k",
    )
    jobs.claim(job.id, "worker-a")
    GenerationJob.objects.filter(pk=job.id).update(
        attempts=attempts, lease_expires_at=timezone.now() + timedelta(seconds=lease_in_s)
    )
    return job


def test_an_expired_lease_requeues_the_job_once(django_capture_on_commit_callbacks, enqueued):
    job = running_job(attempts=1, lease_in_s=-1)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.reap_expired() == [(job.id, "requeued")]
    job.refresh_from_db()
    assert (job.state, job.worker, job.lease_expires_at) == ("queued", "", None)
    assert enqueued == [job.id]
    # The dead worker, were it to come back, may not report or store anything.
    assert jobs.progress(job.id, "worker-a", "forward", 0, 1) is False
    assert jobs.claim(job.id, "worker-b").attempts == 2


def test_after_the_last_attempt_the_job_fails_with_worker_lost(enqueued):
    job = running_job(attempts=2, lease_in_s=-1)
    assert jobs.reap_expired() == [(job.id, "failed")]
    job.refresh_from_db()
    assert job.state == "failed" and "worker lost" in job.error
    assert enqueued == []


def test_a_live_lease_is_left_alone(enqueued):
    job = running_job(attempts=1, lease_in_s=30)
    assert jobs.reap_expired() == []
    assert jobs.renew_lease(job.id, "worker-a") is True
    assert jobs.renew_lease(job.id, "worker-b") is False
    job.refresh_from_db()
    assert job.state == "running"


def test_a_job_past_the_time_limit_fails(enqueued, settings):
    settings.GENERATION_TIME_LIMIT_S = 10
    job = running_job(attempts=1, lease_in_s=30)
    GenerationJob.objects.filter(pk=job.id).update(
        started_at=timezone.now() - timedelta(seconds=200)
    )
    assert jobs.reap_expired() == [(job.id, "failed")]
    job.refresh_from_db()
    assert "time limit" in job.error


def test_a_duplicate_message_never_runs_a_job_twice(words_entry):
    job = running_job(attempts=1, lease_in_s=30)
    assert jobs.claim(job.id, "worker-b") is None


def test_fresh_runs_of_one_prompt_store_graphs_under_distinct_slugs(words_entry):
    from graphs.testing import build_graph_document

    first, second = running_job(1, 30), running_job(1, 30)
    GenerationJob.objects.filter(pk=second.pk).update(owner=first.owner)
    document = build_graph_document(slug="the-cat", scan="words")
    one = jobs.succeed(first.id, "worker-a", document).graph
    two = jobs.succeed(second.id, "worker-a", document).graph
    assert one.slug == "the-cat" and two.slug == f"the-cat-{second.id[:8]}"
    assert one.title == two.title == "the cat"


def test_a_graph_the_services_refuse_fails_nothing_stored(words_entry):
    from graphs.errors import GraphRejected

    job = running_job(1, 30)
    with pytest.raises(GraphRejected):
        jobs.succeed(job.id, "worker-a", {"metadata": {}, "nodes": [], "links": []})
    job.refresh_from_db()
    assert job.state == "running" and job.graph is None  # the runner then fails it with the reason


@pytest.mark.django_db(transaction=True)  # the runner manages its own connections, as in a worker
def test_the_runner_fails_a_job_whose_graph_is_refused_with_the_reason(words_entry, monkeypatch):
    import inference_worker.engine as engine
    from inference_worker.worker.runner import run_job

    def broken_trace(*args, progress, **kwargs):
        # Stands in for an engine bug: the runner's handling of the refusal is under test.
        progress("export", 1, 1)
        return {"metadata": {}, "nodes": [], "links": []}

    monkeypatch.setattr(engine, "trace", broken_trace)
    job = GenerationJob.objects.create(
        owner=UserFactory(),
        model_id="words",
        prompt="the cat",
        slug="the-cat",
        visibility="private",
        request_key="k",
    )
    assert run_job(job.id, "worker-a") == "failed"
    job.refresh_from_db()
    assert job.state == "failed" and job.error.startswith("the generated graph was refused")
    assert job.graph is None
