"""/generations/{id}/: the job's live progress page, for its owner only."""

from __future__ import annotations

import pytest
from django.test import Client

from graphs.generation.models import GenerationJob


@pytest.fixture
def job(owner):
    return GenerationJob.objects.create(
        owner=owner,
        model_id="demo",
        prompt="<b>the cat</b>",
        slug="the-cat",
        visibility="private",
        request_key="k",
    )


def test_the_owner_sees_the_progress_widget_with_the_prompt_escaped(owner, job):
    client = Client()
    client.force_login(owner)
    response = client.get(f"/generations/{job.id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-job-id="{job.id}"' in html and "pages/generate.js" in html
    assert "&lt;b&gt;the cat&lt;/b&gt;" in html and "<b>the cat</b>" not in html


def test_an_outsider_gets_404_and_anonymous_must_log_in(outsider, job):
    client = Client()
    client.force_login(outsider)
    assert client.get(f"/generations/{job.id}/").status_code == 404
    response = Client().get(f"/generations/{job.id}/")
    assert response.status_code == 302 and "login" in response["Location"]
