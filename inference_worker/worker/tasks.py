"""Celery tasks, enqueued by name from the web tier onto the model's queue. Thin: the work is in
runner.py (jobs), preview.py (tokenize) and steer.py (interventions).

Delivery: acks_late + reject_on_worker_lost, so a killed pool child's message is redelivered;
the job's lease and the reaper cover what the broker cannot see (a killed main process)."""

from __future__ import annotations

import contextlib
import json
import logging

import redis
from celery import shared_task
from celery.signals import worker_ready, worker_shutdown

from graphs.generation import conf
from graphs.generation.registry import get_entry
from graphs.generation.services.dispatch import RUN_TASK, STEER_TASK, TOKENIZE_TASK
from inference_worker.worker import presence, reaper
from inference_worker.worker.runner import run_job, worker_name

log = logging.getLogger(__name__)
_TIME_LIMIT = conf.get("GENERATION_TIME_LIMIT_S")


@shared_task(
    name=RUN_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=_TIME_LIMIT,
    time_limit=_TIME_LIMIT + 30,  # the hard backstop: the pool kills the child
    ignore_result=True,
)
def run_generation(job_id: str) -> str:
    return run_job(job_id, worker_name())


@shared_task(name=TOKENIZE_TASK, ignore_result=True, acks_late=False)
def tokenize(model_id: str, prompt: str, reply_key: str) -> None:
    from inference_worker.worker.preview import preview

    entry = get_entry(model_id)
    try:
        if entry is None:
            raise ValueError(f"model {model_id} is not offered by this worker")
        answer = preview(entry, prompt)
    except Exception as exc:
        log.exception("tokenize for %s failed", model_id)
        answer = {"error": f"{type(exc).__name__}: {exc}"}
    _reply(reply_key, answer)


@shared_task(name=STEER_TASK, ignore_result=True, acks_late=False)
def steer(model_id: str, request: dict, reply_key: str) -> None:
    from inference_worker.worker.steer import steer as run_steer

    entry = get_entry(model_id)
    answer = (
        {"error": f"model {model_id} is not offered by this worker"}
        if entry is None
        else run_steer(entry, request)
    )
    _reply(reply_key, answer)


def _reply(reply_key: str, answer: dict) -> None:
    client = redis.Redis.from_url(conf.redis_url() or conf.broker_url())
    try:
        pipe = client.pipeline()
        pipe.rpush(reply_key, json.dumps(answer))
        pipe.expire(reply_key, 60)  # the web tier may have given up; do not leave it behind
        pipe.execute()
    finally:
        client.close()


@worker_ready.connect
def _start_reaper_and_presence(sender=None, **_kwargs) -> None:
    reaper.start()
    presence.start(worker_name(), _consumed_queues(sender))


@worker_shutdown.connect
def _withdraw_presence(**_kwargs) -> None:
    # If Redis is gone the announcement expires by itself.
    with contextlib.suppress(redis.RedisError):
        presence.withdraw(worker_name())


def _consumed_queues(consumer) -> list[str]:
    """The queues this worker takes tasks from (its -Q option, or the app's defaults)."""
    task_consumer = getattr(consumer, "task_consumer", None)
    if task_consumer is not None:
        return sorted(queue.name for queue in task_consumer.queues)
    return sorted(consumer.app.amqp.queues.consume_from)
