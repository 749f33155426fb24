"""Websocket consumers. /ws/jobs/{id}/ streams one generation job's progress.

On connect the client gets the job's current state at once (so a late subscriber misses
nothing), then every event. Only the job's owner may subscribe; anyone else is refused before
the handshake completes.
"""

from __future__ import annotations

import asyncio

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from graphs.generation import events
from graphs.generation.models import GenerationJob
from webapp.accounts.ws_auth import ClosesOnTokenRevocation
from webapp.channel_outages import ClosesWhenLayerIsDown
from webapp.ws_close_codes import REFUSED


@database_sync_to_async
def _visible_job(job_id: str, user) -> GenerationJob | None:
    job = GenerationJob.objects.filter(pk=job_id).first()
    return job if job is not None and job.visible_to(user) else None


@database_sync_to_async
def _reload(job_id: str) -> dict | None:
    job = GenerationJob.objects.filter(pk=job_id).first()
    return events.job_payload(job) if job is not None else None


class JobProgressConsumer(
    ClosesOnTokenRevocation, ClosesWhenLayerIsDown, AsyncJsonWebsocketConsumer
):
    async def connect(self) -> None:
        self.job_id = self.scope["url_route"]["kwargs"]["job_id"]
        self.group = None
        self.seen_version = -1
        job = await _visible_job(self.job_id, self.scope.get("user"))
        if job is None:
            await self.close(code=REFUSED)
            return
        events.register_server_loop(asyncio.get_running_loop())
        # Join first, then read: an event between the two is not lost, and older ones are
        # dropped by version.
        self.group = events.group_name(self.job_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self._send_state(await _reload(self.job_id))

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        # Nothing to receive; a client may send anything to ask for the current state again.
        await self._send_state(await _reload(self.job_id), force=True)

    async def job_event(self, event: dict) -> None:
        await self._send_state(event["job"], sent_at=event.get("sent_at"))

    async def _send_state(self, job: dict | None, *, force: bool = False, sent_at=None) -> None:
        if job is None or (not force and job["version"] <= self.seen_version):
            return
        self.seen_version = max(self.seen_version, job["version"])
        message = {"type": "job", "job": job}
        if sent_at is not None:
            message["sent_at"] = sent_at
        await self.send_json(message)
        if job["state"] in GenerationJob.FINAL_STATES:
            await self.close()
