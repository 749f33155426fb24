"""Strict readers for settings taken from the environment.

Every setting of the project is read here or in settings.py through these helpers, so a malformed
value stops the process at start with a message that names the variable, instead of surfacing as
odd behaviour later.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"{name} must be set")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true/false, 1/0, yes/no)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name}={value!r} has an empty item")
    return items


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default)
    assert value is not None
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}")
    return value


def env_url(
    name: str, default: str | None, *, schemes: tuple[str, ...], required: bool = False
) -> str | None:
    """A URL whose scheme is checked now, so a typo (`postgress://`, `localhost:6379`) fails at start
    instead of at the first query or task."""
    value = env_str(name, default, required=required)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name}={_redact(value)!r} must be a URL starting with one of: "
            + ", ".join(f"{scheme}://" for scheme in schemes)
        )
    if parts.scheme not in {"sqlite", "unix"} and not parts.hostname:
        raise ImproperlyConfigured(f"{name}={_redact(value)!r} has no host name")
    try:
        parts.port  # noqa: B018 - urllib validates the port lazily, on access
    except ValueError:
        raise ImproperlyConfigured(f"{name}={_redact(value)!r} has an invalid port") from None
    return value


def _redact(url: str) -> str:
    # Error messages end up in logs: never echo a password embedded in a URL.
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def overridable(defaults: Mapping[str, Any]) -> Callable[[str], Any]:
    """The `get(name)` of an app's settings module: a Django setting of the same name when one is
    defined (tests shrink limits with pytest-django's `settings` fixture), else the value read
    from the environment at import. A separate worker process reads the same environment."""

    def get(name: str) -> Any:
        from django.conf import settings

        return getattr(settings, name, defaults[name])

    return get
