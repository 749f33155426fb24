"""Job progress events: the payload every client sees (REST and websocket) and its delivery to
the job's channel group.

Events are sent by services through `transaction.on_commit`, so a rolled-back write never
announces itself. With the in-memory channel layer (embedded mode) the layer's queues belong to
the server's event loop; events from the worker thread are therefore handed to that loop instead
of a private loop, which would not wake the consumers.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.urls import NoReverseMatch, reverse

if TYPE_CHECKING:
    from graphs.generation.models import GenerationJob

log = logging.getLogger(__name__)

_server_loop: asyncio.AbstractEventLoop | None = None
_loop_lock = threading.Lock()


def group_name(job_id: str) -> str:
    return f"job.{job_id}"


def graph_url(graph_id: Any) -> str:
    try:
        return reverse("graph-detail", args=[graph_id])
    except NoReverseMatch:  # pages not wired (API-only deployments): the canonical path
        return f"/graphs/{graph_id}/"


def job_payload(job: GenerationJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "model": job.model_id,
        "prompt": job.prompt,
        "slug": job.slug,
        "visibility": job.visibility,
        "settings": job.settings,
        "state": job.state,
        "phase": job.phase,
        "done": job.progress_done,
        "total": job.progress_total,
        "elapsed_s": job.elapsed_s(),
        "error": job.error,
        "attempts": job.attempts,
        "graph_id": job.graph_id,
        "graph_url": graph_url(job.graph_id) if job.graph_id else None,
        "version": job.version,
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def register_server_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Called by the consumer on connect: remembers the loop that owns in-memory layer queues."""
    global _server_loop
    with _loop_lock:
        _server_loop = loop


def _in_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def publish(job: GenerationJob) -> None:
    """Send the job's current state to its group. Never raises: a lost event must not fail a job
    (a client reconnecting gets the current state anyway)."""
    # sent_at: wall clock at sending, so a subscriber can measure event latency.
    message = {"type": "job.event", "job": job_payload(job), "sent_at": time.time()}
    if not group_send(group_name(job.id), message):
        log.error("could not publish progress of job %s", job.id)


def group_send(group: str, message: dict[str, Any]) -> bool:
    """Deliver `message` to a channel group from any thread; False (logged) when it failed."""
    layer = get_channel_layer()
    if layer is None:
        return True
    try:
        loop = _server_loop
        if isinstance(layer, InMemoryChannelLayer) and loop is not None and loop.is_running():
            future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop)
            if not _in_loop(loop):  # waiting from inside the loop's own thread would deadlock
                future.result(timeout=5)
        else:
            async_to_sync(layer.group_send)(group, message)
        return True
    except Exception:
        log.exception("could not send to channel group %s", group)
        return False
