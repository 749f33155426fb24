"""Subgraph save rate limits, per user: RATELIMIT_SUBGRAPHS_PER_HOUR new subgraphs (saved or
copied: each adds an entry to the graph's lists and activity) and RATELIMIT_SUBGRAPH_SAVES_PER_HOUR
saves of any kind (overwrites included), so one account cannot flood a public graph's lists.
Over a limit the API answers 429 with Retry-After."""

from __future__ import annotations

from graphs.errors import QuotaExceeded
from webapp.ratelimit import hit, setting_limit


def throttle_subgraph_save(user, *, new: bool) -> None:
    """Count one save by `user`; raise QuotaExceeded (429) when it is over a limit."""
    checks = [("subgraph_saves", "RATELIMIT_SUBGRAPH_SAVES_PER_HOUR", "saves")]
    if new:
        checks.append(("subgraph_new", "RATELIMIT_SUBGRAPHS_PER_HOUR", "new subgraphs"))
    for name, setting, what in checks:
        limit = setting_limit(name, setting, 3600)
        wait = hit(limit, f"user:{user.pk}")
        if wait is not None:
            raise QuotaExceeded(
                f"subgraph limit reached: at most {limit.max_hits} {what} per hour",
                retry_after_s=wait,
            )
