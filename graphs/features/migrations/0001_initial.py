"""The features app's models, moved out of the graphs app with their tables, rows and
permissions (their content types are relabelled, so granted permissions stay)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import graphs.features.models

MODELS = ["feature", "publicfeatureset"]


def move_content_types(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    moved = content_types.objects.filter(app_label="graphs", model__in=MODELS)
    if moved.exists():
        # Types made for the new label before this ran would clash; the old ones carry the
        # granted permissions, so they are the ones kept.
        content_types.objects.filter(app_label="features", model__in=MODELS).delete()
    moved.update(app_label="features")


def move_content_types_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="features", model__in=MODELS).update(app_label="graphs")


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
                    name="PublicFeatureSet",
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
                        ("model_id", models.CharField(max_length=100)),
                        ("source_set", models.CharField(max_length=100)),
                        ("n_features", models.PositiveIntegerField(default=0)),
                        ("digest", models.CharField(max_length=64)),
                        ("loaded_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "db_table": "graphs_publicfeatureset",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("model_id", "source_set"), name="public_feature_set_key"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Feature",
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
                        ("model_id", models.CharField(max_length=100)),
                        ("source_set", models.CharField(max_length=100)),
                        ("layer", models.PositiveIntegerField()),
                        ("index", models.PositiveIntegerField()),
                        ("label", models.CharField(blank=True, default="", max_length=200)),
                        ("dashboard", graphs.features.models.DashboardField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "graph",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="features",
                                to="graphs.graph",
                            ),
                        ),
                        (
                            "owner",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="uploaded_features",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "graphs_feature",
                        "ordering": ["model_id", "source_set", "layer", "index"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("graph__isnull", True)),
                                fields=("model_id", "source_set", "layer", "index"),
                                name="feature_unique_in_public_set",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("graph__isnull", False)),
                                fields=("graph", "layer", "index"),
                                name="feature_unique_in_graph",
                            ),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
