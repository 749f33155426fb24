"""The login brake checks and counts the same username (as the form normalises it), in one atomic
step: no look-alike spelling and no burst of simultaneous attempts gets past the limit."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from tests.factories import PASSWORD, UserFactory


def log_in(username: str, password: str, ip: str = "10.3.0.1"):
    return Client().post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@pytest.fixture
def small_limits(settings):
    settings.RATELIMIT_LOGIN_FAILURES_PER_USER_IP = 3
    settings.RATELIMIT_LOGIN_FAILURES_PER_IP = 100
    settings.RATELIMIT_LOGIN_WINDOW_S = 900


@pytest.mark.django_db
@pytest.mark.parametrize("spelling", ["\uff56iewer", "VIEWER", " viewer ", "\uff36IEWER"])
def test_a_look_alike_spelling_of_a_limited_username_is_limited_too(small_limits, spelling):
    UserFactory(username="viewer")
    for _ in range(3):
        assert log_in("viewer", "wrong").status_code == 200
    refused = log_in(spelling, PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in refused.wsgi_request.session


@pytest.mark.django_db
def test_failures_under_a_look_alike_spelling_count_for_the_account(small_limits):
    UserFactory(username="viewer")
    for spelling in ("\uff56iewer", "Viewer", "VIEWER"):
        assert log_in(spelling, "wrong").status_code == 200
    assert log_in("viewer", PASSWORD).status_code == 429


@pytest.mark.django_db(transaction=True)
def test_simultaneous_attempts_get_no_more_tries_than_the_limit(settings):
    settings.RATELIMIT_LOGIN_FAILURES_PER_USER_IP = 5
    settings.RATELIMIT_LOGIN_FAILURES_PER_IP = 1000
    # A real (slow) hasher, so the attempts overlap while their passwords are checked.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    UserFactory(username="target")
    attempts = 20
    start = threading.Barrier(attempts)
    statuses: list[int] = []

    def attempt(i: int) -> None:
        try:
            start.wait(timeout=30)
            # The right password is the last guess of the burst.
            password = PASSWORD if i == attempts - 1 else f"guess{i}"
            statuses.append(log_in("target", password, ip="10.3.9.9").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(statuses) == attempts
    assert statuses.count(429) == attempts - 5, statuses
