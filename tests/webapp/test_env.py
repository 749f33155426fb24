"""The strict environment readers: malformed values are ImproperlyConfigured naming the variable."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from webapp.env import env_bool, env_choice, env_int, env_list, env_str, env_url


def test_it_reads_booleans_in_the_usual_spellings(monkeypatch):
    for raw, expected in [("true", True), ("Yes", True), ("1", True), ("off", False), ("0", False)]:
        monkeypatch.setenv("FLAG", raw)
        assert env_bool("FLAG", not expected) is expected


def test_it_uses_the_default_for_unset_or_empty(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert env_bool("FLAG", True) is True
    monkeypatch.setenv("FLAG", "")
    assert env_int("FLAG", 7) == 7
    assert env_list("FLAG", ["a"]) == ["a"]


@pytest.mark.parametrize(
    ("reader", "raw", "fragment"),
    [
        (lambda: env_bool("X", False), "maybe", "X='maybe' is not a boolean"),
        (lambda: env_int("X", 1), "12MB", "X='12MB' is not an integer"),
        (lambda: env_int("X", 1, minimum=1), "0", "X=0 must be at least 1"),
        (lambda: env_list("X", []), "a,,b", "has an empty item"),
        (lambda: env_choice("X", "a", ("a", "b")), "c", "must be one of: a, b"),
        (
            lambda: env_url("X", None, schemes=("redis",)),
            "localhost:6379",
            "must be a URL starting with",
        ),
        (lambda: env_url("X", None, schemes=("redis",)), "redis://:6379/0", "has no host name"),
        (lambda: env_url("X", None, schemes=("redis",)), "redis://host:port/0", "invalid port"),
    ],
)
def test_it_refuses_malformed_values(monkeypatch, reader, raw, fragment):
    monkeypatch.setenv("X", raw)
    with pytest.raises(ImproperlyConfigured, match=fragment.replace("(", r"\(")):
        reader()


def test_it_requires_required_values(monkeypatch):
    monkeypatch.delenv("X", raising=False)
    with pytest.raises(ImproperlyConfigured, match="X must be set"):
        env_str("X", required=True)


def test_it_never_echoes_a_password_in_a_url_error(monkeypatch):
    monkeypatch.setenv("X", "postgress://user:s3cret@db/app")
    with pytest.raises(ImproperlyConfigured) as info:
        env_url("X", None, schemes=("postgres",))
    assert "s3cret" not in str(info.value)
    assert "user:***@db" in str(info.value)
