"""The home university is the portal's own identity and moves to the config app, with its data and history.

The tables are renamed (data, per-language columns and change history kept); config's migration 0001 has
already taken over the models' state. The content types follow, so permissions and admin log entries stay.
"""

from django.db import migrations

MOVED = ["homeinstitution", "historicalhomeinstitution"]


def move_content_types(apps, schema_editor, source="partnerships", target="config"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = set(ContentType.objects.filter(app_label=target, model__in=MOVED).values_list("model", flat=True))
    ContentType.objects.filter(app_label=source, model__in=set(MOVED) - taken).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="config", target="partnerships")


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0007_partner_language"),
        ("config", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="homeinstitution", table="config_homeinstitution"),
                migrations.AlterModelTable(name="historicalhomeinstitution", table="config_historicalhomeinstitution"),
            ],
            state_operations=[
                migrations.DeleteModel(name="HistoricalHomeInstitution"),
                migrations.DeleteModel(name="HomeInstitution"),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
