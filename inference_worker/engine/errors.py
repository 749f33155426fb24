"""The one exception type the engine shows to users.

Every failure a user can cause (a missing file, a wrong format, a too-long prompt) is raised as an
`EngineError` with a one-line message; the CLI prints it and exits 2, the worker stores it as the
job's failure reason. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class EngineError(Exception):
    """A user-facing engine error with a clear, one-line message; `field` names the argument at
    fault when there is one (e.g. "interventions"), so a caller can point at it without parsing
    the message."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
