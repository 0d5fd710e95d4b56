from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from config.translations import record_translations, translated_models


class Command(BaseCommand):
    help = "Write the translation state of every translated record (records saved before the workflow existed)."

    def handle(self, *args, **options):
        count = 0
        for model in translated_models():
            for obj in model._default_manager.iterator():
                record_translations(obj)
                count += 1
        self.stdout.write(_("Translation states written: %(count)d.") % {"count": count})
