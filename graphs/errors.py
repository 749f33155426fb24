"""Errors of the write paths. The API maps them to status codes; each carries readable problems."""

from __future__ import annotations

from graphs.validation import Problem


class ServiceError(Exception):
    status_code = 400

    def __init__(
        self, message: str, problems: list[Problem] | None = None, **extra: object
    ) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []
        self.extra = extra


class GraphRejected(ServiceError):
    """The graph (or a field given with it) is invalid; nothing was stored."""


class NotAllowed(ServiceError):
    status_code = 403


class StaleVersion(ServiceError):
    """An update named a version that is no longer current (someone saved in between)."""

    status_code = 409
