"""The reaper: a daemon thread in every worker process (and the embedded server) that requeues
jobs whose worker died, once, then fails them with "worker lost", fails queued jobs that no live
worker can run, and sends again the message of a job queued for too long (the broker may have
lost it). The broker's own redelivery is
not enough: Redis waits `visibility_timeout` (an hour) before redelivering an unacknowledged
message, and a killed main process acknowledges nothing."""

from __future__ import annotations

import logging
import threading

from django.db import connection

from graphs.generation import conf

log = logging.getLogger(__name__)
_started = threading.Event()


def reap_once() -> list[tuple[str, str]]:
    from graphs.generation.services.jobs import fail_unserved, reap_expired, resend_stale_queued

    outcomes = reap_expired()
    # A queued job whose model no live worker can run fails with the reason, after a while.
    outcomes += [(job_id, "unserved") for job_id in fail_unserved()]
    # A queued job whose message the broker lost (a restart without persistence) is sent again.
    return outcomes + [(job_id, "resent") for job_id in resend_stale_queued()]


def _loop(stop: threading.Event) -> None:
    interval = conf.get("GENERATION_REAPER_INTERVAL_S")
    while not stop.wait(interval):
        try:
            reap_once()
        except Exception:
            log.exception("reaper pass failed")
        finally:
            connection.close()


def start(stop: threading.Event | None = None) -> None:
    """Start the reaper thread once per process."""
    if _started.is_set():
        return
    _started.set()
    threading.Thread(
        target=_loop, args=(stop or threading.Event(),), name="reaper", daemon=True
    ).start()
