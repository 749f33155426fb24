"""Helpers to evaluate webapp/settings.py afresh under a given environment."""

from __future__ import annotations

import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = REPO_ROOT / "webapp" / "settings.py"

# Variables of the test process that would leak into the evaluated settings: every name that
# settings.py (or a domain conf module) reads.
READ_BY_SETTINGS = sorted(
    {
        name
        for path in (SETTINGS_FILE, REPO_ROOT / "graphs" / "conf.py")
        for name in re.findall(r'env_\w+\(\s*"([A-Z][A-Z0-9_]*)"', path.read_text())
    }
)


def production_env() -> dict[str, str]:
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "circuitscope.example.org",
    }


def load_settings(monkeypatch, **env: str) -> dict[str, Any]:
    """Run settings.py as a fresh module with exactly `env` on top of a clean environment."""
    for name in READ_BY_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def manage(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """Run manage.py in a subprocess with a clean settings environment plus `env`."""
    child_env = {k: v for k, v in os.environ.items() if k not in READ_BY_SETTINGS}
    child_env.update(env)
    child_env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "manage.py"), *args],
        cwd=REPO_ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
