"""Settings come from the environment, strictly: bad values stop the start with a clear message."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.support.settings_env import load_settings, manage, production_env


def test_it_runs_on_embedded_defaults(monkeypatch, tmp_path):
    tmp_path = tmp_path / "fresh-clone-var"  # does not exist yet, as on a fresh clone
    s = load_settings(monkeypatch, CIRCUITSCOPE_VAR_DIR=str(tmp_path))
    assert tmp_path.is_dir()  # so SQLite can create its file
    assert s["DEBUG"] is True
    assert s["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s["DATABASES"]["default"]["NAME"] == str(tmp_path / "db.sqlite3")
    assert s["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert s["MEDIA_ROOT"] == tmp_path / "media"
    assert s["CHANNEL_LAYERS"]["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    assert s["CELERY_BROKER_URL"] == "memory://"


def test_it_uses_postgresql_and_redis_when_configured(monkeypatch):
    s = load_settings(
        monkeypatch,
        DATABASE_URL="postgres://app:pw@db.internal:5433/circuitscope",
        REDIS_URL="redis://cache.internal:6379/2",
    )
    db = s["DATABASES"]["default"]
    assert (db["ENGINE"], db["HOST"], db["PORT"], db["NAME"], db["USER"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        5433,
        "circuitscope",
        "app",
    )
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    assert is_psycopg3  # Django's PostgreSQL backend runs on psycopg 3
    assert s["CELERY_BROKER_URL"] == "redis://cache.internal:6379/2"
    hosts = s["CHANNEL_LAYERS"]["default"]["CONFIG"]["hosts"]
    assert [h["address"] for h in hosts] == ["redis://cache.internal:6379/2"]
    assert all(h["socket_timeout"] > 5 for h in hosts)  # outlasts channels_redis blocking reads
    assert s["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/2"


def test_it_configures_s3_storage(monkeypatch):
    s = load_settings(
        monkeypatch,
        STORAGE_BACKEND="s3",
        S3_BUCKET="graphs",
        S3_ENDPOINT_URL="https://minio.internal:9000",
        S3_ACCESS_KEY_ID="AKIAEXAMPLE",
        S3_SECRET_ACCESS_KEY="secret",
        S3_REGION="eu-west-1",
        S3_PREFIX="/prod/",
        S3_ADDRESSING_STYLE="path",
    )
    default = s["STORAGES"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"] == {
        "bucket_name": "graphs",
        "endpoint_url": "https://minio.internal:9000",
        "access_key": "AKIAEXAMPLE",
        "secret_key": "secret",
        "region_name": "eu-west-1",
        "location": "prod",
        "addressing_style": "path",
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
        "signature_version": "s3v4",
    }


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "sometimes"}, "DEBUG='sometimes' is not a boolean"),
        ({"DATABASE_URL": "mysql://db/app"}, "DATABASE_URL="),
        ({"DATABASE_URL": "db.internal:5432"}, "DATABASE_URL="),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL="),
        ({"API_PAGE_SIZE": "0"}, "API_PAGE_SIZE=0 must be at least 1"),
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND='ftp' must be one of"),
        ({"STORAGE_BACKEND": "s3"}, "needs S3_BUCKET"),
        (
            {"STORAGE_BACKEND": "s3", "S3_BUCKET": "b", "S3_ACCESS_KEY_ID": "k"},
            "S3_SECRET_ACCESS_KEY",
        ),
        ({"S3_ENDPOINT_URL": "minio:9000"}, "S3_ENDPOINT_URL="),
        ({"CSRF_TRUSTED_ORIGINS": "example.org"}, "must start with http"),
        ({"SECURE_HSTS_SECONDS": "-1"}, "SECURE_HSTS_SECONDS=-1"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL='LOUD'"),
    ],
)
def test_it_refuses_malformed_values(monkeypatch, env, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(")):
        load_settings(monkeypatch, **env)


def test_production_requires_a_secret_key_and_hosts(monkeypatch):
    env = production_env()
    del env["SECRET_KEY"]
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        load_settings(monkeypatch, **env)
    env = production_env()
    del env["ALLOWED_HOSTS"]
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS must be set"):
        load_settings(monkeypatch, **env)


def test_production_is_secure_by_default(monkeypatch):
    s = load_settings(monkeypatch, **production_env())
    assert s["DEBUG"] is False
    assert s["ALLOWED_HOSTS"] == ["circuitscope.example.org"]
    assert s["SECURE_SSL_REDIRECT"] and s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert "insecure" not in s["SECRET_KEY"]


def test_a_bad_variable_is_one_line_at_start_with_no_traceback():
    result = manage("check", env={"DEBUG": "maybe"})
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "configuration error: DEBUG='maybe' is not a boolean (use true/false, 1/0, yes/no)"
    )
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_production_settings_pass_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stderr + result.stdout


def test_check_deploy_flags_an_insecure_production_override():
    # The counterpart of the test above: the check is live, and an operator's unsafe override shows.
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**production_env(), "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false"},
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W012" in result.stderr


def test_a_malformed_domain_setting_also_stops_the_start():
    result = manage("check", env={"GRAPH_UPLOAD_MAX_BYTES": "lots"})
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "configuration error: GRAPH_UPLOAD_MAX_BYTES='lots' is not an integer"
    )
