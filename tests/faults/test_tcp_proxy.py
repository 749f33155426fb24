"""The fault-injection proxy itself: it forwards, refuses, drops, stalls and recovers."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest

from tests.faults.tcp_proxy import TcpProxy


@pytest.fixture
def echo_port() -> Iterator[int]:
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    stop = threading.Event()

    def echo(conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:
            while data := conn.recv(4096):
                conn.sendall(data)

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=echo, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(1)
    server.close()


@pytest.fixture
def proxy(echo_port) -> Iterator[TcpProxy]:
    with TcpProxy("127.0.0.1", echo_port) as p:
        yield p


def connect(proxy: TcpProxy) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", proxy.port), timeout=2)
    return sock


def roundtrip(sock: socket.socket, data: bytes = b"ping") -> bytes:
    sock.sendall(data)
    return sock.recv(4096)


def assert_cut(sock: socket.socket) -> None:
    """The connection is dead: writing fails, or reading finds it reset or closed."""
    with sock:
        try:
            answer = roundtrip(sock)
        except (ConnectionResetError, BrokenPipeError):
            return
        assert answer == b"", answer


def test_it_forwards_both_ways(proxy):
    with connect(proxy) as sock:
        assert roundtrip(sock, b"hello") == b"hello"


def test_it_resets_new_connections_while_refusing_then_accepts_again(proxy):
    proxy.refuse()
    try:
        sock = connect(proxy)
    except (ConnectionResetError, BrokenPipeError):  # reset before connect() even returned
        pass
    else:
        assert_cut(sock)
    proxy.restore()
    with connect(proxy) as sock:
        assert roundtrip(sock) == b"ping"


def test_it_drops_open_connections(proxy):
    sock = connect(proxy)
    assert roundtrip(sock) == b"ping"
    assert proxy.drop_connections() == 1
    assert_cut(sock)
    assert proxy.open_connections == 0


def test_it_stalls_while_paused_and_delivers_after(proxy):
    with connect(proxy) as sock:
        assert roundtrip(sock) == b"ping"
        proxy.pause()
        sock.settimeout(0.3)
        sock.sendall(b"held")
        with pytest.raises(TimeoutError):
            sock.recv(4096)
        proxy.restore()
        sock.settimeout(2)
        assert sock.recv(4096) == b"held"


def test_it_frees_its_port_when_closed(echo_port):
    with TcpProxy("127.0.0.1", echo_port) as p:
        port = p.port
        sock = connect(p)
    assert_cut(sock)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2)
