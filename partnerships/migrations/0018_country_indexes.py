from django.db import migrations, models


class Migration(migrations.Migration):
    """The partners of a country, and the agreements of those partners, read by index: the agreement list filtered
    to a country counts and sorts its agreements from the links of that country's partners alone."""

    dependencies = [
        ("partnerships", "0017_condition_order"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="partner",
            index=models.Index(fields=["country"], name="partner_country"),
        ),
        # The link table Django makes for Agreement.partners has no Meta to declare it in.
        migrations.RunSQL(
            "CREATE INDEX agreement_partners_partner_agreement "
            "ON partnerships_agreement_partners (partner_id, agreement_id)",
            "DROP INDEX agreement_partners_partner_agreement",
        ),
    ]
