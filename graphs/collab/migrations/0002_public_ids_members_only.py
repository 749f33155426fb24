"""Random public ids for collaborators and activity entries (the primary keys are sequential and
never reach a URL again), the e-mail address a collaborator was added by, and members-only
activity. Existing entries of graphs that are private now, and entries about collaborators, are
marked members-only: what was done in private stays private if the graph goes public."""

from django.db import migrations, models

import graphs.ids


def fill(apps, schema_editor):
    Activity = apps.get_model("collab", "Activity")
    Collaborator = apps.get_model("collab", "Collaborator")
    for model in (Activity, Collaborator):
        for pk in model.objects.filter(public_id="").values_list("pk", flat=True).iterator():
            model.objects.filter(pk=pk).update(public_id=graphs.ids.new_public_id())
    Activity.objects.filter(
        models.Q(graph__visibility="private")
        | models.Q(verb__in=["collaborator_added", "collaborator_changed", "collaborator_removed"])
    ).update(members_only=True)


class Migration(migrations.Migration):
    dependencies = [
        ("collab", "0001_initial"),
        ("graphs", "0006_models_moved_to_their_apps"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="members_only",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="activity",
            name="public_id",
            field=models.CharField(default="", editable=False, max_length=22),
        ),
        migrations.AddField(
            model_name="collaborator",
            name="invited_as",
            field=models.CharField(blank=True, default="", max_length=254),
        ),
        migrations.AddField(
            model_name="collaborator",
            name="public_id",
            field=models.CharField(default="", editable=False, max_length=22),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
