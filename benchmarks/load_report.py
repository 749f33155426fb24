"""Figures of one load level from locust's statistics and psutil, and the printed table."""

from __future__ import annotations

from typing import Any

METADATA_ENDPOINT = "GET /api/graphs/{id}/"
GOAL_P99_MS = 50.0
GOAL_USERS = 200
PERCENTILES = {"p50_ms": 0.50, "p95_ms": 0.95, "p99_ms": 0.99}


def endpoint_figures(stats, duration_s: float) -> dict[str, dict[str, Any]]:
    """Per endpoint (locust request name): counts, rate and latency percentiles."""
    out: dict[str, dict[str, Any]] = {}
    for (name, _method), entry in sorted(stats.entries.items()):
        if not entry.num_requests:
            continue
        out[name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "rps": round(entry.num_requests / duration_s, 2),
            "mean_ms": round(entry.avg_response_time, 1),
            **{key: entry.get_response_time_percentile(q) for key, q in PERCENTILES.items()},
            "max_ms": round(entry.max_response_time or 0, 1),
        }
    return out


def error_figures(stats) -> list[dict[str, Any]]:
    return [
        {"endpoint": e.name, "method": e.method, "error": str(e.error), "count": e.occurrences}
        for e in stats.errors.values()
    ]


def cpu_seconds(processes) -> float:
    total = 0.0
    for proc in processes:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except Exception:  # a process that ended meanwhile counts what it had
            continue
    return total


def summary(levels: list[dict[str, Any]]) -> dict[str, Any]:
    clean = [level for level in levels if level["failures"] == 0]
    at_goal = next((level for level in levels if level["users"] == GOAL_USERS), None)
    metadata_p99 = (
        at_goal["endpoints"].get(METADATA_ENDPOINT, {}).get("p99_ms") if at_goal else None
    )
    return {
        "rps_held_at_zero_errors": max((level["rps"] for level in clean), default=0.0),
        "users_at_that_rate": max(clean, key=lambda level: level["rps"])["users"]
        if clean
        else None,
        "goal": {
            "what": f"{METADATA_ENDPOINT} p99 < {GOAL_P99_MS:g} ms at {GOAL_USERS} users",
            "p99_ms": metadata_p99,
            "met": metadata_p99 is not None and metadata_p99 < GOAL_P99_MS,
        },
    }


def print_table(levels: list[dict[str, Any]], overall: dict[str, Any]) -> None:
    header = f"{'endpoint':42} {'reqs':>6} {'fail':>5} {'rps':>7} {'p50':>6} {'p95':>6} {'p99':>6}"
    for level in levels:
        cpu = level["cpu"]
        print(
            f"\n== {level['users']} users, {level['duration_s']:.0f} s: {level['rps']:.1f} req/s, "
            f"{level['failures']} failures, {level['quota_429']} generation 429s (quota, expected)"
        )
        print(
            f"   CPU (share of {cpu['cores']} cores): machine {cpu['machine_pct']:.0f}%, "
            f"load generator {cpu['load_generator_pct']:.0f}%, server {cpu['server_pct']:.0f}%, "
            f"celery worker {cpu['worker_pct']:.0f}%; PostgreSQL connections to the benchmark "
            f"database, peak {level['pg_connections_peak']}"
        )
        print(header)
        for name, e in level["endpoints"].items():
            print(
                f"{name:42} {e['requests']:>6} {e['failures']:>5} {e['rps']:>7.1f} "
                f"{e['p50_ms']:>6.0f} {e['p95_ms']:>6.0f} {e['p99_ms']:>6.0f}"
            )
        for error in level["errors"][:10]:
            print(
                f"   error x{error['count']}: {error['method']} {error['endpoint']}: {error['error'][:160]}"
            )
    goal = overall["goal"]
    print(
        f"\nrequests/s held at 0 errors: {overall['rps_held_at_zero_errors']:.1f} "
        f"(at {overall['users_at_that_rate']} users)"
    )
    print(
        f"goal {goal['what']}: p99 = {goal['p99_ms']} ms -> {'met' if goal['met'] else 'NOT met'}"
    )
