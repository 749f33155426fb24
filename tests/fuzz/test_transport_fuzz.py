"""Hostile uploads on the wire, to the production ASGI app served by uvicorn in a child process:
Content-Length lies (more, less, absurd, malformed), bodies cut off, chunked bodies (valid,
oversized, truncated, malformed), chunked plus Content-Length, Expect: 100-continue, gzip bombs
past the ASGI body limit, no Content-Type. Every answer is a 201 or a 4xx (or, for a request
the client never finished, no answer); nothing is stored for a refusal; the process stays up and
its log has no traceback; the storage audit (the real manage.py command) finds nothing.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graphs.models import Graph
from graphs.services.audit import audit_storage
from graphs.testing import build_graph_document
from tests.factories import UserFactory
from tests.fuzz.harness import FUZZ_UPLOAD_MAX_BYTES, TALLY, fuzz_settings, stored_body_count
from tests.fuzz.hostile import base_docs
from tests.fuzz.rawhttp import Answer, chunked, exchange, request_head
from tests.fuzz.upload_server import UploadServer, upload_server  # noqa: F401 (fixture)
from tests.support.settings_env import READ_BY_SETTINGS, REPO_ROOT
from webapp.accounts.tokens import create_token

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

WIRE_EXAMPLES_PER_KIND = 5
ENDPOINT = "asgi-upload"
WIRE_KINDS = [
    "plain",
    "declared_more_then_eof",
    "declared_less",
    "declared_absurd",
    "declared_malformed",
    "declared_twice",
    "over_limit",
    "chunked",
    "chunked_over_limit",
    "chunked_truncated",
    "chunked_malformed",
    "chunked_and_length",
    "expect_continue_over_limit",
    "gzip_bomb",
    "gzip_nested",
    "empty",
    "no_content_type",
]


@dataclass
class Wire:
    kind: str
    data: bytes
    expect: str  # accept | refuse | refuse_or_silence | either
    stored_json: bytes = b""
    half_close: bool = False  # for bodies that never complete: the client then hangs up


@dataclass
class Live:
    server: UploadServer
    token: str

    def auth(self) -> list[tuple[str, str]]:
        return [("Authorization", f"Bearer {self.token}")]


@pytest.fixture
def live(upload_server, transactional_db, settings) -> Iterator[Live]:  # noqa: F811
    settings.MEDIA_ROOT = str(upload_server.media_root)
    _token, plaintext = create_token(UserFactory(username="wire-fuzzer"), "fuzz")
    yield Live(upload_server, plaintext)
    # The tables are emptied after each test; so are the bodies, or the next audit sees orphans.
    for body in upload_server.media_root.rglob("*.json.gz"):
        body.unlink()


def _post(live: Live, headers: list[tuple[str, str]]) -> bytes:
    return request_head("POST", "/api/graphs/", live.auth() + headers)


@st.composite
def wire_cases(draw, live: Live, kind: str) -> Wire:
    body = draw(base_docs()).render()
    json_type = [("Content-Type", "application/json")]
    length = [("Content-Length", str(len(body)))]
    if kind == "plain":
        return Wire(kind, _post(live, json_type + length) + body, "accept", body)
    if kind == "declared_more_then_eof":
        extra = draw(st.integers(1, 10_000))
        head = _post(live, [*json_type, ("Content-Length", str(len(body) + extra))])
        return Wire(kind, head + body, "refuse_or_silence", half_close=True)
    if kind == "declared_less":
        short = draw(st.integers(0, len(body) - 1))
        return Wire(
            kind, _post(live, [*json_type, ("Content-Length", str(short))]) + body, "refuse"
        )
    if kind == "declared_absurd":
        declared = draw(st.sampled_from([FUZZ_UPLOAD_MAX_BYTES + 1, 10**12, 2**64, 10**40]))
        head = _post(live, [*json_type, ("Content-Length", str(declared))])
        return Wire(kind, head + body[:100], "refuse")
    if kind == "declared_malformed":
        value = draw(st.sampled_from(["abc", "-1", "1e3", "+12", "0x10", "12 34", ""]))
        return Wire(
            kind, _post(live, [*json_type, ("Content-Length", value)]) + body, "refuse_or_silence"
        )
    if kind == "declared_twice":
        head = _post(live, [*json_type, *length, ("Content-Length", str(len(body) - 1))])
        return Wire(kind, head + body, "refuse_or_silence")
    if kind == "over_limit":
        big = b'{"metadata": "' + b"x" * FUZZ_UPLOAD_MAX_BYTES + b'"}'
        head = _post(live, [*json_type, ("Content-Length", str(len(big)))])
        return Wire(kind, head + big, "refuse")
    if kind in ("chunked", "chunked_over_limit", "chunked_truncated", "chunked_malformed"):
        head = _post(live, [*json_type, ("Transfer-Encoding", "chunked")])
        sizes = draw(st.lists(st.integers(1, 70_000), min_size=1, max_size=5))
        if kind == "chunked":
            return Wire(kind, head + chunked(body, sizes), "accept", body)
        if kind == "chunked_over_limit":
            big = b" " * (FUZZ_UPLOAD_MAX_BYTES + 1) + body
            return Wire(kind, head + chunked(big, [65_536]), "refuse")
        if kind == "chunked_truncated":
            whole = chunked(body, sizes)
            cut = draw(st.integers(1, len(whole) - 6))  # before the final zero chunk
            return Wire(kind, head + whole[:cut], "refuse_or_silence", half_close=True)
        bad = draw(st.sampled_from([b"zz\r\n", b"-5\r\n", b"ffffffffffffffffffff\r\n", b"\r\n"]))
        return Wire(kind, head + bad + body + b"\r\n0\r\n\r\n", "refuse_or_silence")
    if kind == "chunked_and_length":
        # A request-smuggling shape: both framings. The server must not take it two ways.
        head = _post(live, [*json_type, *length, ("Transfer-Encoding", "chunked")])
        return Wire(kind, head + chunked(body, [4096]), "either", body)
    if kind == "expect_continue_over_limit":
        head = _post(
            live,
            [
                *json_type,
                ("Content-Length", str(10 * FUZZ_UPLOAD_MAX_BYTES)),
                ("Expect", "100-continue"),
            ],
        )
        return Wire(kind, head, "refuse")
    if kind == "gzip_bomb":
        size = draw(st.sampled_from([FUZZ_UPLOAD_MAX_BYTES + 1, 32 * 1024 * 1024]))
        bomb = gzip.compress(b'{"metadata": "' + b" " * size + b'"}', compresslevel=9)
        head = _post(
            live, [*json_type, ("Content-Encoding", "gzip"), ("Content-Length", str(len(bomb)))]
        )
        return Wire(kind, head + bomb, "refuse")
    if kind == "gzip_nested":
        packed = gzip.compress(gzip.compress(body))
        head = _post(
            live, [*json_type, ("Content-Encoding", "gzip"), ("Content-Length", str(len(packed)))]
        )
        return Wire(kind, head + packed, "refuse")
    if kind == "empty":
        return Wire(kind, _post(live, [*json_type, ("Content-Length", "0")]), "refuse")
    assert kind == "no_content_type"
    return Wire(kind, _post(live, length) + body, "refuse")


def check_wire(live: Live, case: Wire, answer: Answer, rows: int, bodies: int) -> None:
    said = f"{case.kind}: {answer.status} {answer.body[:300]!r}"
    TALLY.count(ENDPOINT, answer.status or 0, case.kind)
    assert answer.status is None or answer.status < 500, said
    if case.expect == "accept":
        assert answer.status == 201, said
    elif case.expect == "refuse":
        assert answer.status is not None and 400 <= answer.status < 500, said
    elif case.expect == "refuse_or_silence":
        assert answer.status is None or 400 <= answer.status < 500, said
    stored = answer.status == 201
    assert Graph.objects.count() == rows + stored, said
    assert stored_body_count(live.server.media_root) == bodies + stored, said
    if (
        answer.status is not None
        and answer.headers.get("content-type", "").startswith("application/json")
        and not stored
    ):
        assert json.loads(answer.body)["detail"], said
    if stored:
        graph = Graph.objects.get(pk=json.loads(answer.body)["id"])
        assert graph.byte_size == len(case.stored_json), said


def test_it_answers_hostile_requests_on_the_wire_with_201_or_a_4xx(live):
    # One test, each kind in turn: a transactional test costs a table flush (~1 s) at its end.
    for kind in WIRE_KINDS:
        _fuzz_kind(live, kind)


def _fuzz_kind(live: Live, kind: str) -> None:
    @fuzz_settings(WIRE_EXAMPLES_PER_KIND)
    @given(data=st.data())
    def run(data) -> None:
        case = data.draw(wire_cases(live, kind))
        rows, bodies = Graph.objects.count(), stored_body_count(live.server.media_root)
        answer = exchange(live.server.port, case.data, half_close=case.half_close, timeout=5)
        check_wire(live, case, answer, rows, bodies)
        assert live.server.alive(), f"the server went down after {case.kind}"
        report = audit_storage(timedelta(0))
        assert report.clean and not report.recent_bodies, report.findings()

    run()


def test_it_keeps_serving_while_clients_hold_bodies_they_never_finish(live):
    """Content-Length says more than ever comes and the client keeps the connection open."""
    held = []
    try:
        for _ in range(4):
            sock = socket.create_connection(("127.0.0.1", live.server.port), timeout=5)
            head = _post(live, [("Content-Type", "application/json"), ("Content-Length", "100000")])
            sock.sendall(head + b'{"metadata": ')
            held.append(sock)
        body = _tiny_graph()
        answer = exchange(
            live.server.port,
            _post(live, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            + body,
        )
        assert answer.status == 201, answer.body[:300]
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.3)  # let the server notice the disconnects
    assert live.server.alive()
    assert Graph.objects.count() == 1 and stored_body_count(live.server.media_root) == 1


def test_it_leaves_a_store_the_audit_command_finds_clean_and_a_log_without_tracebacks(live):
    body = _tiny_graph()
    head = _post(live, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    assert exchange(live.server.port, head + body).status == 201
    audit = subprocess.run(
        [sys.executable, str(REPO_ROOT / "manage.py"), "audit_storage", "--json",
         "--grace-minutes", "0"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
        env=_command_env(live.server),
    )  # fmt: skip
    assert audit.returncode == 0, audit.stdout + audit.stderr
    report = json.loads(audit.stdout)
    assert report["clean"] and report["graphs_checked"] == 1 and report["bodies_checked"] == 1
    log = live.server.log_text()
    assert "Traceback" not in log and "Internal Server Error" not in log, log[-3000:]


def _tiny_graph() -> bytes:
    return json.dumps(build_graph_document()).encode()


def _command_env(server: UploadServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in READ_BY_SETTINGS}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(DATABASE_URL=server.database_url, MEDIA_ROOT=str(server.media_root))
    return env
