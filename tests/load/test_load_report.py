"""The load benchmark's summary: the rate held at zero errors and the metadata goal at 200 users
(benchmarks/load_report.py; the figures themselves come from running benchmarks/load.py)."""

from __future__ import annotations

from benchmarks.load_report import METADATA_ENDPOINT, summary


def level(users: int, rps: float, failures: int, metadata_p99: float) -> dict:
    return {
        "users": users,
        "rps": rps,
        "failures": failures,
        "endpoints": {METADATA_ENDPOINT: {"p99_ms": metadata_p99}},
    }


def test_it_reports_the_highest_rate_of_the_levels_without_errors():
    result = summary([level(50, 24.0, 0, 20), level(100, 48.0, 0, 30), level(200, 80.0, 3, 40)])
    assert result["rps_held_at_zero_errors"] == 48.0
    assert result["users_at_that_rate"] == 100


def test_it_meets_the_goal_only_below_50_ms_at_200_users():
    assert summary([level(200, 90.0, 0, 49)])["goal"]["met"] is True
    assert summary([level(200, 90.0, 0, 50)])["goal"]["met"] is False
    assert summary([level(100, 50.0, 0, 10)])["goal"] == {
        "what": f"{METADATA_ENDPOINT} p99 < 50 ms at 200 users",
        "p99_ms": None,
        "met": False,
    }


def test_it_holds_nothing_when_every_level_had_errors():
    result = summary([level(50, 24.0, 1, 20)])
    assert result["rps_held_at_zero_errors"] == 0.0 and result["users_at_that_rate"] is None
