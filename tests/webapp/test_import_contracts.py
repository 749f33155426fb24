"""The layer contracts of pyproject.toml ([tool.importlinter]) hold, and they catch a breach: a
copy of the code with one forbidden import added fails `lint-imports`, as CI would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("graphs", "inference_worker", "webapp")
# Weights, bundles and caches: not Python, and large.
SKIP = shutil.ignore_patterns(
    "__pycache__", "node_modules", "*.safetensors", "*.npz", "*.gz", "static", "assets"
)


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def code_copy(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(REPO / package, tmp_path / package, ignore=SKIP)
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_repository_keeps_its_contracts():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("inference_worker/engine/pruning.py", "from django.conf import settings"),
        ("inference_worker/engine/pruning.py", "import graphs.models"),
        ("graphs/generation/services/dispatch.py", "from inference_worker.worker import embedded"),
        ("graphs/views.py", "from inference_worker.engine import trace"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(code_copy: Path, module: str, forbidden: str):
    assert lint_imports(code_copy).returncode == 0  # the copy itself is clean
    path = code_copy / module
    path.write_text(path.read_text() + f"\n{forbidden}  # noqa\n")
    result = lint_imports(code_copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout or "broken" in result.stdout
