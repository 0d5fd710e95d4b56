from django.db import migrations


def create_trigram_index(apps, schema_editor):
    # Substring search over names in four languages: a trigram index on PostgreSQL; SQLite simply scans.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS partner_search_text_trgm "
            "ON partnerships_partner USING gin (search_text gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS partner_search_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0002_contact_iscedfield_and_more")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
