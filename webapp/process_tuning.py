"""Interpreter settings for a web server process, applied once its application is loaded.

Under load a uvicorn worker runs its event loop and several request threads in one interpreter:
- `gc.freeze()` moves everything imported at start-up (Django, DRF, the URLconf, the models) to a
  generation the collector never scans again, so a full collection walks the request's objects
  only, not some 400,000 long-lived ones; and a larger first-generation threshold makes the
  young collections, which a JSON answer of a few thousand objects triggers several times, rarer.
  Both cut the pauses that land on whichever request happens to allocate at the wrong moment.
- A shorter GIL switch interval (5 ms by default): a thread that returns from the database or
  Redis waits at most this long for a CPU-bound thread to let it run, which is queueing latency
  for short requests stuck behind a long one.
"""

from __future__ import annotations

import gc
import sys

from webapp.env import env_bool

# Defaults: (700, 10, 10) and 5 ms.
GC_GEN0_THRESHOLD = 50_000
SWITCH_INTERVAL_S = 0.001


def tune_server_process() -> None:
    """Freeze the start-up heap and set the collector and GIL switching for serving requests.
    WEB_PROCESS_TUNING=false leaves the interpreter's defaults."""
    if not env_bool("WEB_PROCESS_TUNING", True):
        return
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GC_GEN0_THRESHOLD, gen1, gen2)
    sys.setswitchinterval(SWITCH_INTERVAL_S)
