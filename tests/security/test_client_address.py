"""The client address of the limits per client: REMOTE_ADDR, or behind a proxy of TRUSTED_PROXIES
the address that proxy appended to X-Forwarded-For, never one the client wrote."""

from __future__ import annotations

import pytest
from django.test import Client

from webapp.client_address import client_address

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "client"),
    [
        # No trusted proxy: the peer is the client, whatever it sends.
        ("203.0.113.9", "6.6.6.6", (), "203.0.113.9"),
        ("203.0.113.9", "6.6.6.6", ("10.0.0.0/8",), "203.0.113.9"),
        # The trusted proxy appended the client's address on the right.
        ("10.0.0.2", "6.6.1.1, 198.51.100.7", ("10.0.0.2",), "198.51.100.7"),
        # Two trusted proxies in a row: skip both.
        ("10.0.0.2", "6.6.1.1, 198.51.100.7, 10.0.0.3", ("10.0.0.0/8",), "198.51.100.7"),
        # Ports and IPv6 as proxies write them.
        ("10.0.0.2", "[2001:db8::1]:4431", ("10.0.0.2",), "2001:db8::1"),
        ("10.0.0.2", "198.51.100.7:5555", ("10.0.0.2",), "198.51.100.7"),
        ("::ffff:10.0.0.2", "198.51.100.7", ("10.0.0.2",), "198.51.100.7"),
        # Text that is no address: the last trusted hop is all we know.
        ("10.0.0.2", "198.51.100.7, not-an-ip", ("10.0.0.2",), "10.0.0.2"),
        # A trusted proxy that sent no header.
        ("10.0.0.2", "", ("10.0.0.2",), "10.0.0.2"),
    ],
)
def test_the_client_is_the_address_the_nearest_trusted_proxy_appended(
    remote, forwarded, trusted, client
):
    assert client_address(remote, forwarded, trusted) == client


def sign_up(i: int, forwarded: str):
    return Client().post(
        "/accounts/signup/",
        {"username": f"newcomer{i}", "password1": "Aq9!long-pass", "password2": "Aq9!long-pass"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_forged_forwarded_for_buys_no_new_sign_ups(settings):
    # Behind the proxy 10.0.0.1, which appends the address it sees (192.0.2.50).
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    settings.RATELIMIT_SIGNUPS_PER_IP_PER_HOUR = 3
    statuses = [sign_up(i, f"6.6.{i}.{i}, 192.0.2.50").status_code for i in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    # Another real client behind the same proxy has its own count.
    assert sign_up(9, "6.6.6.6, 192.0.2.51").status_code == 302


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    settings.RATELIMIT_SIGNUPS_PER_IP_PER_HOUR = 2
    statuses = [sign_up(i, f"6.6.{i}.{i}").status_code for i in range(3)]
    assert statuses == [302, 302, 429]


def test_login_failures_count_against_the_appended_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    settings.RATELIMIT_LOGIN_FAILURES_PER_IP = 3
    for i in range(3):
        Client().post(
            "/accounts/login/",
            {"username": f"nobody{i}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"6.6.{i}.{i}, 192.0.2.60",
        )
    refused = Client().post(
        "/accounts/login/",
        {"username": "someone", "password": "wrong"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="7.7.7.7, 192.0.2.60",
    )
    assert refused.status_code == 429
