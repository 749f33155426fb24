"""The public ids filled in by 0002 become unique, with a random default (a separate migration:
PostgreSQL cannot alter a table in the transaction that just updated its rows)."""

from django.db import migrations, models

import graphs.ids

VERBS = [
    ("subgraph_saved", "saved a subgraph"),
    ("subgraph_renamed", "renamed a subgraph"),
    ("subgraph_deleted", "deleted a subgraph"),
    ("collaborator_added", "added a collaborator"),
    ("collaborator_changed", "changed a collaborator's role"),
    ("collaborator_removed", "removed a collaborator"),
    ("subgraph_featured", "featured a subgraph"),
    ("subgraph_unfeatured", "unfeatured a subgraph"),
    ("subgraph_hidden", "hid a subgraph"),
    ("subgraph_shown", "showed a hidden subgraph"),
    ("graph_edited", "edited the title or description"),
    ("visibility_changed", "changed the visibility"),
]


class Migration(migrations.Migration):
    dependencies = [("collab", "0002_public_ids_members_only")]

    operations = [
        migrations.AlterField(
            model_name="activity",
            name="public_id",
            field=models.CharField(
                default=graphs.ids.new_public_id, editable=False, max_length=22, unique=True
            ),
        ),
        migrations.AlterField(
            model_name="collaborator",
            name="public_id",
            field=models.CharField(
                default=graphs.ids.new_public_id, editable=False, max_length=22, unique=True
            ),
        ),
        migrations.AlterField(
            model_name="activity",
            name="verb",
            field=models.CharField(choices=VERBS, max_length=32),
        ),
    ]
