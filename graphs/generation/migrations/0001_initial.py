"""The generation app's models, moved out of the graphs app with their tables, rows and
permissions (their content types are relabelled, so granted permissions stay)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import graphs.generation.models

MODELS = ["generationjob", "quotatier", "quotagrant"]


def move_content_types(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    moved = content_types.objects.filter(app_label="graphs", model__in=MODELS)
    if moved.exists():
        # Types made for the new label before this ran would clash; the old ones carry the
        # granted permissions, so they are the ones kept.
        content_types.objects.filter(app_label="generation", model__in=MODELS).delete()
    moved.update(app_label="generation")


def move_content_types_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="generation", model__in=MODELS).update(
        app_label="graphs"
    )


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
                    name="QuotaTier",
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
                        ("name", models.CharField(max_length=50, unique=True)),
                        ("jobs_per_hour", models.PositiveIntegerField()),
                        ("max_queued", models.PositiveIntegerField()),
                    ],
                    options={
                        "db_table": "graphs_quotatier",
                    },
                ),
                migrations.CreateModel(
                    name="QuotaGrant",
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
                        ("expires_at", models.DateTimeField()),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "granted_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="quota_grants",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "tier",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="grants",
                                to="generation.quotatier",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "graphs_quotagrant",
                        "ordering": ["-expires_at"],
                    },
                ),
                migrations.CreateModel(
                    name="GenerationJob",
                    fields=[
                        (
                            "id",
                            models.CharField(
                                default=graphs.generation.models.new_job_id,
                                editable=False,
                                max_length=32,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("model_id", models.CharField(max_length=100)),
                        ("prompt", models.TextField()),
                        ("settings", models.JSONField(default=dict)),
                        ("slug", models.SlugField(max_length=100)),
                        ("visibility", models.CharField(max_length=16)),
                        ("request_key", models.CharField(db_index=True, max_length=64)),
                        ("n_prompt_tokens", models.PositiveIntegerField(blank=True, null=True)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("queued", "Queued"),
                                    ("running", "Running"),
                                    ("succeeded", "Succeeded"),
                                    ("failed", "Failed"),
                                    ("cancelled", "Cancelled"),
                                ],
                                default="queued",
                                max_length=16,
                            ),
                        ),
                        ("phase", models.CharField(blank=True, max_length=32)),
                        ("progress_done", models.PositiveIntegerField(default=0)),
                        ("progress_total", models.PositiveIntegerField(default=0)),
                        ("error", models.TextField(blank=True)),
                        ("version", models.PositiveIntegerField(default=0)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("worker", models.CharField(blank=True, max_length=200)),
                        ("lease_expires_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "created_at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "graph",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="graphs.graph",
                            ),
                        ),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="generation_jobs",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "graphs_generationjob",
                        "ordering": ["-created_at"],
                        "indexes": [
                            models.Index(
                                fields=["owner", "created_at"],
                                name="graphs_gene_owner_i_9615d3_idx",
                            ),
                            models.Index(
                                fields=["state", "lease_expires_at"],
                                name="graphs_gene_state_4ce544_idx",
                            ),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
