"""Sign-up refuses look-alike usernames (the Unicode confusables data, not a table of ours)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Aq9!long-pass"


def sign_up(username: str, ip: str = "10.5.0.1"):
    return Client().post(
        "/accounts/signup/",
        {"username": username, "password1": PASSWORD, "password2": PASSWORD},
        REMOTE_ADDR=ip,
    )


@pytest.mark.parametrize("name", ["\u043ewner", "\u041ewner", "p\u0430ypal", "\u03a9mega"])
def test_a_name_mixing_alphabets_with_look_alike_letters_is_refused(name):
    UserFactory(username="owner")
    response = sign_up(name)
    assert response.status_code == 200  # the form again, with the error
    assert "mixes alphabets" in response.content.decode()
    assert not get_user_model().objects.filter(username=name).exists()


def test_a_name_in_another_alphabet_that_reads_as_an_existing_name_is_refused():
    UserFactory(username="oeo")
    response = sign_up("\u043e\u0435\u043e")  # Cyrillic o, ie, o
    assert "looks like an existing one" in response.content.decode()
    assert get_user_model().objects.count() == 1


@pytest.mark.parametrize(
    "name", ["alice_99", "\u0438\u0432\u0430\u043d", "J\u00fcrgen", "\u7530\u4e2d"]
)
def test_ordinary_names_in_any_one_alphabet_are_accepted(name):
    assert sign_up(name).status_code == 302
    assert get_user_model().objects.filter(username=name).exists()
