"""Settings of the graph domain, read once from the environment through webapp.env's strict helpers.

A malformed value (say GRAPH_UPLOAD_MAX_BYTES=lots) stops the process at start with a message
that names the variable.
"""

from __future__ import annotations

from webapp.env import env_int, env_str, overridable

MB = 1024 * 1024

# Largest accepted graph JSON, counted after gzip decoding (and before, for gzip bodies).
GRAPH_UPLOAD_MAX_BYTES = env_int("GRAPH_UPLOAD_MAX_BYTES", 100 * MB, minimum=1024)
# A request body must arrive with no gap over REQUEST_BODY_IDLE_TIMEOUT_S seconds between two of
# its parts, and whole within REQUEST_BODY_TIMEOUT_S (600 s: 100 MB at 1.4 Mbit/s); else 408.
REQUEST_BODY_IDLE_TIMEOUT_S = env_int("REQUEST_BODY_IDLE_TIMEOUT_S", 30, minimum=1)
REQUEST_BODY_TIMEOUT_S = env_int("REQUEST_BODY_TIMEOUT_S", 600, minimum=1)
# Storage alias (settings.STORAGES) that holds graph bodies.
GRAPH_STORAGE_ALIAS = env_str("GRAPH_STORAGE_ALIAS", "default")
# gzip level of stored bodies: 6 is zlib's default balance of speed and size.
GRAPH_GZIP_LEVEL = env_int("GRAPH_GZIP_LEVEL", 6, minimum=1)
# Cache-Control max-age of GET /api/graphs/{id}/data/ (bodies never change once stored); always
# `private`, so only browsers keep a copy, never a shared cache.
GRAPH_DATA_MAX_AGE = env_int("GRAPH_DATA_MAX_AGE", 3600, minimum=0)

# Subgraph caps, so one saved view cannot grow without bound.
SUBGRAPH_MAX_PINNED = env_int("SUBGRAPH_MAX_PINNED", 2000, minimum=1)
SUBGRAPH_MAX_SUPERNODES = env_int("SUBGRAPH_MAX_SUPERNODES", 500, minimum=1)
SUBGRAPH_MAX_LABELS = env_int("SUBGRAPH_MAX_LABELS", 2000, minimum=1)
SUBGRAPH_MAX_LABEL_LENGTH = env_int("SUBGRAPH_MAX_LABEL_LENGTH", 500, minimum=1)

# Validation problems reported per upload before the validator stops listing more.
VALIDATION_MAX_PROBLEMS = env_int("VALIDATION_MAX_PROBLEMS", 200, minimum=1)
# CPU seconds one anonymous validation may use per pass over the body (a 100 MB graph takes
# about 4 s); past it the validator answers 413. 0: no budget. Signed-in uploads and validations
# have none: parsing is linear in the body, which the size limit bounds.
VALIDATION_ANONYMOUS_CPU_S = env_int("VALIDATION_ANONYMOUS_CPU_S", 10, minimum=0)


# One of the settings above, or a Django setting of the same name.
get = overridable(globals())
