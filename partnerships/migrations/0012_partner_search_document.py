from django.db import migrations

from config.i18n import localized_fields
from partnerships.models.partners import search_document


def create_full_text_index(apps, schema_editor):
    # Chinese (by pairs of characters) and short words: a full-text index on the same search text, written as
    # the search writes it (partners.SimpleVector) so that the planner uses it. Both indexes without GIN's
    # pending list: after a bulk import, a pending list not yet merged makes every search scan it (seconds).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS partner_search_text_fts ON partnerships_partner "
            "USING gin (to_tsvector('simple'::regconfig, search_text)) WITH (fastupdate = off)"
        )
        schema_editor.execute("ALTER INDEX partner_search_text_trgm SET (fastupdate = off)")
        schema_editor.execute("SELECT gin_clean_pending_list('partner_search_text_trgm'::regclass)")


def drop_full_text_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS partner_search_text_fts")
        schema_editor.execute("ALTER INDEX partner_search_text_trgm RESET (fastupdate)")


def rebuild_search_text(apps, schema_editor):
    """Every partner's search text, now with its cities and region, accents taken off Latin letters."""
    Partner = apps.get_model("partnerships", "Partner")
    columns = localized_fields("name", "short_name")
    partners = list(Partner.objects.prefetch_related("domains", "campuses"))
    for partner in partners:
        names = [partner.name, *(getattr(partner, c, "") for c in columns), *partner.other_names.splitlines()]
        partner.search_text = search_document(
            names,
            [partner.city, partner.region, *(c.city for c in partner.campuses.all())],
            [d.domain for d in partner.domains.all()],
        )
    Partner.objects.bulk_update(partners, ["search_text"], batch_size=1_000)


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0011_documents_in_private_storage_alias")]

    operations = [
        migrations.RunPython(create_full_text_index, drop_full_text_index),
        migrations.RunPython(rebuild_search_text, migrations.RunPython.noop),
    ]
