"""`manage.py check --deploy` is clean in the production configuration as deployed: DEBUG off,
PostgreSQL (with its own database checks), Redis for cache, channels and Celery, and any warning
fails the check. The embedded production variant and the counter-test that an insecure override
shows up live in tests/webapp/test_settings.py."""

from __future__ import annotations

import os

import pytest

from tests.services import redis_url
from tests.support.settings_env import manage, production_env

pytestmark = pytest.mark.slow


def test_the_deployed_configuration_passes_check_deploy_with_no_warning():
    env = {
        **production_env(),
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
        "REDIS_URL": os.environ.get("GENERATION_TEST_REDIS_URL") or redis_url(15),
        "TRUST_X_FORWARDED_PROTO": "true",
    }
    if not env["DATABASE_URL"].startswith("postgres"):
        pytest.skip("needs DATABASE_URL to name a PostgreSQL server")
    result = manage(
        "check", "--deploy", "--database", "default", "--fail-level", "WARNING", env=env
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout
