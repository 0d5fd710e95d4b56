from django.db import migrations

# The defaults at the time of writing; staff change them in the admin. Rules added later get their row
# with their code defaults on the next sweep.
DEFAULTS = {
    "agreement_expiry": "180, 90, 30, 7",
    "agreement_renewal_notice": "60, 14",
    "agreement_unused": "180",
    "visit_preparation": "14, 3",
    "visit_report_due": "0",
    "visit_report_overdue": "0, 14",
    "outcome_due_soon": "7, 1",
    "outcome_overdue": "1, 14",
    "typo_report": "",
    "office_digest": "28",
}


def seed(apps, schema_editor):
    ReminderRule = apps.get_model("notifications", "ReminderRule")
    ReminderRule.objects.bulk_create(
        [ReminderRule(key=key, offsets=offsets) for key, offsets in DEFAULTS.items()], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
