"""Progress reporting: steps within a phase at most ~5 per second, phase changes always."""

from __future__ import annotations

import pytest

from graphs.generation.models import GenerationJob
from graphs.generation.services import jobs
from inference_worker.worker.runner import Progress, StopJob, TimeLimit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(words_entry):
    job = GenerationJob.objects.create(
        owner=UserFactory(),
        model_id="words",
        prompt="the cat",
        slug="the-cat",
        visibility="private",
        request_key="k",
    )
    return jobs.claim(job.id, "worker-a")


def test_steps_are_throttled_and_phase_changes_always_recorded(job, settings):
    settings.GENERATION_EVENTS_PER_S = 5
    progress = Progress(job.id, "worker-a")
    before = GenerationJob.objects.get(pk=job.id).version
    progress("forward", 0, 1)
    for k in range(200):  # a burst far faster than 5 per second
        progress("feature rows", k, 200)
    progress("feature rows", 200, 200)  # the end of a phase always goes out
    progress("pruning", 0, 1)
    stored = GenerationJob.objects.get(pk=job.id)
    # forward, the first feature-rows step, its end, pruning; the burst adds at most a few more
    assert 4 <= stored.version - before <= 6
    assert (stored.phase, stored.progress_done, stored.progress_total) == ("pruning", 0, 1)


def test_a_cancelled_job_stops_its_engine_at_the_next_step(job):
    progress = Progress(job.id, "worker-a")
    GenerationJob.objects.filter(pk=job.id).update(state="cancelled")
    with pytest.raises(StopJob):
        progress("forward", 0, 1)


def test_the_time_limit_stops_the_engine(job, settings):
    settings.GENERATION_TIME_LIMIT_S = 0
    with pytest.raises(TimeLimit, match="time limit"):
        Progress(job.id, "worker-a")("forward", 0, 1)
