"""Sign up, log in, log out and change password in the browser."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-much-longer-passphrase-42"


def test_it_signs_up_and_logs_the_new_user_in(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "carol", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/"
    user = get_user_model().objects.get(username="carol")
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/graphs/mine/").status_code == 200


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {"username": "dave", "password1": NEW_PASSWORD, "password2": "different-passphrase-42"},
            "password2",
        ),
        ({"username": "dave", "password1": "123", "password2": "123"}, "password2"),
        (
            {"username": "bad/name", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
            "username",
        ),
    ],
)
def test_it_refuses_bad_signups(client, data, field):
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not get_user_model().objects.filter(username=data["username"]).exists()


def test_it_refuses_a_taken_username(client):
    UserFactory(username="erin")
    response = client.post(
        "/accounts/signup/",
        {"username": "erin", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert "username" in response.context["form"].errors
    assert get_user_model().objects.filter(username="erin").count() == 1


def test_signup_escapes_what_the_user_typed(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "<script>x</script>", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert b"<script>x</script>" not in response.content
    assert b"&lt;script&gt;x&lt;/script&gt;" in response.content


def test_it_logs_in_and_out(client):
    UserFactory(username="frank")
    response = client.post("/accounts/login/", {"username": "frank", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/graphs/mine/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405  # logging out is a POST only
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/graphs/mine/").status_code == 302


def test_a_wrong_password_does_not_log_in(client):
    UserFactory(username="grace")
    response = client.post("/accounts/login/", {"username": "grace", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get("/graphs/mine/").status_code == 302


def test_it_changes_the_password(client):
    user = UserFactory(username="heidi")
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/password/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_wrong_old_password_changes_nothing(client):
    user = UserFactory(username="ivan")
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_anonymous_may_not_change_a_password(client):
    response = client.get("/accounts/password/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_pages_render(client):
    for path in ["/accounts/login/", "/accounts/signup/"]:
        response = client.get(path)
        assert response.status_code == 200
        assert b'name="csrfmiddlewaretoken"' in response.content


def test_a_closed_instance_refuses_sign_ups(client, settings):
    settings.SIGNUP_OPEN = False
    assert client.get("/accounts/signup/").status_code == 403
    response = client.post(
        "/accounts/signup/",
        {"username": "zoe", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 403
    assert not get_user_model().objects.filter(username="zoe").exists()
    assert b'href="/accounts/signup/"' not in client.get("/accounts/login/").content
