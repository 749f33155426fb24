"""A raw-socket HTTP/1.1 client for requests no polite client sends: Content-Length lies, bodies
cut off mid-way, hand-made chunked encoding. Reads one answer, or notes that none came."""

from __future__ import annotations

import contextlib
import socket
from dataclasses import dataclass, field


@dataclass
class Answer:
    status: int | None  # None: the server closed the connection (or stayed silent) without one
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    timed_out: bool = False


def request_head(
    method: str, path: str, headers: list[tuple[str, str]], *, host: str = "127.0.0.1"
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def chunked(body: bytes, sizes: list[int]) -> bytes:
    """`body` in chunks of the given sizes (cycled), with the terminating zero chunk."""
    out, at, i = [], 0, 0
    while at < len(body):
        size = max(1, sizes[i % len(sizes)])
        piece = body[at : at + size]
        out.append(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        at += size
        i += 1
    return b"".join(out) + b"0\r\n\r\n"


def exchange(port: int, data: bytes, *, half_close: bool = False, timeout: float = 5.0) -> Answer:
    """Send `data` as is; if half_close, then shut our side for writing (the server sees the end
    of the stream: uvicorn then drops the request, answered or not, so only for requests that
    never complete); read until the server closes or `timeout` passes in silence."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        # The server may answer early (413) and close before taking everything: read what it said.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)
        if half_close:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_WR)
        received = b""
        timed_out = False
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                timed_out = True
                break
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
    return parse_answer(received, timed_out)


def parse_answer(raw: bytes, timed_out: bool = False) -> Answer:
    if not raw.startswith(b"HTTP/"):
        return Answer(None, timed_out=timed_out)
    head, _, rest = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    body = rest
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = _unchunk(rest)
    elif "content-length" in headers:
        body = rest[: int(headers["content-length"])]
    return Answer(status, headers, body, timed_out)


def _unchunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += data[:size]
        data = data[size + 2 :]
    return out
