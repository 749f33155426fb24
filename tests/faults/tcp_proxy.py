"""A small TCP proxy on loopback that injects network faults between our processes and a shared
server (PostgreSQL, Redis), so the shared servers themselves are never stopped.

Controls, each effective at once and safe from any thread:
- `refuse()`: new connections are accepted and reset at once (as a server that is down);
- `drop_connections()`: every proxied connection is reset, both ends;
- `pause()`: nothing is forwarded (bytes wait in the kernel's buffers) and new connections hang,
  as a network stall; `restore()` lets everything flow again;
- `restore()`: back to normal forwarding.
`outage()` is refuse + drop for the duration of a `with` block.
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading
from collections.abc import Iterator

_POLL_S = 0.05  # how often idle threads look at the controls
_CHUNK = 65536


def _reset(sock: socket.socket) -> None:
    """Cut the connection now, ending with an RST: the peer sees it reset, as on a crash."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    # shutdown() acts at once; close() alone waits while a pump thread's select() still holds
    # the socket, and meanwhile the server could hand a message to a connection being dropped.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._refusing = False
        self._flowing = threading.Event()
        self._flowing.set()
        self._closed = threading.Event()
        self.accepted = 0  # connections accepted and forwarded, for the proxy's own tests
        self._acceptor = threading.Thread(target=self._accept_loop, name="tcp-proxy", daemon=True)
        self._acceptor.start()

    # --- controls ---
    def refuse(self) -> None:
        with self._lock:
            self._refusing = True

    def drop_connections(self) -> int:
        """Reset every proxied connection; returns how many there were."""
        with self._lock:
            pairs, self._pairs = self._pairs, set()
        for client, upstream in pairs:
            _reset(client)
            _reset(upstream)
        return len(pairs)

    def pause(self) -> None:
        self._flowing.clear()

    def restore(self) -> None:
        with self._lock:
            self._refusing = False
        self._flowing.set()

    @contextlib.contextmanager
    def outage(self) -> Iterator[None]:
        self.refuse()
        self.drop_connections()
        try:
            yield
        finally:
            self.restore()

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._pairs)

    def close(self) -> None:
        self._closed.set()
        self._flowing.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        self.drop_connections()
        self._acceptor.join(timeout=5)

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- the forwarding ---
    def _accept_loop(self) -> None:
        while not self._closed.is_set():
            try:
                ready, _, _ = select.select([self._listener], [], [], _POLL_S)
                if not ready:
                    continue
                client, _ = self._listener.accept()
            except OSError:
                return  # the listener was closed
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        # A stalled network: the connection hangs before anything reaches the server.
        while not self._flowing.wait(_POLL_S):
            if self._closed.is_set():
                break
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            _reset(client)
            return
        upstream.settimeout(None)
        pair = (client, upstream)
        # Checked and registered under one lock: a connection is either registered before an
        # outage begins (and dropped by it) or sees the refusal; none slips through in between.
        with self._lock:
            admitted = not self._refusing and not self._closed.is_set()
            if admitted:
                self._pairs.add(pair)
                self.accepted += 1
        if not admitted:
            _reset(client)
            _reset(upstream)
            return
        try:
            self._pump(client, upstream)
        finally:
            with self._lock:
                dropped = pair not in self._pairs
                self._pairs.discard(pair)
            if not dropped:  # an orderly end: pass the close on
                for sock in pair:
                    with contextlib.suppress(OSError):
                        sock.close()

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        peer = {client: upstream, upstream: client}
        while not self._closed.is_set():
            if not self._flowing.wait(_POLL_S):
                continue
            try:
                ready, _, _ = select.select([client, upstream], [], [], _POLL_S)
                for sock in ready:
                    data = sock.recv(_CHUNK)
                    if not data:
                        return
                    peer[sock].sendall(data)
            except (OSError, ValueError):  # reset by a peer, or dropped by drop_connections()
                return
