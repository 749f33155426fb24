"""Which models can run now, and why not: the answer behind /api/models/, the generate form and
every submission, tokenize preview and steering request.

A model can run when a live worker consumes its queue and has its weights on its machine. With
Redis, workers announce themselves under `PRESENCE_PREFIX` keys (inference_worker/worker/
presence.py writes them; they expire when a worker stops beating). Embedded, the server is the
worker: the embedded runner checks the weights in this process.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass

import redis

from graphs.errors import Unavailable
from graphs.generation import conf
from graphs.generation.registry import ModelEntry, all_entries
from graphs.generation.runner import embedded_runner

log = logging.getLogger(__name__)

PRESENCE_PREFIX = "circuitscope:worker:"
# The weights on a disk change rarely; an embedded check is reused this long.
_EMBEDDED_CHECK_TTL_S = 30.0
_embedded_checks: dict[str, tuple[float, str | None]] = {}


@dataclass(frozen=True)
class Availability:
    available: bool
    reason: str = ""  # why not, in words, when unavailable
    # False when the workers could not be asked (Redis unreachable): nothing is refused or failed
    # on that ground; a submission is recorded and its job sent once Redis is back.
    checked: bool = True


@dataclass(frozen=True)
class WorkerPresence:
    """One live worker as it announced itself: its queues, and per model id why it cannot run
    that model (None: it can)."""

    name: str
    queues: tuple[str, ...]
    models: dict[str, str | None]


def presence_payload(queues: list[str], models: dict[str, str | None]) -> str:
    """What a worker writes under its presence key (the reader is `_presence`)."""
    return json.dumps({"queues": queues, "models": models})


def _presence() -> tuple[list[WorkerPresence], bool]:
    """(live workers, whether their absence means anything): for three presence intervals after
    Redis (re)started, announcements it lost are not made again yet, so an absent worker may be
    alive."""
    url = conf.redis_url() or conf.broker_url()
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return [], True  # workers announce themselves in Redis; another broker has nobody
    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        keys = list(client.scan_iter(match=PRESENCE_PREFIX + "*", count=100))
        values = client.mget(keys) if keys else []
        uptime_s = int(client.info("server").get("uptime_in_seconds", 0))
    finally:
        client.close()
    settled = uptime_s >= 3 * int(conf.get("GENERATION_PRESENCE_S"))
    return _parse(keys, values), settled


def _parse(keys: list[bytes], values: list[bytes | None]) -> list[WorkerPresence]:
    workers = []
    for key, value in zip(keys, values, strict=True):
        if value is None:  # expired between the scan and the read
            continue
        try:
            data = json.loads(value)
            workers.append(
                WorkerPresence(
                    name=key.decode().removeprefix(PRESENCE_PREFIX),
                    queues=tuple(data["queues"]),
                    models={str(k): v for k, v in data["models"].items()},
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("ignoring a malformed worker presence under %r", key)
    return workers


def availability_of(entries: list[ModelEntry]) -> dict[str, Availability]:
    """Per model id; one look at the workers' presence for all of them."""
    if conf.embedded():
        return {entry.id: _embedded(entry) for entry in entries}
    try:
        workers, settled = _presence()
    except redis.RedisError as exc:
        reason = f"the job queue (Redis) cannot be reached: {exc}"
        return {entry.id: Availability(False, reason, checked=False) for entry in entries}
    return {entry.id: _from_presence(entry, workers, settled) for entry in entries}


def availability(entry: ModelEntry) -> Availability:
    return availability_of([entry])[entry.id]


def all_availability() -> dict[str, Availability]:
    return availability_of(all_entries())


def require_available(entry: ModelEntry) -> None:
    """Unavailable (a 503 naming the reason) unless the model can run now."""
    state = availability(entry)
    if state.checked and not state.available:
        raise Unavailable(f"model {entry.id} cannot run now: {state.reason}")


def _from_presence(entry: ModelEntry, workers: list[WorkerPresence], settled: bool) -> Availability:
    serving = [w for w in workers if entry.queue in w.queues]
    if not serving:
        silent_s = 3 * int(conf.get("GENERATION_PRESENCE_S"))
        reason = f"no worker serves its queue {entry.queue} (none announced itself in {silent_s} s)"
        if not settled:
            reason = f"no worker has announced its queue {entry.queue} since Redis started"
        return Availability(False, reason, checked=settled)
    reasons = [w.models.get(entry.id, "the worker does not know this model") for w in serving]
    if any(reason is None for reason in reasons):
        return Availability(True)
    return Availability(False, str(reasons[0]))


def _embedded(entry: ModelEntry) -> Availability:
    now = time.monotonic()
    checked = _embedded_checks.get(entry.id)
    if checked is None or now - checked[0] > _EMBEDDED_CHECK_TTL_S:
        checked = (now, embedded_runner().missing_weights(entry.id))
        _embedded_checks[entry.id] = checked
    reason = checked[1]
    return Availability(reason is None, reason or "")
