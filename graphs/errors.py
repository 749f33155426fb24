"""Errors of the domain's services, one convention for every app.

A service refuses by raising a `ServiceError` subclass: a message, the problems it found (each
tied to the request field or JSON path it concerns) and the HTTP status that says what kind of
refusal it is. The API turns them into responses in one place (graphs/api/errors.py).
"""

from __future__ import annotations

from graphs.validation import Problem


class ServiceError(Exception):
    status_code = 400

    def __init__(
        self,
        message: str,
        problems: list[Problem] | None = None,
        *,
        retry_after_s: int | None = None,
        **extra: object,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []
        self.retry_after_s = retry_after_s
        self.extra = extra

    @classmethod
    def on_field(cls, field: str, message: str, **kwargs: object) -> ServiceError:
        """A refusal about one field of the request: the message is the problem's."""
        return cls(message, [Problem(field, message)], **kwargs)


class InvalidInput(ServiceError):
    """The request is invalid; nothing was changed."""


class GraphRejected(InvalidInput):
    """The graph (or a field given with it) is invalid; nothing was stored."""


class NotAllowed(ServiceError):
    status_code = 403


class Conflict(ServiceError):
    """The request does not fit the resource's current state (e.g. cancelling a finished job)."""

    status_code = 409


class StaleVersion(Conflict):
    """An update named a version that is no longer current (someone saved in between)."""


class QuotaExceeded(ServiceError):
    """A limit of the user's was reached; `retry_after_s` says when trying again may succeed."""

    status_code = 429


class Unavailable(ServiceError):
    """A backing service (a model's worker) did not answer; worth a retry later."""

    status_code = 503
