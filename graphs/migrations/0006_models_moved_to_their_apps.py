"""Jobs and quotas, collaborators and activity, and feature dashboards now belong to their own
apps (generation, collab, features); their tables stay, so only the state moves."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("graphs", "0005_subgraph_listing_index"),
        ("generation", "0001_initial"),
        ("collab", "0001_initial"),
        ("features", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay: the models' new apps use them under the same names.
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="activity",
                    name="actor",
                ),
                migrations.RemoveField(
                    model_name="activity",
                    name="graph",
                ),
                migrations.RemoveField(
                    model_name="collaborator",
                    name="graph",
                ),
                migrations.RemoveField(
                    model_name="collaborator",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="feature",
                    name="graph",
                ),
                migrations.RemoveField(
                    model_name="feature",
                    name="owner",
                ),
                migrations.RemoveField(
                    model_name="generationjob",
                    name="graph",
                ),
                migrations.RemoveField(
                    model_name="generationjob",
                    name="owner",
                ),
                migrations.DeleteModel(
                    name="PublicFeatureSet",
                ),
                migrations.RemoveField(
                    model_name="quotagrant",
                    name="granted_by",
                ),
                migrations.RemoveField(
                    model_name="quotagrant",
                    name="tier",
                ),
                migrations.RemoveField(
                    model_name="quotagrant",
                    name="user",
                ),
                migrations.DeleteModel(
                    name="Activity",
                ),
                migrations.DeleteModel(
                    name="Collaborator",
                ),
                migrations.DeleteModel(
                    name="Feature",
                ),
                migrations.DeleteModel(
                    name="GenerationJob",
                ),
                migrations.DeleteModel(
                    name="QuotaTier",
                ),
                migrations.DeleteModel(
                    name="QuotaGrant",
                ),
            ],
        ),
    ]
