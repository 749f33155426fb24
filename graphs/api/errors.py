"""Turning service errors into API responses that name every problem: the one place where a
service's refusal (graphs/errors.py) becomes an HTTP status and body.

Every refusal answers `{"detail": ..., "problems": [{"path", "message"}, ...]}`; a problem about
a top-level request field is also listed under that field's name, as DRF lists a serializer's
field errors, so clients read service and serializer refusals alike."""

from __future__ import annotations

import re
from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from graphs.errors import ServiceError
from graphs.validation import Problem

_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def problem_list(problems: list[Problem]) -> list[dict[str, str]]:
    return [p.as_dict() for p in problems]


def error_response(error: ServiceError) -> Response:
    # The detail alone should say what is wrong: the first few problems, in words.
    shown = "; ".join(str(p) for p in error.problems[:3])
    more = len(error.problems) - 3
    detail = f"{error.message}: {shown}" if shown else error.message
    if more > 0:
        detail += f" (and {more} more, listed in problems)"
    body: dict[str, Any] = {"detail": detail, "problems": problem_list(error.problems)}
    for key, value in error.extra.items():
        body[key] = problem_list(value) if key == "suggestions" else value
    for problem in error.problems:
        if _FIELD_NAME.fullmatch(problem.path) and problem.path not in ("detail", "problems"):
            body.setdefault(problem.path, []).append(problem.message)
    headers = {}
    if error.retry_after_s is not None:
        headers["Retry-After"] = str(error.retry_after_s)
    return Response(body, status=error.status_code, headers=headers)


def serializer_problems(errors: dict[str, Any], prefix: str = "") -> list[Problem]:
    """DRF's nested error dict -> flat problems with JSON paths (e.g. supernodes[2][0])."""
    found: list[Problem] = []
    for key, value in errors.items():
        path = (
            f"{prefix}[{key}]"
            if isinstance(key, int)
            else (f"{prefix}.{key}" if prefix else str(key))
        )
        if isinstance(value, dict):
            found.extend(serializer_problems(value, path))
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            found.extend(Problem(path, str(message)) for message in value)
        elif isinstance(value, list):
            found.extend(serializer_problems(dict(enumerate(value)), path))
    return found


def invalid_input(errors: dict[str, Any]) -> Response:
    problems = serializer_problems(errors)
    return Response(
        {
            "detail": "invalid input: " + "; ".join(str(p) for p in problems),
            "problems": problem_list(problems),
        },
        status=400,
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: service refusals as above, everything else as DRF answers it."""
    if isinstance(exc, ServiceError):
        return error_response(exc)
    return drf_exception_handler(exc, context)
