from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfigConfig(AppConfig):
    """Site-wide wiring: the home university, shared bases, home page, health check, template tags, demo data."""

    name = "config"
    verbose_name = _("Site")

    def ready(self):
        # Registered after modeltranslation has added the per-language columns, so that the history keeps every
        # language of every field (the same in every app).
        # Imported here: models (simple_history's too) can be loaded only once the app registry is ready.
        from simple_history import register

        from .models import Factsheet, HomeInstitution

        register(HomeInstitution, app=__package__)
        register(Factsheet, app=__package__)
        # Every cached public page shows the home university (its footer): see config.pagecache.
        from . import pagecache

        pagecache.watch(pagecache.SITE, HomeInstitution)
        self.patch_libraries()
        self.track_translations()
        self.tune_collector()

    @staticmethod
    def tune_collector():
        """Python collects its youngest objects after every 700 new ones. A long admin page builds about a million
        (forms, widgets, template nodes): collected that often, they outlive the young generations while the page is
        still being built, and the full collections they then set off walk every object of the process, a tenth of
        a second each. Collected after 50,000, a page's objects are mostly gone before they grow old."""
        import gc

        gc.set_threshold(50_000, 20, 20)

    @staticmethod
    def track_translations():
        """Every save of a translated record, by the admin, a service or the demo, updates its TranslationState.

        Connected once here rather than in each model's save(): the translated models belong to every app, and
        the state is wiring that no app's rule depends on.
        """
        from django.db.models.signals import post_delete, post_save

        from . import translations

        def saved(sender, instance, raw=False, update_fields=None, **kwargs):
            fields = translations.translated_fields(sender)
            if raw or (update_fields is not None and not any(name.startswith(fields) for name in update_fields)):
                return
            translations.record_translations(instance)

        def deleted(sender, instance, **kwargs):
            translations.forget_translations(instance)

        for model in translations.translated_models():
            post_save.connect(
                saved, sender=model, weak=False, dispatch_uid=f"translation_state_{model._meta.label_lower}"
            )
            post_delete.connect(
                deleted, sender=model, weak=False, dispatch_uid=f"translation_forget_{model._meta.label_lower}"
            )

        from .logs import connect_task_signals

        connect_task_signals()

    @staticmethod
    def patch_libraries():
        """Two libraries' texts that no catalogue reaches, corrected once at start-up."""
        import django_countries
        from django.contrib.admin.templatetags import admin_list
        from django.templatetags.static import static
        from django.utils.html import format_html
        from django.utils.translation import gettext

        from .text import collation_key

        # django-countries sorts its lists with a module-level key that, without pyuca, drops every letter
        # outside ASCII (Cyrillic and Chinese names then keep the order of their codes). It offers no setting.
        django_countries.sort_key = lambda item: collation_key(item[1])

        # The admin writes the Python value as the alt text of its yes/no icons ("True", "False") in every
        # language; the admin's own catalogue has "Yes", "No" and "Unknown". Every caller looks it up here.
        # The icons' addresses are looked up once: a list of partners shows a hundred of them.
        icons = {}

        def boolean_icon(field_val):
            name, alt = {True: ("yes", "Yes"), False: ("no", "No"), None: ("unknown", "Unknown")}[field_val]
            if name not in icons:
                icons[name] = static(f"admin/img/icon-{name}.svg")
            return format_html('<img src="{}" alt="{}">', icons[name], gettext(alt))

        admin_list._boolean_icon = boolean_icon
