from django.db import migrations

SEARCH_INDEXES = ("partner_search_text_trgm", "partner_search_text_fts")


def bounded_pending_list(apps, schema_editor):
    # Written one row at a time, each new search text costs about a hundred trigram entries: half a
    # millisecond a partner, seconds for an import of the world list. With a pending list the entries are
    # merged in sorted batches. The portal's connections merge it at 64 kB (gin_pending_list_limit in the
    # settings), so a search never scans a long one; the import raises the limit for its own transaction and
    # merges the list before it commits (config.bulk).
    if schema_editor.connection.vendor == "postgresql":
        for index in SEARCH_INDEXES:
            schema_editor.execute(f"ALTER INDEX {index} SET (fastupdate = on)")


def no_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in SEARCH_INDEXES:
            schema_editor.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
            schema_editor.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0013_ewp_exchange")]

    operations = [migrations.RunPython(bounded_pending_list, no_pending_list)]
