"""A queued job whose message the broker lost (a Redis restart without persistence, a send that
failed while Redis was down) is sent again by the reaper, so it cannot stay queued forever; a
duplicate is harmless, since claim() runs a job once."""

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
    calls: list[str] = []
    monkeypatch.setattr(dispatch, "enqueue_job", lambda job_id, entry: calls.append(job_id))
    return calls


def queued_job() -> GenerationJob:
    return GenerationJob.objects.create(
        owner=UserFactory(),
        model_id="words",
        prompt="the cat",
        slug="the-cat",
        visibility="private",
        request_key="k",
    )


def overdue(job: GenerationJob) -> None:
    GenerationJob.objects.filter(pk=job.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )


def test_it_sends_again_a_job_queued_past_its_resend_time(
    enqueued, settings, django_capture_on_commit_callbacks
):
    settings.GENERATION_QUEUED_RESEND_S = 60
    job = queued_job()
    assert jobs.resend_stale_queued() == []  # first seen: its clock starts
    job.refresh_from_db()
    assert job.lease_expires_at > timezone.now() + timedelta(seconds=50)
    overdue(job)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.resend_stale_queued() == [job.id]
    assert enqueued == [job.id]
    job.refresh_from_db()
    assert job.state == "queued" and job.lease_expires_at > timezone.now()
    assert job.version == 0  # no new state for clients to see


def test_it_leaves_running_and_finished_jobs_alone(enqueued):
    running, cancelled = queued_job(), queued_job()
    jobs.claim(running.id, "worker-a")
    GenerationJob.objects.filter(pk=cancelled.pk).update(state="cancelled")
    for job in (running, cancelled):
        overdue(job)
    assert jobs.resend_stale_queued() == []
    assert enqueued == []


def test_a_resent_duplicate_runs_the_job_once(enqueued):
    job = queued_job()
    assert jobs.claim(job.id, "worker-a") is not None
    assert jobs.claim(job.id, "worker-b") is None  # the duplicate message is skipped
