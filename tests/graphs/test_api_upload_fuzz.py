"""Random damage to an upload never makes the server fail: every answer is 201 or a 4xx."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphs.models import Graph
from tests.support.paths import FIXTURES

pytestmark = pytest.mark.django_db

TINY = (FIXTURES / "tiny.json").read_bytes()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)
damaged = st.one_of(
    st.integers(0, len(TINY)).map(lambda n: TINY[:n]),  # truncations
    st.tuples(st.integers(0, len(TINY) - 1), st.binary(min_size=1, max_size=4)).map(
        lambda t: TINY[: t[0]] + t[1] + TINY[t[0] + len(t[1]) :]  # overwritten bytes
    ),
    json_values.map(lambda v: json.dumps(v).encode()),  # any JSON at all
    st.binary(max_size=64),
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=damaged)
def test_it_never_answers_5xx(api, settings, body):
    settings.RATELIMIT_UPLOADS_PER_HOUR = 0  # 120 uploads by one user: past the hourly limit
    before = Graph.objects.count()
    response = api("owner").post("/api/graphs/", body, content_type="application/json")
    assert response.status_code in (201, 400, 413, 415), response.content[:300]
    assert Graph.objects.count() == before + (response.status_code == 201)
    if response.status_code == 400:
        assert response.json()["detail"]
