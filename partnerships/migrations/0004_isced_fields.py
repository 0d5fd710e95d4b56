from django.db import migrations


def load_fields(apps, schema_editor):
    from partnerships.isced import DETAILED_FIELDS

    IscedField = apps.get_model("partnerships", "IscedField")
    existing = set(IscedField.objects.values_list("code", flat=True))
    IscedField.objects.bulk_create(
        IscedField(code=code, name=en, name_en=en, name_ru=ru, name_kk=kk, name_zh_hans=zh)
        for code, en, ru, kk, zh in DETAILED_FIELDS
        if code not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0003_partner_search_index")]

    operations = [migrations.RunPython(load_fields, migrations.RunPython.noop)]
