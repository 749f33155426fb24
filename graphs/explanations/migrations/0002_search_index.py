"""Full-text search of explanation texts on PostgreSQL only (SQLite searches by substring).

A stored generated column `search_vector` (the `simple` configuration: no stemming, no stop
words) with a GIN index. The model does not declare the column: Django never writes it, and only
services/search.py reads it, on PostgreSQL. Stored rather than an expression index so a search
does not recompute every matched row's vector to recheck and rank it.
"""

from django.db import migrations

TABLE = "explanations_explanation"
INDEX = "explanation_search_vector_gin"


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
            sql=[
                f"ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
                "(to_tsvector('simple'::regconfig, description)) STORED",
                f"CREATE INDEX {INDEX} ON {TABLE} USING gin (search_vector)",
            ],
            reverse_sql=[
                f"DROP INDEX IF EXISTS {INDEX}",
                f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector",
            ],
        )
    ]
