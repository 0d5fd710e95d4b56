from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfigConfig(AppConfig):
    """Site-wide wiring: home page, health check, content-language template tags, demo data."""

    name = "config"
    verbose_name = _("Site")

    def ready(self):
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
        def boolean_icon(field_val):
            name, alt = {True: ("yes", "Yes"), False: ("no", "No"), None: ("unknown", "Unknown")}[field_val]
            return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), gettext(alt))

        admin_list._boolean_icon = boolean_icon
