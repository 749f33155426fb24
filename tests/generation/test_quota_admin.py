"""Staff grant higher quota tiers in the admin; nobody else can."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from graphs.generation.models import QuotaGrant, QuotaTier
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def grant_form(user, tier) -> dict:
    expires = timezone.now() + timedelta(days=30)
    return {
        "user": user.pk,
        "tier": tier.pk,
        "expires_at_0": expires.strftime("%Y-%m-%d"),
        "expires_at_1": "12:00:00",
    }


def test_staff_grant_a_tier_with_an_expiry(owner):
    staff = UserFactory(username="staff", is_staff=True, is_superuser=True)
    tier = QuotaTier.objects.create(name="researcher", jobs_per_hour=100, max_queued=5)
    client = Client()
    client.force_login(staff)
    response = client.post("/admin/generation/quotagrant/add/", grant_form(owner, tier))
    assert response.status_code == 302, response.content[:2000]
    grant = QuotaGrant.objects.get(user=owner)
    assert grant.tier == tier and grant.granted_by == staff and grant.expires_at > timezone.now()


def test_a_non_staff_user_cannot_grant(owner, outsider):
    tier = QuotaTier.objects.create(name="researcher", jobs_per_hour=100, max_queued=5)
    client = Client()
    client.force_login(outsider)
    response = client.post("/admin/generation/quotagrant/add/", grant_form(outsider, tier))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not QuotaGrant.objects.exists()
