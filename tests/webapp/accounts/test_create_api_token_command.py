"""`manage.py create_api_token USERNAME [--create-user]`: the token on stdout and nothing else."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import UserFactory
from tests.support.settings_env import manage
from webapp.accounts.models import ApiToken
from webapp.accounts.tokens import user_for_token

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue()


def test_it_prints_only_a_working_token():
    user = UserFactory(username="ops")
    output = run("ops")
    token = output.strip()
    assert output == token + "\n" and token.startswith("cs_")
    assert user_for_token(token)[0] == user
    assert ApiToken.objects.get(user=user).name == "command line"


def test_it_creates_the_user_when_asked():
    token = run("robot", "--create-user", "--name", "nightly").strip()
    user = get_user_model().objects.get(username="robot")
    assert not user.has_usable_password()
    assert user_for_token(token)[0] == user
    assert ApiToken.objects.get(user=user).name == "nightly"


def test_an_unknown_user_is_an_error_and_creates_nothing():
    with pytest.raises(CommandError, match="no user named 'ghost'") as info:
        run("ghost")
    assert info.value.returncode == 2
    assert not get_user_model().objects.filter(username="ghost").exists()
    assert ApiToken.objects.count() == 0


def test_an_invalid_new_username_is_an_error():
    with pytest.raises(CommandError, match="invalid username"):
        run("bad/name", "--create-user")
    assert not get_user_model().objects.exists()


def test_a_disabled_user_gets_no_token():
    UserFactory(username="gone", is_active=False)
    with pytest.raises(CommandError, match="disabled"):
        run("gone")
    assert ApiToken.objects.count() == 0


def test_from_the_shell_an_unknown_user_is_one_line_and_exit_2(tmp_path):
    # A separate process on its own SQLite file: what an operator sees in a terminal.
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CIRCUITSCOPE_VAR_DIR": str(tmp_path),
    }
    assert manage("migrate", "--noinput", env=env, timeout=120).returncode == 0
    result = manage("create_api_token", "nobody", env=env)
    assert result.returncode == 2
    assert result.stdout == ""
    assert (
        result.stderr.strip()
        == "CommandError: no user named 'nobody' (pass --create-user to create it)"
    )
    ok = manage("create_api_token", "somebody", "--create-user", env=env)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.count("\n") == 1 and ok.stdout.startswith("cs_") and ok.stderr == ""
