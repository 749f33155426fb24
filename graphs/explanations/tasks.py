"""Celery entry points of the explanations app (queue AUTOINTERP_QUEUE, default `autointerp`).
Thin: the run's body is services/autointerp_runs.execute_run."""

from __future__ import annotations

from celery import shared_task

from graphs.explanations.services.autointerp_runs import TASK_NAME, execute_run


@shared_task(name=TASK_NAME, acks_late=True)
def autointerp_run(run_id: str) -> str:
    return execute_run(run_id).state
