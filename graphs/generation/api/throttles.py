"""Per-user rate limits of the endpoints that occupy a model's worker (429 with Retry-After)."""

from __future__ import annotations

from rest_framework.throttling import UserRateThrottle

from graphs.generation import conf


class _PerMinute(UserRateThrottle):
    setting: str

    def get_rate(self) -> str:
        # Read per request, so a changed setting (tests, or a restart) applies at once.
        return f"{conf.get(self.setting)}/min"


class SteerThrottle(_PerMinute):
    scope = "steer"
    setting = "STEER_PER_MINUTE"


class TokenizeThrottle(_PerMinute):
    scope = "tokenize"
    setting = "TOKENIZE_PER_MINUTE"
