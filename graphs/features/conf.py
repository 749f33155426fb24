"""Settings of the feature-dashboard part, read strictly from the environment (webapp.env)."""

from __future__ import annotations

from pathlib import Path

from webapp.env import env_int, env_str, overridable

_REPO_ROOT = Path(__file__).resolve().parent.parent.parent

# Where the shipped demo dashboards live (compressed), see inference_worker/demo/assets/.
DEMO_DASHBOARDS_DIR = Path(
    env_str(
        "CIRCUITSCOPE_DEMO_DASHBOARDS_DIR",
        str(_REPO_ROOT / "inference_worker" / "demo" / "assets" / "dashboards"),
    )
)

# The public origin that graphs we generate use in `metadata.feature_details.feature_json_base_url`
# (e.g. "https://circuitscope.example.org"). Empty: a site-relative URL ("/api/features/...").
PUBLIC_BASE_URL = (env_str("CIRCUITSCOPE_PUBLIC_BASE_URL", "") or "").rstrip("/")

# A graph's explorer asks for all its feature nodes at once; bound a batch so one request cannot
# ask the database for an unbounded IN list.
BATCH_MAX_FEATURES = env_int("FEATURES_BATCH_MAX", 1000, minimum=1)

# Uploads of researchers' dashboards: total bytes of one request and number of features in it.
UPLOAD_MAX_BYTES = env_int("FEATURES_UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
UPLOAD_MAX_FEATURES = env_int("FEATURES_UPLOAD_MAX_FEATURES", 5000, minimum=1)
# Dashboard uploads parsed at once per server process (each may hold up to UPLOAD_MAX_BYTES of
# dashboards as Python objects); one more answers 503 with Retry-After.
UPLOAD_CONCURRENCY = env_int("FEATURES_UPLOAD_CONCURRENCY", 2, minimum=1)


# One of the settings above, or a Django setting of the same name.
get = overridable(globals())
