"""Handing work to workers: Celery queues (one per model) when Redis is configured, else the
embedded runner inside this process (graphs/generation/runner.py). The web tier enqueues tasks by
name and never imports torch."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.db import connection as db_connection

from graphs.errors import InvalidInput, Unavailable
from graphs.generation import conf
from graphs.generation.availability import require_available
from graphs.generation.registry import ModelEntry
from graphs.generation.runner import embedded_runner

RUN_TASK = "generation.run"
TOKENIZE_TASK = "generation.tokenize"
STEER_TASK = "generation.steer"


def enqueue_job(job_id: str, entry: ModelEntry) -> None:
    if conf.embedded():
        embedded_runner().submit(job_id)
        return
    from webapp.celery import app

    with app.connection_for_write(conf.broker_url()) as connection:
        app.send_task(RUN_TASK, args=[job_id], queue=entry.queue, connection=connection)


def tokenize(entry: ModelEntry, prompt: str) -> dict[str, Any]:
    """The prompt's tokens and top next tokens, computed where the model is loaded."""
    require_available(entry)
    timeout = conf.get("GENERATION_TOKENIZE_TIMEOUT_S")
    if conf.embedded():
        try:
            return embedded_runner().tokenize(entry.id, prompt, timeout=timeout)
        except Exception as exc:  # the model failed to load here: say why, as a worker would
            raise Unavailable(
                f"model {entry.id} could not tokenize: {type(exc).__name__}: {exc}"
            ) from exc
    return _ask(entry, TOKENIZE_TASK, [entry.id, prompt], timeout, "tokenize")


def steer(entry: ModelEntry, request: dict[str, Any]) -> dict[str, Any]:
    """Default and steered continuations (engine `intervene`), computed on the model's worker."""
    require_available(entry)
    timeout = conf.get("STEER_TIMEOUT_S")
    if conf.embedded():
        answer = embedded_runner().steer(entry.id, request)
    else:
        answer = _ask(entry, STEER_TASK, [entry.id, request], timeout, "steer")
    if "invalid" in answer:
        # The engine names the request field it refused (interventions, max_new_tokens, ...).
        field = answer.get("field")
        if field:
            raise InvalidInput.on_field(field, answer["invalid"])
        raise InvalidInput(answer["invalid"])
    if "error" in answer:
        raise Unavailable(f"the worker for model {entry.id} could not steer: {answer['error']}")
    return answer


def _ask(entry: ModelEntry, task: str, args: list, timeout: int, what: str) -> dict[str, Any]:
    """Send `task` to the model's queue and wait `timeout` s for its reply."""
    import redis

    from webapp.celery import app

    # The reply comes back on a one-off Redis list; no Celery result backend is needed.
    reply_key = f"circuitscope:{what}:{secrets.token_urlsafe(12)}"
    with app.connection_for_write(conf.broker_url()) as connection:
        app.send_task(
            task,
            args=[*args, reply_key],
            queue=entry.queue,
            connection=connection,
            expires=timeout,  # a worker that frees up later must not waste time on it
        )
    # The wait may last `timeout` s: hand the database connection back first, so waiting requests
    # cannot starve the pool (or the server's connections) for everyone else.
    if not db_connection.in_atomic_block:
        db_connection.close()
    # redis-py >= 8 times sockets out after 5 s by default: longer than the blocking pop here.
    client = redis.Redis.from_url(conf.redis_url() or conf.broker_url(), socket_timeout=timeout + 5)
    try:
        reply = client.blpop([reply_key], timeout=timeout)
    finally:
        client.close()
    if reply is None:
        raise Unavailable(
            f"no worker for model {entry.id} (queue {entry.queue}) answered within {timeout} s; "
            "workers may be offline or busy"
        )
    answer = json.loads(reply[1])
    if what == "tokenize" and "error" in answer:
        raise Unavailable(f"the worker for model {entry.id} could not tokenize: {answer['error']}")
    return answer
