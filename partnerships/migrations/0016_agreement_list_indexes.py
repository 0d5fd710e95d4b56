from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexWithoutLock(AddIndexConcurrently):
    """Built without locking the table's reads and writes on PostgreSQL; other databases build it plainly."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return migrations.AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    # An index built concurrently cannot be built inside a transaction.
    atomic = False

    dependencies = [
        ("partnerships", "0015_search_words"),
    ]

    operations = [
        AddIndexWithoutLock(
            model_name="agreement",
            index=models.Index(fields=["valid_from", "id"], name="agreement_valid_from_id"),
        ),
        AddIndexWithoutLock(
            model_name="agreement",
            index=models.Index(fields=["status", "valid_until"], name="agreement_status_valid_until"),
        ),
    ]
