"""Upload rate limit: RATELIMIT_UPLOADS_PER_HOUR graph or dashboard uploads per user per hour.

Every upload attempt counts, accepted or not: validating a large body is the cost being limited.
The upload page posts to the same API endpoint, so one limit covers both. Over the limit the API
answers 429 with Retry-After and a message (DRF's Throttled).
"""

from __future__ import annotations

from rest_framework.exceptions import Throttled

from webapp.ratelimit import hit, setting_limit


def throttle_upload(user) -> None:
    """Count one upload by `user`; raise Throttled (429) when it is over the hourly limit."""
    limit = setting_limit("upload", "RATELIMIT_UPLOADS_PER_HOUR", 3600)
    wait = hit(limit, f"user:{user.pk}")
    if wait is not None:
        raise Throttled(
            wait=wait,
            detail=f"Upload limit reached: at most {limit.max_hits} uploads per hour.",
        )
