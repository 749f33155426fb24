"""The staff import endpoint: raw or gzip bodies, a size limit counted after decompression,
errors naming the line, and nobody but staff."""

from __future__ import annotations

import gzip
import json

import pytest
from rest_framework.test import APIClient

from graphs.explanations.models import Explanation
from tests.explanations.exports import np_row
from tests.support.personas import ANONYMOUS_REFUSED

pytestmark = [pytest.mark.datalayer, pytest.mark.django_db]

URL = "/api/explanations/import/"
JSONL = "".join(json.dumps(np_row(i, f"feature {i}")) + "\n" for i in range(5)).encode()


def post(client: APIClient, body: bytes, content_type="application/x-ndjson", **extra):
    return client.generic("POST", URL, body, content_type=content_type, **extra)


def test_staff_import_jsonl_and_gzip_alike(api):
    first = post(api("staff"), JSONL)
    assert first.status_code == 201, first.json()
    assert first.json()["added"] == 5 and first.json()["sets"] == [
        {"model": "gemma-2-2b", "source_set": "gemmascope-transcoder-16k", "rows": 5}
    ]
    again = post(api("staff"), gzip.compress(JSONL), content_type="application/gzip")
    assert again.json() == {**first.json(), "added": 0, "already_present": 5}
    encoded = post(api("staff"), gzip.compress(JSONL), HTTP_CONTENT_ENCODING="gzip")
    assert encoded.status_code == 201 and Explanation.objects.count() == 5


def test_the_target_set_can_be_given(api):
    response = post(api("staff"), JSONL, content_type="application/json")
    assert response.status_code == 201
    other = api("staff").generic(
        "POST", f"{URL}?model=demo&source_set=demo", JSONL, content_type="application/x-ndjson"
    )
    assert other.json()["sets"] == [{"model": "demo", "source_set": "demo", "rows": 5}]


@pytest.mark.parametrize("persona", ["owner", "editor", "outsider"])
def test_only_staff_may_import(api, persona):
    assert post(api(persona), JSONL).status_code == 403
    assert post(APIClient(), JSONL).status_code in ANONYMOUS_REFUSED
    assert not Explanation.objects.exists()


def test_a_bad_line_is_named(api):
    body = JSONL + b'{"modelId": "gemma-2-2b", "layer": "bad", "index": 1, "description": "x"}\n'
    response = post(api("staff"), body)
    assert response.status_code == 400
    assert "line 6: layer 'bad'" in response.json()["file"][0]
    assert not Explanation.objects.exists()


def test_the_size_limit_counts_decompressed_bytes(api, settings):
    settings.IMPORT_UPLOAD_MAX_BYTES = 2048
    bomb = gzip.compress(JSONL * 40)
    assert len(bomb) < 2048
    response = post(api("staff"), bomb, content_type="application/gzip")
    assert response.status_code == 413 and "limit" in response.json()["detail"]
    assert post(api("staff"), JSONL * 40).status_code == 413
    assert not Explanation.objects.exists()


def test_other_media_types_are_refused(api):
    assert post(api("staff"), JSONL, content_type="text/plain").status_code == 415
