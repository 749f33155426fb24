"""The in-process runner of embedded mode, found by its dotted path in the settings.

The domain never imports the worker package: `GENERATION_EMBEDDED_RUNNER` (webapp/settings.py)
names a module that provides the functions of `EmbeddedRunner`, and this looks it up on first
use. The worker side implements it with the same `run_job` as its Celery task, so a job runs
the same way in a thread of the server, in a management command and on a GPU worker.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, Protocol, cast

from django.conf import settings


class EmbeddedRunner(Protocol):
    def submit(self, job_id: str) -> None:
        """Queue a job for the server's worker thread."""

    def run_now(self, job_id: str) -> str:
        """Run a job to its end in the calling thread; returns its outcome ("succeeded", ...)."""

    def tokenize(self, model_id: str, prompt: str, *, timeout: float) -> dict[str, Any]:
        """The prompt's tokens and top next tokens, computed in this process."""

    def steer(self, model_id: str, request: dict[str, Any]) -> dict[str, Any]:
        """Default and steered continuations, computed in this process."""

    def missing_weights(self, model_id: str) -> str | None:
        """Why this process cannot run the model (its weights are not here), or None."""


def embedded_runner() -> EmbeddedRunner:
    return cast(EmbeddedRunner, import_module(settings.GENERATION_EMBEDDED_RUNNER))
