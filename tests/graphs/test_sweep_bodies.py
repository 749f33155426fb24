"""Orphaned bodies (a body without a row) are swept; bodies with rows and young bodies are kept."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta

import pytest
from django.core.management import call_command

from graphs.services.orphan_bodies import sweep_orphan_bodies
from graphs.storage import graph_storage, write_body
from tests.factories import GraphFactory

pytestmark = [pytest.mark.django_db, pytest.mark.datalayer]


def age(key: str, seconds: int) -> None:
    path = graph_storage().path(key)
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_it_deletes_old_orphans_and_keeps_the_rest():
    kept = GraphFactory()
    orphan = write_body(io.BytesIO(b'{"a": 1}')).key
    young_orphan = write_body(io.BytesIO(b'{"b": 1}')).key
    age(kept.body_key, 7200)
    age(orphan, 7200)
    assert sweep_orphan_bodies(timedelta(hours=1)) == [orphan]
    storage = graph_storage()
    assert not storage.exists(orphan)
    assert storage.exists(kept.body_key) and storage.exists(young_orphan)


def test_it_only_lists_on_a_dry_run(capsys):
    orphan = write_body(io.BytesIO(b'{"a": 1}')).key
    age(orphan, 7200)
    call_command("sweep_graph_bodies", "--dry-run")
    assert "would delete 1" in capsys.readouterr().out
    assert graph_storage().exists(orphan)


def test_it_copes_with_an_empty_storage():
    assert sweep_orphan_bodies() == []
