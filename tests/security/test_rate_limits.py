"""Rate limits on login, sign-up, upload, generation and steering: each answers 429 with Retry-After and a
message saying what was limited. Limits are set small here through the settings they read
(RATELIMIT_*, GENERATION_*, STEER_PER_MINUTE)."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client

from graphs.models import Graph
from graphs.testing import build_graph_document
from tests.factories import PASSWORD, GraphFactory, UserFactory
from webapp import ratelimit

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def log_in(username: str, password: str, ip: str = "10.0.0.1", path: str = LOGIN):
    return Client().post(path, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def small_login_limits(settings):
    settings.RATELIMIT_LOGIN_FAILURES_PER_USER_IP = 3
    settings.RATELIMIT_LOGIN_FAILURES_PER_IP = 5
    settings.RATELIMIT_LOGIN_WINDOW_S = 900


def assert_limited(response, words: str) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    body = response.content.decode()
    assert words in body, body[:500]


def test_it_refuses_logins_after_too_many_failures_for_one_username_and_ip(small_login_limits):
    UserFactory(username="grace")
    for _ in range(3):
        assert log_in("grace", "wrong").status_code == 200  # the form again, with its error
    limited = log_in("grace", PASSWORD)  # even the right password, until the window ends
    assert_limited(limited, "Too many failed logins")
    assert "_auth_user_id" not in limited.wsgi_request.session
    assert log_in("grace", PASSWORD, ip="10.0.0.2").status_code == 302  # another address may
    assert log_in("Grace", "wrong").status_code == 429  # usernames are counted case-blind


def test_it_refuses_an_address_that_sprays_many_usernames(small_login_limits):
    for i in range(5):
        assert log_in(f"nobody{i}", "wrong").status_code == 200
    assert_limited(log_in("someone-new", "wrong"), "Too many failed logins")
    assert log_in("someone-new", "wrong", ip="10.0.0.9").status_code == 200


def test_it_lets_the_user_in_again_when_the_window_ends(small_login_limits, monkeypatch):
    UserFactory(username="heidi")
    for _ in range(3):
        log_in("heidi", "wrong")
    assert log_in("heidi", PASSWORD).status_code == 429
    later = ratelimit._now() + 901
    monkeypatch.setattr(ratelimit, "_now", lambda: later)
    assert log_in("heidi", PASSWORD).status_code == 302


def test_successful_logins_are_not_counted(small_login_limits):
    UserFactory(username="ivan")
    for _ in range(6):
        assert log_in("ivan", PASSWORD).status_code == 302


def test_the_admin_login_has_the_same_brake(small_login_limits):
    UserFactory(username="judy", is_staff=True)
    for _ in range(3):
        assert log_in("judy", "wrong", path="/admin/login/").status_code == 200
    assert_limited(log_in("judy", PASSWORD, path="/admin/login/"), "Too many failed logins")
    assert log_in("judy", PASSWORD).status_code == 429  # one count for both forms


def test_zero_turns_the_login_limit_off(settings):
    settings.RATELIMIT_LOGIN_FAILURES_PER_USER_IP = 0
    settings.RATELIMIT_LOGIN_FAILURES_PER_IP = 0
    for _ in range(15):
        assert log_in("kim", "wrong").status_code == 200


SIGNUP = "/accounts/signup/"
NEW_PASSWORD = "a-long-unusual-passphrase-71"


def sign_up(username: str, password2: str = NEW_PASSWORD, ip: str = "10.0.0.9"):
    data = {"username": username, "password1": NEW_PASSWORD, "password2": password2}
    return Client().post(SIGNUP, data, REMOTE_ADDR=ip)


def test_it_limits_new_accounts_per_address(settings, django_user_model):
    settings.RATELIMIT_SIGNUPS_PER_IP_PER_HOUR = 2
    assert sign_up("first").status_code == 302
    assert sign_up("second").status_code == 302
    limited = sign_up("third")
    assert_limited(limited, "Too many new accounts from this address")
    assert not django_user_model.objects.filter(username="third").exists()
    # Another address is not affected.
    assert sign_up("third", ip="10.0.0.10").status_code == 302


def test_refused_sign_up_forms_do_not_count(settings):
    settings.RATELIMIT_SIGNUPS_PER_IP_PER_HOUR = 1
    for _ in range(3):
        assert sign_up("typo", password2="not-the-same-passphrase").status_code == 200
    assert sign_up("typo").status_code == 302


def test_zero_turns_the_sign_up_limit_off(settings):
    settings.RATELIMIT_SIGNUPS_PER_IP_PER_HOUR = 0
    for n in range(12):
        assert sign_up(f"user{n}").status_code == 302


def upload(client: Client):
    body = json.dumps(build_graph_document(slug="limited")).encode()
    return client.post("/api/graphs/", body, content_type="application/json")


def test_it_limits_graph_uploads_per_user_per_hour(settings):
    settings.RATELIMIT_UPLOADS_PER_HOUR = 2
    owner, other = Client(), Client()
    owner.force_login(UserFactory(username="uploader"))
    other.force_login(UserFactory(username="another"))
    assert [upload(owner).status_code for _ in range(2)] == [201, 201]
    limited = upload(owner)
    assert_limited(limited, "at most 2 uploads per hour")
    assert Graph.objects.count() == 2  # the refused upload stored nothing
    assert upload(other).status_code == 201  # per user


def test_dashboard_uploads_share_the_upload_limit(settings):
    settings.RATELIMIT_UPLOADS_PER_HOUR = 1
    user = UserFactory(username="dashboards")
    graph = GraphFactory(owner=user)
    client = Client()
    client.force_login(user)
    assert upload(client).status_code == 201
    limited = client.post(
        f"/api/graphs/{graph.pk}/features/",
        io.BytesIO(b"{}").read(),
        content_type="application/json",
    )
    assert_limited(limited, "Upload limit reached")


def test_it_limits_steering_per_user_per_minute(settings):
    settings.STEER_PER_MINUTE = 2
    client = Client()
    client.force_login(UserFactory(username="steerer"))
    # Invalid requests count too: the throttle runs before the body is read.
    for _ in range(2):
        assert (
            client.post("/api/models/demo/steer/", {}, content_type="application/json").status_code
            == 400
        )
    limited = client.post("/api/models/demo/steer/", {}, content_type="application/json")
    assert_limited(limited, "Request was throttled")


@pytest.mark.usefixtures("no_worker")
def test_it_limits_generations_by_quota(settings, words_entry):
    settings.GENERATION_MAX_QUEUED = 1
    client = Client()
    client.force_login(UserFactory(username="generator"))
    body = {"model": "words", "prompt": "the cat"}
    assert (
        client.post("/api/generations/", body, content_type="application/json").status_code == 202
    )
    limited = client.post(
        "/api/generations/", {**body, "prompt": "a dog"}, content_type="application/json"
    )
    assert_limited(limited, "the limit is 1")
