"""The production process for real: collectstatic, then uvicorn with two workers serving
`webapp.asgi:application` under production settings, as docker/Dockerfile.web does."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

import pytest

from tests.support.net import free_port
from tests.support.settings_env import READ_BY_SETTINGS, REPO_ROOT, manage, production_env

pytestmark = pytest.mark.slow


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    env = {
        **production_env(),
        "ALLOWED_HOSTS": "circuitscope.example.org,127.0.0.1",
        "CIRCUITSCOPE_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}",
        "TRUST_X_FORWARDED_PROTO": "true",
        "TRUSTED_PROXIES": "127.0.0.1",
        "REQUEST_BODY_IDLE_TIMEOUT_S": "2",
    }
    assert manage("collectstatic", "--noinput", env=env, timeout=180).returncode == 0
    assert manage("migrate", "--noinput", env=env, timeout=180).returncode == 0
    port = free_port()
    child_env = {k: v for k, v in os.environ.items() if k not in READ_BY_SETTINGS}
    child_env.update(env)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "webapp.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
            "--no-proxy-headers",
        ],
        cwd=REPO_ROOT,
        env=child_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if fetch(base + "/healthz/")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None:
                pytest.fail(f"uvicorn exited: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
        else:
            pytest.fail("uvicorn did not answer /healthz/ in 20 s")
        yield base, Path(var)
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_the_health_probe_answers_on_plain_http(server):
    base, _ = server
    status, _, body = fetch(base + "/healthz/")
    assert status == 200 and body == b'{"status": "ok"}'


def test_plain_http_is_redirected_to_https(server):
    base, _ = server
    status, headers, _ = fetch(base + "/", {"Host": "circuitscope.example.org"})
    assert status == 301 and headers["Location"] == "https://circuitscope.example.org/"


def test_pages_behind_the_tls_proxy_are_served_with_security_headers(server):
    base, _ = server
    status, headers, body = fetch(
        base + "/", {"Host": "circuitscope.example.org", "X-Forwarded-Proto": "https"}
    )
    assert status == 200 and b"Circuitscope" in body
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_host_is_refused(server):
    base, _ = server
    status, _, _ = fetch(base + "/", {"Host": "evil.example.com", "X-Forwarded-Proto": "https"})
    assert status == 400


def test_static_files_are_hashed_and_served_by_whitenoise(server):
    base, var = server
    hashed = [p.name for p in (var / "staticfiles" / "css").glob("site.*.css")]
    assert hashed, "collectstatic wrote no hashed stylesheet"
    _, _, page = fetch(
        base + "/", {"Host": "circuitscope.example.org", "X-Forwarded-Proto": "https"}
    )
    assert f"/static/css/{hashed[0]}".encode() in page
    status, headers, _ = fetch(
        f"{base}/static/css/{hashed[0]}",
        {"Host": "circuitscope.example.org", "X-Forwarded-Proto": "https"},
    )
    assert status == 200 and "immutable" in headers["Cache-Control"]


def test_a_client_trickling_its_body_is_cut_off(server):
    base, _ = server
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=15) as conn:
        conn.sendall(
            b"POST /api/validate/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
        )
        started = time.monotonic()
        answer = conn.recv(4096)  # nothing more is sent: the server must give up by itself
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert 1.5 < waited < 10
