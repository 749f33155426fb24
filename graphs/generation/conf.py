"""Settings of on-demand generation, read from the environment through webapp/env.py.

They live beside the generation app rather than in webapp/settings.py. Each value may be
overridden by a Django setting of the same name (tests use pytest-django's `settings` fixture);
the environment gives the default, so a separate worker process picks the same values up.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from webapp.env import env_bool, env_int, env_str, overridable

_DEFAULTS: dict[str, Any] = {
    # Quotas of the default tier, which every account has.
    "GENERATION_JOBS_PER_HOUR": env_int("GENERATION_JOBS_PER_HOUR", 20, minimum=0),
    "GENERATION_MAX_QUEUED": env_int("GENERATION_MAX_QUEUED", 2, minimum=0),
    # Hard wall-clock limit per job, checked by the worker and enforced by Celery.
    "GENERATION_TIME_LIMIT_S": env_int("GENERATION_TIME_LIMIT_S", 900, minimum=1),
    # A running job's lease; the worker renews it every heartbeat. An expired lease means the
    # worker died: the reaper requeues the job once, then fails it with "worker lost".
    "GENERATION_LEASE_S": env_int("GENERATION_LEASE_S", 60, minimum=2),
    "GENERATION_HEARTBEAT_S": env_int("GENERATION_HEARTBEAT_S", 10, minimum=1),
    "GENERATION_REAPER_INTERVAL_S": env_int("GENERATION_REAPER_INTERVAL_S", 15, minimum=1),
    "GENERATION_MAX_ATTEMPTS": env_int("GENERATION_MAX_ATTEMPTS", 2, minimum=1),
    # How long a job may stay queued before its message is presumed lost and sent again: a broker
    # restarted without persistence, or a send that failed while Redis was down, loses a message
    # that no worker then takes. A duplicate is harmless (claim() runs a job once).
    "GENERATION_QUEUED_RESEND_S": env_int("GENERATION_QUEUED_RESEND_S", 300, minimum=1),
    # How long the tokenize preview waits for a worker before answering 503.
    "GENERATION_TOKENIZE_TIMEOUT_S": env_int("GENERATION_TOKENIZE_TIMEOUT_S", 5, minimum=1),
    # Steering (interventions): how long a request waits for the model's worker before a 503,
    # and how many steering requests one user may make per minute (then 429).
    "STEER_TIMEOUT_S": env_int("STEER_TIMEOUT_S", 30, minimum=1),
    "STEER_PER_MINUTE": env_int("STEER_PER_MINUTE", 20, minimum=1),
    # Tokenize previews one user may ask for per minute (then 429): each occupies a worker.
    "TOKENIZE_PER_MINUTE": env_int("TOKENIZE_PER_MINUTE", 60, minimum=1),
    # How often a Celery worker announces its queues and which of their models it can run; the
    # announcement lapses after three missed beats (graphs/generation/availability.py).
    "GENERATION_PRESENCE_S": env_int("GENERATION_PRESENCE_S", 10, minimum=1),
    # A queued job whose model no live worker can run fails after this long, with the reason.
    "GENERATION_UNSERVED_FAIL_S": env_int("GENERATION_UNSERVED_FAIL_S", 120, minimum=1),
    # Progress events per second per job, at most (phase changes always go out).
    "GENERATION_EVENTS_PER_S": env_int("GENERATION_EVENTS_PER_S", 5, minimum=1),
    # A JSON file of extra or replacement registry entries (see graphs/generation/registry.py).
    "GENERATION_MODELS_FILE": env_str("GENERATION_MODELS_FILE"),
    # Embedded mode (worker thread in the server) unless REDIS_URL is set; may be forced.
    "GENERATION_EMBEDDED": env_bool("GENERATION_EMBEDDED", not env_str("REDIS_URL")),
}


# One generation setting: a Django setting if defined, else the environment's value.
get = overridable(_DEFAULTS)


def embedded() -> bool:
    return bool(get("GENERATION_EMBEDDED"))


def broker_url() -> str:
    return getattr(settings, "CELERY_BROKER_URL", None) or "memory://"


def redis_url() -> str | None:
    return getattr(settings, "REDIS_URL", None)
