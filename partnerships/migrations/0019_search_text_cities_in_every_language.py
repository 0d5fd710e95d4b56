from django.db import migrations
from django.db.models import Q

from config.i18n import localized_fields
from partnerships.models.partners import search_document

BATCH = 1_000


def rebuild_search_text(apps, schema_editor):
    """The search text of every partner whose city (or a campus's) is written in some language: now with the city
    in each language (Үрімші, Урумчи, 乌鲁木齐), as the pages show it. Partners without one keep theirs."""
    Partner = apps.get_model("partnerships", "Partner")
    names, cities = localized_fields("name", "short_name"), localized_fields("city")
    written = Q()
    for column in cities:
        written |= Q(**{f"{column}__gt": ""}) | Q(**{f"campuses__{column}__gt": ""})
    partners = Partner.objects.filter(pk__in=Partner.objects.filter(written).values("pk")).prefetch_related(
        "domains", "campuses"
    )
    changed = []
    for partner in partners.order_by("pk").iterator(chunk_size=BATCH):
        partner.search_text = search_document(
            [partner.name, *(getattr(partner, c) for c in names), *partner.other_names.splitlines()],
            [
                partner.city,
                *(getattr(partner, c) for c in cities),
                partner.region,
                *(getattr(campus, c) for campus in partner.campuses.all() for c in cities),
            ],
            [d.domain for d in partner.domains.all()],
        )
        changed.append(partner)
        if len(changed) == BATCH:
            Partner.objects.bulk_update(changed, ["search_text"])
            changed = []
    Partner.objects.bulk_update(changed, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0018_country_indexes")]

    operations = [migrations.RunPython(rebuild_search_text, migrations.RunPython.noop)]
