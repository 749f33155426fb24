"""The full-text index of explanation texts, on PostgreSQL only (SQLite searches by substring).
Its expression is services/search.py's TSVECTOR_SQL, which the search query repeats verbatim."""

from django.db import migrations

INDEX = "explanation_description_fts"


class PostgresOnly(migrations.RunSQL):
    """RunSQL that does nothing on other databases."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("explanations", "0001_initial")]

    operations = [
        PostgresOnly(
            sql=(
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON explanations_explanation "
                "USING gin (to_tsvector('simple'::regconfig, description))"
            ),
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        )
    ]
