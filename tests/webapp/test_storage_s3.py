"""The S3-compatible storage configuration, against moto's S3 server on the loopback.

The settings are evaluated from environment variables exactly as in production, then installed as
STORAGES, so what is tested is the configuration path, not a hand-built backend.
"""

from __future__ import annotations

import gzip
import io
import json

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from moto.server import ThreadedMotoServer

from tests.support.settings_env import load_settings

BUCKET = "circuitscope-test"
CREDENTIALS = {"S3_ACCESS_KEY_ID": "testing-key", "S3_SECRET_ACCESS_KEY": "testing-secret"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    yield endpoint
    server.stop()


@pytest.fixture
def bucket(s3_endpoint):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["S3_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


@pytest.fixture
def s3_settings(monkeypatch, settings, s3_endpoint, bucket):
    """Evaluate settings.py with the S3 variables and install its STORAGES for this test."""
    with monkeypatch.context() as env:
        evaluated = load_settings(
            env,
            STORAGE_BACKEND="s3",
            S3_BUCKET=BUCKET,
            S3_ENDPOINT_URL=s3_endpoint,
            S3_REGION="us-east-1",
            S3_PREFIX="media",
            S3_ADDRESSING_STYLE="path",
            **CREDENTIALS,
        )
    settings.STORAGES = evaluated["STORAGES"]  # resets django's storage handler (setting_changed)
    return bucket


def test_default_storage_is_the_s3_backend(s3_settings):
    from storages.backends.s3 import S3Storage

    default_storage._setup()
    assert isinstance(default_storage._wrapped, S3Storage)
    assert default_storage.bucket_name == BUCKET


def test_it_saves_opens_and_deletes_through_default_storage(s3_settings):
    client = s3_settings
    name = default_storage.save("notes/hello.txt", ContentFile(b"hello, bucket"))
    assert keys(client) == [f"media/{name}"]
    assert default_storage.exists(name)
    with default_storage.open(name, "rb") as handle:
        assert handle.read() == b"hello, bucket"
    assert default_storage.size(name) == len(b"hello, bucket")
    default_storage.delete(name)
    assert not default_storage.exists(name)
    assert keys(client) == []


def test_it_never_overwrites_an_existing_name(s3_settings):
    first = default_storage.save("notes/same.txt", ContentFile(b"first"))
    second = default_storage.save("notes/same.txt", ContentFile(b"second"))
    assert first != second
    with default_storage.open(first, "rb") as handle:
        assert handle.read() == b"first"
    assert len(keys(s3_settings)) == 2


def test_objects_are_private(s3_settings):
    name = default_storage.save("notes/private.txt", ContentFile(b"x"))
    acl = s3_settings.get_object_acl(Bucket=BUCKET, Key=f"media/{name}")
    public = [g for g in acl["Grants"] if g["Grantee"].get("URI", "").endswith("AllUsers")]
    assert public == []
    # URLs, if ever handed out, are signed and expire.
    assert "X-Amz-Signature=" in default_storage.url(name)


@pytest.mark.django_db
def test_a_graph_body_lands_in_the_bucket(s3_settings):
    from graphs.storage import open_body_json
    from tests.factories import GraphFactory

    graph = GraphFactory()
    assert keys(s3_settings) == [f"media/{graph.body_key}"]
    stored = s3_settings.get_object(Bucket=BUCKET, Key=f"media/{graph.body_key}")["Body"].read()
    assert len(stored) == graph.stored_size
    document = json.loads(gzip.decompress(stored))
    assert len(document["nodes"]) == graph.node_count
    with open_body_json(graph.body_key) as handle:
        assert json.load(io.TextIOWrapper(handle, encoding="utf-8")) == document


@pytest.mark.django_db
def test_an_uploaded_graph_lands_in_the_bucket_and_comes_back(s3_settings):
    from rest_framework.test import APIClient

    from graphs.models import Graph
    from graphs.testing import build_graph_document
    from tests.factories import UserFactory
    from webapp.accounts.tokens import create_token

    _, plaintext = create_token(UserFactory(), "upload script")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    document = build_graph_document(slug="s3-upload", scan="demo-model")
    response = client.post(
        "/api/graphs/?visibility=public",
        data=gzip.compress(json.dumps(document).encode()),
        content_type="application/json",
        HTTP_CONTENT_ENCODING="gzip",
    )
    assert response.status_code == 201, response.content
    graph = Graph.objects.get(pk=response.json()["id"])
    assert keys(s3_settings) == [f"media/{graph.body_key}"]

    data = APIClient().get(f"/api/graphs/{graph.pk}/data/")
    assert data.status_code == 200
    assert (
        json.loads(b"".join(data.streaming_content) if data.streaming else data.content) == document
    )


@pytest.mark.django_db
def test_a_refused_upload_leaves_nothing_in_the_bucket(s3_settings):
    from rest_framework.test import APIClient

    from graphs.models import Graph
    from tests.factories import UserFactory

    client = APIClient()
    client.force_authenticate(UserFactory())
    response = client.post(
        "/api/graphs/", data=b'{"metadata": {}, "nodes": [', content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert keys(s3_settings) == [] and Graph.objects.count() == 0
