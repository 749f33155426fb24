"""Hostile bodies for the parser: one very long string is refused as it streams past (parsing
stays linear in the body size), and the anonymous validator is rate-limited and has a CPU budget."""

from __future__ import annotations

import io
import json
import random

import pytest

from graphs.testing import build_graph_document
from graphs.validation import bounded, validate_graph_file
from graphs.validation.bounded import MAX_STRING_BYTES, BoundedStringReader, StringTooLong

pytestmark = pytest.mark.django_db


def graph_bytes(prompt: str) -> bytes:
    document = build_graph_document()
    document["metadata"]["prompt"] = prompt
    return json.dumps(document).encode()


class CountingFile(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def test_a_string_over_the_bound_is_refused_where_it_is():
    report = validate_graph_file(io.BytesIO(graph_bytes("x" * (MAX_STRING_BYTES + 1))))
    assert not report.ok
    [problem] = report.problems
    assert problem.path == "metadata"
    assert f"longer than {MAX_STRING_BYTES:,} bytes" in problem.message


def test_the_refusal_comes_while_streaming_not_after_reading_the_body():
    body = CountingFile(graph_bytes("x" * (20 * 1024 * 1024)))
    validate_graph_file(body)
    # Refused within a read step or two of the bound, not after the 20 MB string.
    assert body.bytes_read < MAX_STRING_BYTES + 64 * 1024


def test_a_string_at_the_bound_with_escapes_cut_by_every_read_step_is_accepted():
    rng = random.Random(4)
    text = "".join(rng.choice('ab"\\\n\u00e9') for _ in range(MAX_STRING_BYTES))
    encoded = json.dumps(text).encode()
    # Cut to exactly the bound as written: the scanner counts bytes as written, escapes included.
    while len(encoded) - 2 > MAX_STRING_BYTES:
        text = text[:-1]
        encoded = json.dumps(text).encode()
    for step in (1, 3, 4096):
        reader = BoundedStringReader(io.BytesIO(b'{"a": ' + encoded + b', "b": "x\\""}'))
        while reader.read(step):
            pass
    over = json.dumps(text + "\\").encode()
    reader = BoundedStringReader(io.BytesIO(b'["ok", ' + over + b"]"))
    with pytest.raises(StringTooLong) as refused:
        while reader.read(7):
            pass
    assert refused.value.offset == len(b'["ok", ')


def test_uploads_refuse_a_long_prompt_before_storing(api):
    response = api("outsider").post(
        "/api/graphs/?visibility=private",
        graph_bytes("p" * (2 * MAX_STRING_BYTES)),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "metadata" in response.json()["detail"]


def validate(client, body: bytes, **extra):
    return client.post("/api/validate/", body, content_type="application/json", **extra)


def test_the_validator_is_rate_limited_per_client_ip_and_per_user(api, settings):
    settings.RATELIMIT_VALIDATIONS_PER_HOUR = 2
    body = graph_bytes("a prompt")
    anonymous = api("anonymous")
    for _ in range(2):
        assert validate(anonymous, body, REMOTE_ADDR="10.1.1.1").status_code == 200
    limited = validate(anonymous, body, REMOTE_ADDR="10.1.1.1")
    assert limited.status_code == 429
    assert "Validation limit reached" in limited.json()["detail"]
    assert int(limited["Retry-After"]) >= 1
    assert validate(anonymous, body, REMOTE_ADDR="10.1.1.2").status_code == 200
    signed_in = api("outsider")
    for _ in range(2):
        assert validate(signed_in, body, REMOTE_ADDR="10.1.1.1").status_code == 200
    assert validate(signed_in, body, REMOTE_ADDR="10.1.1.1").status_code == 429


def test_an_anonymous_validation_stops_at_its_cpu_budget(api, settings, monkeypatch):
    settings.VALIDATION_ANONYMOUS_CPU_S = 3
    clock = iter(range(0, 10**6))  # each look at the clock: one more CPU second
    monkeypatch.setattr(bounded.time, "thread_time", lambda: float(next(clock)))
    body = json.dumps(build_graph_document(n_layers=6)).encode()
    response = validate(api("anonymous"), body)
    assert response.status_code == 413
    assert "more than 3 s of CPU" in response.json()["detail"]
    # Signed in, the same graph has no budget.
    assert validate(api("outsider"), body).status_code == 200
