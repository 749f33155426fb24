"""The collab app's models, moved out of the graphs app with their tables, rows and
permissions (their content types are relabelled, so granted permissions stay)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["collaborator", "activity"]


def move_content_types(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    moved = content_types.objects.filter(app_label="graphs", model__in=MODELS)
    if moved.exists():
        # Types made for the new label before this ran would clash; the old ones carry the
        # granted permissions, so they are the ones kept.
        content_types.objects.filter(app_label="collab", model__in=MODELS).delete()
    moved.update(app_label="collab")


def move_content_types_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="collab", model__in=MODELS).update(app_label="graphs")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("graphs", "0005_subgraph_listing_index"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables exist already, under their names of the graphs app.
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Activity",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "verb",
                            models.CharField(
                                choices=[
                                    ("subgraph_saved", "saved a subgraph"),
                                    ("subgraph_renamed", "renamed a subgraph"),
                                    ("subgraph_deleted", "deleted a subgraph"),
                                    ("collaborator_added", "added a collaborator"),
                                    ("collaborator_changed", "changed a collaborator's role"),
                                    ("collaborator_removed", "removed a collaborator"),
                                ],
                                max_length=32,
                            ),
                        ),
                        ("subject", models.CharField(blank=True, max_length=200)),
                        ("subgraph_id", models.CharField(blank=True, max_length=32)),
                        ("detail", models.CharField(blank=True, max_length=200)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "actor",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "graph",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="activities",
                                to="graphs.graph",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "graphs_activity",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["graph", "-created_at"], name="activity_graph_time_idx"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Collaborator",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[("viewer", "Viewer"), ("editor", "Editor")],
                                default="viewer",
                                max_length=16,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "graph",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="collaborators",
                                to="graphs.graph",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="collaborations",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "graphs_collaborator",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("graph", "user"), name="collaborator_unique_per_graph"
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
