"""Quotas: jobs queued at once and jobs per hour, 429 with Retry-After; staff-granted tiers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from graphs.generation.models import GenerationJob, QuotaGrant, QuotaTier

pytestmark = pytest.mark.usefixtures("no_worker")


def submit(client, prompt):
    return client.post("/api/generations/", {"model": "words", "prompt": prompt}, format="json")


def test_too_many_queued_jobs_get_429_with_retry_after(owner_api, words_entry, settings):
    settings.GENERATION_MAX_QUEUED = 2
    assert submit(owner_api, "the cat").status_code == 202
    assert submit(owner_api, "the dog").status_code == 202
    response = submit(owner_api, "a cat")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "limit is 2" in response.json()["detail"]
    assert GenerationJob.objects.count() == 2


def test_jobs_per_hour_get_429_until_the_oldest_leaves_the_window(
    owner_api, owner, words_entry, settings
):
    settings.GENERATION_JOBS_PER_HOUR = 2
    settings.GENERATION_MAX_QUEUED = 10
    assert submit(owner_api, "the cat").status_code == 202
    assert submit(owner_api, "the dog").status_code == 202
    GenerationJob.objects.filter(prompt="the cat").update(
        created_at=timezone.now() - timedelta(minutes=50)
    )
    response = submit(owner_api, "a cat")
    assert response.status_code == 429
    assert 500 <= int(response["Retry-After"]) <= 610  # the "the cat" job leaves in ~10 min


def test_the_limit_is_per_user(owner_api, outsider_api, words_entry, settings):
    settings.GENERATION_MAX_QUEUED = 1
    assert submit(owner_api, "the cat").status_code == 202
    assert submit(owner_api, "the dog").status_code == 429
    assert submit(outsider_api, "the dog").status_code == 202


def test_a_granted_tier_lifts_the_limit_until_it_expires(owner_api, owner, words_entry, settings):
    settings.GENERATION_MAX_QUEUED = 1
    tier = QuotaTier.objects.create(name="researcher", jobs_per_hour=100, max_queued=3)
    grant = QuotaGrant.objects.create(
        user=owner, tier=tier, expires_at=timezone.now() + timedelta(days=30)
    )
    assert [submit(owner_api, p).status_code for p in ("the cat", "the dog", "a cat")] == [202] * 3
    assert submit(owner_api, "a dog").status_code == 429
    grant.expires_at = timezone.now() - timedelta(seconds=1)
    grant.save()
    GenerationJob.objects.all().delete()
    assert submit(owner_api, "the cat").status_code == 202
    assert submit(owner_api, "the dog").status_code == 429  # back to the default tier
