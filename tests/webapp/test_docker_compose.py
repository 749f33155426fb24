"""docker-compose.yml and docker/: the Docker engine cannot run here, so check statically that
every command names a real module, app, management command or setting, and that the compose
environment is accepted by the strict settings."""

from __future__ import annotations

import importlib
import re
import shlex
from pathlib import Path

import pytest
import yaml
from celery import Celery
from django.conf import settings as django_settings
from django.core.management import get_commands

from tests.support.settings_env import load_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_ENV = COMPOSE["x-app-env"]
# Read by libraries, not by our settings.
EXTERNAL_ENV = {"HF_HOME", "HF_HUB_OFFLINE"}
QUEUE_NAME = re.compile(r"^(cpu|gpu)\.[a-z0-9][a-z0-9.-]*$")


def interpolate(value: str) -> str:
    """Compose's ${NAME:-default} / ${NAME:?error}, with sample values for required ones."""
    samples = {
        "SECRET_KEY": "k" * 30 + "-Zq8#vX2!mR5@tL9$wB4%nC7^",
        "ALLOWED_HOSTS": "circuitscope.example.org",
        "POSTGRES_PASSWORD": "pw",
    }

    def one(match: re.Match) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3)
        if op == ":?":
            return samples[name]
        return arg or ""

    return re.sub(r"\$\{([A-Z0-9_]+)(:-|:\?)?([^}]*)\}", one, str(value)).replace("$$", "$")


def command_of(service: str) -> list[str]:
    command = SERVICES[service]["command"]
    if command[:2] == ["sh", "-c"]:
        command = shlex.split(interpolate(command[2]))
    command = [interpolate(part) for part in command]
    return command[1:] if command[0] == "exec" else command


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def env_names_read_by_the_project() -> set[str]:
    pattern = re.compile(
        r'(?:env_\w+|os\.environ\.get|os\.getenv|os\.environ\[)\(?\s*"([A-Z][A-Z0-9_]*)"'
    )
    names: set[str] = set()
    for folder in ("webapp", "graphs", "inference_worker"):
        for path in (REPO_ROOT / folder).rglob("*.py"):
            names.update(pattern.findall(path.read_text()))
    return names


def test_it_has_the_services_with_health_checks_and_volumes():
    assert {"web", "worker", "postgres", "redis", "migrate"} <= set(SERVICES)
    for name in ("web", "worker", "postgres", "redis"):
        assert SERVICES[name]["healthcheck"]["test"], name
    assert {"pgdata", "redisdata", "media", "hf-cache"} <= set(COMPOSE["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["postgres"]["volumes"]
    assert "hf-cache:/cache/huggingface" in SERVICES["worker"]["volumes"]


def test_web_serves_the_asgi_application_with_uvicorn_workers():
    command = command_of("web")
    assert command[0] == "uvicorn"
    module, attribute = command[1].split(":")
    application = getattr(importlib.import_module(module), attribute)
    assert callable(application)
    assert int(option(command, "--workers")) > 1


def test_web_never_takes_the_client_address_from_a_header_the_client_writes():
    # uvicorn with --forwarded-allow-ips='*' made the leftmost X-Forwarded-For entry, which the
    # client writes, the client's address; Django resolves it against TRUSTED_PROXIES instead.
    command = command_of("web")
    assert "--no-proxy-headers" in command
    assert "--proxy-headers" not in command and "--forwarded-allow-ips" not in command
    assert "TRUSTED_PROXIES" in APP_ENV


def test_migrations_run_before_web_and_workers():
    command = command_of("migrate")
    assert command[:3] == ["python", "manage.py", "migrate"]
    assert "migrate" in get_commands()
    for name in ("web", "worker"):
        assert (
            SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        )
    assert SERVICES["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_the_worker_runs_our_celery_app_on_a_gpu():
    command = command_of("worker")
    assert command[:4] == ["celery", "-A", "webapp", "worker"]
    app = importlib.import_module(command[2]).celery_app
    assert isinstance(app, Celery)
    assert (
        app.conf.broker_url == django_settings.CELERY_BROKER_URL
    )  # configured from Django settings
    queues = option(command, "--queues").split(",")
    assert queues and all(QUEUE_NAME.match(queue) for queue in queues), queues
    # One process per GPU: attribution fills the card, and the model cache is per process.
    assert option(command, "--concurrency") == "1"
    device = SERVICES["worker"]["deploy"]["resources"]["reservations"]["devices"][0]
    assert device["driver"] == "nvidia" and "gpu" in device["capabilities"]
    # `--scale worker=N` needs no fixed name and no fixed host port.
    assert "container_name" not in SERVICES["worker"] and "ports" not in SERVICES["worker"]


def test_every_app_variable_is_one_our_settings_read():
    read = env_names_read_by_the_project()
    for name in [*APP_ENV, *SERVICES["worker"]["environment"]]:
        if name in EXTERNAL_ENV or name == "<<":
            continue
        assert name in read, f"{name} is set in docker-compose.yml but read by no setting"


def test_the_compose_environment_passes_the_strict_settings(monkeypatch):
    env = {name: interpolate(value) for name, value in APP_ENV.items()}
    settings = load_settings(monkeypatch, **{k: v for k, v in env.items() if v != ""})
    assert settings["DEBUG"] is False
    assert settings["DATABASES"]["default"]["HOST"] == "postgres"
    assert settings["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert "127.0.0.1" in settings["ALLOWED_HOSTS"]
    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def requirements_section(start: str, stop: str | None) -> list[str]:
    """What the Dockerfiles' sed lines select from requirements.txt."""
    lines = (REPO_ROOT / "requirements.txt").read_text().splitlines()
    begin = next(i for i, line in enumerate(lines) if line.startswith(start)) if start else 0
    end = next((i for i, line in enumerate(lines) if stop and line.startswith(stop)), len(lines))
    return [line.split("==")[0].split("[")[0].lower() for line in lines[begin:end] if "==" in line]


@pytest.mark.parametrize(
    ("dockerfile", "start", "stop", "needed", "absent"),
    [
        (
            "Dockerfile.web",
            "# --- web platform ---",
            "# --- tests",
            {
                "django",
                "uvicorn",
                "psycopg",
                "django-storages",
                "channels-redis",
                "celery",
                "whitenoise",
            },
            {"torch", "transformer-lens", "pytest"},
        ),
        (
            "Dockerfile.worker",
            "",
            "# --- tests",
            {"torch", "transformer-lens", "django", "psycopg", "django-storages", "celery"},
            {"pytest", "playwright", "moto"},
        ),
    ],
)
def test_the_images_install_what_their_process_needs(dockerfile, start, stop, needed, absent):
    text = (REPO_ROOT / "docker" / dockerfile).read_text()
    if start:
        assert f"/^{start}/" in text
    assert f"/^{stop}/" in text
    packages = set(requirements_section(start, stop))
    assert needed <= packages and not (absent & packages)


def test_the_dockerfiles_run_the_same_processes_as_compose():
    web = (REPO_ROOT / "docker" / "Dockerfile.web").read_text()
    worker = (REPO_ROOT / "docker" / "Dockerfile.worker").read_text()
    assert "uvicorn webapp.asgi:application" in web and "collectstatic" in web
    assert "collectstatic" in get_commands()
    assert "celery -A webapp worker" in worker and "HF_HOME=/cache/huggingface" in worker
    for text in (web, worker):
        assert "USER app" in text  # never run as root
