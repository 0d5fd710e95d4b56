from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Köpir · international cooperation")
admin.site.site_title = _("Köpir administration")
admin.site.index_title = _("International office")
