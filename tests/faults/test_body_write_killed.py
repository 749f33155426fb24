"""The web process is SIGKILLed while it writes a graph body: no body, truncated or whole, is
left under a final key; what it left is under graphs/incoming/, which the audit reports (once
older than its grace period) and the sweep removes."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from graphs.services.audit import audit_storage
from graphs.services.orphan_bodies import incoming_body_keys, sweep_orphan_bodies
from graphs.storage import BODY_PREFIX, INCOMING_PREFIX
from tests.support.settings_env import REPO_ROOT

pytestmark = pytest.mark.django_db

# In a child process: store a 4 MB body through graphs.storage, and die by SIGKILL after the
# storage has written its first chunk of it.
CHILD = textwrap.dedent(
    """
    import io, os, random, signal, django
    django.setup()
    from django.core.files import File
    import graphs.storage as storage

    class DyingFile(File):
        def chunks(self, chunk_size=None):
            self.file.seek(0)
            yield self.file.read(64 * 1024)
            os.kill(os.getpid(), signal.SIGKILL)

    storage.File = DyingFile
    noise = random.Random(1).randbytes(4 * 1024 * 1024).hex().encode()
    storage.write_body(io.BytesIO(b'{"noise": "' + noise + b'"}'))
    """
)


def kill_mid_write(media: Path) -> subprocess.CompletedProcess:
    env = {
        "DJANGO_SETTINGS_MODULE": "webapp.settings",
        "MEDIA_ROOT": str(media),
        "DATABASE_URL": "sqlite:///" + str(media.parent / "unused.sqlite3"),
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, "-c", CHILD], cwd=REPO_ROOT, env=env, capture_output=True, timeout=120
    )


def test_a_killed_write_leaves_nothing_under_a_final_key(settings):
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    child = kill_mid_write(media)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]
    bodies = media / BODY_PREFIX
    assert not bodies.exists() or list(bodies.iterdir()) == []
    [left] = incoming_body_keys()
    assert left.key.startswith(INCOMING_PREFIX)
    # Young, it may be a write in flight: listed, not a finding; old, it is a finding.
    young = audit_storage(grace=timedelta(hours=1))
    assert young.clean and young.bodies_in_flight == [left.key]
    old = audit_storage(grace=timedelta(0))
    assert not old.clean and old.incomplete_bodies == [left.key]
    assert sweep_orphan_bodies(timedelta(0)) == [left.key]
    assert incoming_body_keys() == [] and audit_storage(grace=timedelta(0)).clean
