"""Dashboard uploads: dashboards are counted while the body streams (a small gzip body of
millions of `{}` never becomes millions of objects), and a process parses a bounded number of
uploads at once."""

from __future__ import annotations

import gzip
import io
import tracemalloc

import pytest
from rest_framework.test import APIClient

from graphs.features.models import Feature
from graphs.features.upload_checks import UploadRejected
from graphs.features.upload_slots import upload_slot
from graphs.features.upload_stream import parse_dashboards
from graphs.models import Source, Visibility
from tests.factories import GraphFactory, UserFactory
from tests.features.dashboards import make_dashboard

pytestmark = pytest.mark.django_db


def empties(count: int) -> bytes:
    return b'{"features": [' + b",".join([b"{}"] * count) + b"]}"


class CountingFile(io.BytesIO):
    bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def test_counting_stops_at_one_past_the_limit_without_reading_on():
    body = CountingFile(empties(500_000))
    with pytest.raises(UploadRejected) as refused:
        parse_dashboards(body, 10)
    assert refused.value.problems[0].path == "features"
    assert "more than 10 dashboards" in refused.value.problems[0].message
    assert body.bytes_read < 64 * 1024  # of 1.5 MB


@pytest.fixture
def owner_and_graph():
    owner = UserFactory()
    graph = GraphFactory(owner=owner, visibility=Visibility.PRIVATE, source=Source.UPLOADED)
    client = APIClient()
    client.force_authenticate(owner)
    return client, graph


def test_a_gzip_body_of_empty_dashboards_is_refused_without_building_them(
    owner_and_graph, settings
):
    client, graph = owner_and_graph
    settings.UPLOAD_MAX_FEATURES = 5000
    body = gzip.compress(empties(1_000_000))  # 3 MB inflated, a few KB sent
    tracemalloc.start()
    try:
        response = client.generic(
            "POST", f"/api/graphs/{graph.pk}/features/", body, content_type="application/json"
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    assert "more than 5000 dashboards" in response.json()["detail"]
    # Parsing the whole list built a million dicts (over 60 MB); counting stops at 5001.
    assert peak < 15 * 1024 * 1024, peak
    assert not Feature.objects.exists()


def test_uploads_past_the_concurrency_bound_are_refused_at_once(owner_and_graph, settings):
    client, graph = owner_and_graph
    settings.UPLOAD_CONCURRENCY = 1
    body = {"features": [make_dashboard(1)]}
    with upload_slot():  # another upload in progress in this process
        busy = client.post(f"/api/graphs/{graph.pk}/features/", body, format="json")
    assert busy.status_code == 503
    assert int(busy["Retry-After"]) >= 1
    assert "too many dashboard uploads" in busy.json()["detail"]
    after = client.post(f"/api/graphs/{graph.pk}/features/", body, format="json")
    assert after.status_code != 503
