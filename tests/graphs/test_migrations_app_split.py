"""The move of jobs, quotas, collaborators, activity and feature dashboards out of the graphs app
into their own apps (generation, collab, features) keeps every row and every granted permission.

The database is taken back to the schema before the move, filled through the models of that
time, then migrated forward; the rows are read back through today's models.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from graphs.collab.models import Activity, Collaborator
from graphs.features.models import Feature, PublicFeatureSet
from graphs.generation.models import GenerationJob, QuotaGrant, QuotaTier
from graphs.models import Graph

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.datalayer]

BEFORE = [
    ("graphs", "0005_subgraph_listing_index"),
    ("generation", None),
    ("collab", None),
    ("features", None),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    # The models as they stood: the state the graphs app's migration leaves, with its dependencies.
    return executor.loader.project_state([targets[0]]).apps


def test_rows_and_permissions_survive_the_move():
    old = migrate(BEFORE)
    user_model = old.get_model("auth", "User")
    owner = user_model.objects.create(username="alice")
    staff = user_model.objects.create(username="ops", is_staff=True)
    graph = old.get_model("graphs", "Graph").objects.create(
        id="G" * 22,
        owner_id=owner.pk,
        slug="g",
        title="Dallas",
        model_id="demo",
        body_key="graphs/bodies/x.json.gz",
    )
    old.get_model("graphs", "Collaborator").objects.create(
        graph_id=graph.pk, user_id=staff.pk, role="editor"
    )
    old.get_model("graphs", "Activity").objects.create(
        graph_id=graph.pk, actor_id=owner.pk, verb="collaborator_added", subject="ops"
    )
    tier = old.get_model("graphs", "QuotaTier").objects.create(
        name="lab", jobs_per_hour=50, max_queued=5
    )
    old.get_model("graphs", "QuotaGrant").objects.create(
        user_id=owner.pk, tier_id=tier.pk, expires_at=timezone.now() + timedelta(days=30)
    )
    old.get_model("graphs", "GenerationJob").objects.create(
        id="J" * 22,
        owner_id=owner.pk,
        model_id="demo",
        prompt="The capital of Texas is",
        slug="capital",
        visibility="private",
        request_key="k" * 64,
        graph_id=graph.pk,
        state="succeeded",
    )
    old.get_model("graphs", "PublicFeatureSet").objects.create(
        model_id="demo", source_set="demo", digest="d"
    )
    old.get_model("graphs", "Feature").objects.create(
        model_id="demo", source_set="demo", layer=1, index=7, label="Texas", dashboard={"index": 7}
    )
    # A permission granted on a moved model, through its content type of that time.
    job_type = ContentType.objects.get_or_create(app_label="graphs", model="generationjob")[0]
    ContentType.objects.filter(app_label="generation", model="generationjob").delete()
    view_jobs = Permission.objects.get_or_create(
        content_type=job_type, codename="view_generationjob", defaults={"name": "Can view job"}
    )[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO auth_user_user_permissions (user_id, permission_id) VALUES (%s, %s)",
            [staff.pk, view_jobs.pk],
        )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    graph = Graph.objects.get(pk="G" * 22)
    collaborator = Collaborator.objects.get(graph=graph)
    assert (collaborator.user.username, collaborator.role) == ("ops", "editor")
    assert Activity.objects.get(graph=graph).subject == "ops"
    job = GenerationJob.objects.get(pk="J" * 22)
    assert (job.prompt, job.graph_id, job.graph_metadata) == (
        "The capital of Texas is",
        graph.pk,
        {},
    )
    assert QuotaGrant.objects.get().tier == QuotaTier.objects.get(name="lab")
    assert PublicFeatureSet.objects.get().digest == "d"
    assert Feature.objects.get(layer=1, index=7).label == "Texas"
    assert ContentType.objects.get_for_model(GenerationJob).pk == job_type.pk
    assert not ContentType.objects.filter(app_label="graphs", model="generationjob").exists()
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(username="ops").has_perm("generation.view_generationjob")
