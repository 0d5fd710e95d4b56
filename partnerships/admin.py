from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from .models import HomeInstitution


@admin.register(HomeInstitution)
class HomeInstitutionAdmin(TabbedTranslationAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "city", "phone", "email")
    fieldsets = (
        (None, {"fields": ("name", "short_name", "welcome", "logo")}),
        (_("Address"), {"fields": ("postcode", "city", "address")}),
        (_("Contacts"), {"fields": ("phone_label", "phone", "email", "info_email", "website")}),
    )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not HomeInstitution.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
