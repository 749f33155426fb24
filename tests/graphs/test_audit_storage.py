"""manage.py audit_storage: finds each kind of orphan, exits 0 on a clean store and 1 otherwise,
deletes orphan bodies only when asked and never young ones, and refuses bad arguments in one line."""

from __future__ import annotations

import io
import json
import os
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from graphs.collab.models import Activity, Collaborator, Verb
from graphs.generation.models import GenerationJob
from graphs.models import Subgraph
from graphs.services.audit import audit_storage
from graphs.storage import delete_body, graph_storage, write_body
from tests.factories import CollaboratorFactory, GraphFactory, SubgraphFactory, UserFactory
from tests.support.settings_env import manage

pytestmark = pytest.mark.django_db


def age(key: str, seconds: int) -> None:
    path = graph_storage().path(key)
    past = time.time() - seconds
    os.utime(path, (past, past))


def audit(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit_storage", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code), out.getvalue()
    return 0, out.getvalue()


def orphan_body(seconds_old: int = 7200) -> str:
    key = write_body(io.BytesIO(b'{"a": 1}')).key
    age(key, seconds_old)
    return key


def test_it_exits_0_on_a_clean_store():
    GraphFactory()
    code, out = audit()
    assert code == 0
    assert "checked 1 graph rows and 1 stored bodies" in out and out.rstrip().endswith("clean")


def test_it_exits_0_on_an_empty_store():
    assert audit() == (0, audit()[1])
    assert audit_storage().clean


def test_it_finds_an_old_body_without_a_row():
    GraphFactory()
    key = orphan_body()
    code, out = audit()
    assert code == 1
    assert "orphan bodies: 1" in out and key in out
    assert graph_storage().exists(key)  # read-only without --delete-orphan-bodies


def test_it_leaves_a_young_body_alone_as_a_possible_upload_in_flight():
    key = orphan_body(seconds_old=60)
    code, out = audit("--grace-minutes", "5")
    assert code == 0
    assert "1 bodies without a row are younger than the grace period" in out
    report = audit_storage(timedelta(minutes=5))
    assert report.recent_bodies == [key] and report.orphan_bodies == []


def test_it_finds_a_graph_row_whose_body_is_missing():
    graph = GraphFactory()
    delete_body(graph.body_key)
    code, out = audit()
    assert code == 1
    assert "graphs without body: 1" in out and graph.pk in out


def _delete_graph_row_only(graph_id: str) -> None:
    # Foreign keys are checked at commit (deferred), and the test never commits: the dependents
    # stay behind, as after a restore from backups taken at different times.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM graphs_graph WHERE id = %s", [graph_id])


def test_it_finds_rows_that_belong_to_a_missing_graph():
    graph = GraphFactory()
    subgraph = SubgraphFactory(graph=graph)
    collaborator = CollaboratorFactory(graph=graph, user=UserFactory())
    activity = Activity.objects.create(graph=graph, verb=Verb.SUBGRAPH_SAVED)
    job = GenerationJob.objects.create(
        owner=graph.owner, model_id="demo", prompt="p", slug="s", visibility="private",
        request_key="k", state=GenerationJob.State.SUCCEEDED, graph=graph,
    )  # fmt: skip
    _delete_graph_row_only(graph.pk)
    try:
        _check_dependents_found(graph, subgraph, collaborator, activity, job)
    finally:
        # Django checks the deferred constraints at the end of the test: leave none broken.
        for model in (Subgraph, Collaborator, Activity, GenerationJob):
            model.objects.filter(graph_id=graph.pk).delete()


def _check_dependents_found(graph, subgraph, collaborator, activity, job) -> None:
    report = audit_storage(timedelta(0))
    assert report.dependents == {
        "subgraphs_of_missing_graphs": [str(subgraph.pk)],
        "collaborators_of_missing_graphs": [str(collaborator.pk)],
        "activity_of_missing_graphs": [str(activity.pk)],
        "jobs_of_missing_graphs": [str(job.pk)],
    }
    assert report.orphan_bodies == [graph.body_key]  # its body too, now
    code, out = audit("--json", "--grace-minutes", "0")
    assert code == 1
    answer = json.loads(out)
    assert answer["clean"] is False
    assert answer["findings"]["subgraphs_of_missing_graphs"] == [str(subgraph.pk)]


def test_it_reports_as_json():
    graph = GraphFactory()
    key = orphan_body()
    code, out = audit("--json")
    assert code == 1
    answer = json.loads(out)
    assert answer["findings"]["orphan_bodies"] == [key]
    assert answer["findings"]["graphs_without_body"] == []
    assert answer["graphs_checked"] == 1 and answer["bodies_checked"] == 2
    assert answer["deleted_bodies"] == []
    assert graph_storage().exists(graph.body_key)


def test_it_deletes_old_orphan_bodies_only_when_asked_and_keeps_young_ones():
    graph = GraphFactory()
    age(graph.body_key, 7200)
    old = orphan_body()
    young = orphan_body(seconds_old=30)
    code, out = audit("--delete-orphan-bodies")
    assert code == 0  # what it found, it repaired
    assert "deleted 1 orphan or half-written bodies" in out
    storage = graph_storage()
    assert not storage.exists(old)
    assert storage.exists(young) and storage.exists(graph.body_key)
    assert audit() == (0, audit()[1])


def test_it_still_exits_1_after_deleting_when_rows_are_broken():
    graph = GraphFactory()
    delete_body(graph.body_key)
    orphan_body()
    code, out = audit("--delete-orphan-bodies")
    assert code == 1
    assert "deleted 1 orphan or half-written bodies" in out and "graphs without body: 1" in out


@pytest.mark.slow
@pytest.mark.parametrize(
    "args, says",
    [
        (["--grace-minutes", "-5"], "--grace-minutes must be at least 0"),
        (["--grace-minutes", "soon"], "invalid int value: 'soon'"),
        (["--delete-everything"], "unrecognized arguments: --delete-everything"),
    ],
)
def test_it_refuses_bad_arguments_in_one_line_without_a_traceback(args, says):
    result = manage("audit_storage", *args, env={"DATABASE_URL": "sqlite:///:memory:"})
    assert result.returncode == 2
    assert says in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
