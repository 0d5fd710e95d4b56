from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    SetUnusablePasswordMixin,
    UserChangeForm,
)
from django.db.models import Exists, OuterRef
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.admin import ClashLinksAdmin

from . import services
from .models import User

# Authenticator secrets are not for browsing; staff reset them with the user action below.
admin.site.unregister(Authenticator)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class PasswordChangeForm(AdminPasswordChangeForm):
    # Django glues its warning to this help text as an untranslated literal: the same words, translated.
    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(ClashLinksAdmin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    change_password_form = PasswordChangeForm
    list_display = ("email", "full_name", "role", "language", "uses_mfa", "is_active", "date_joined")
    list_filter = ("role", "language", "is_active", "is_staff", "is_superuser")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    date_hierarchy = "date_joined"
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal details"), {"fields": ("full_name", "latin_name", "language")}),
        (_("Role and access"), {"fields": ("role", "is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
    filter_horizontal = ("groups",)
    actions = ["reset_two_factor"]

    def has_change_permission(self, request, obj=None):
        # Only a superuser changes a superuser (password, authenticators, role).
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        if not request.user.is_superuser:
            queryset = queryset.filter(is_superuser=False)
        super().delete_queryset(request, queryset)

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser hands out superuser rights or group memberships.
        if request.user.is_superuser:
            return self.readonly_fields
        return (*self.readonly_fields, "is_superuser", "groups", "user_permissions")

    def get_queryset(self, request):
        totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
        return super().get_queryset(request).annotate(has_totp=Exists(totp))

    @admin.display(description=_("two-factor"), boolean=True, ordering="has_totp")
    def uses_mfa(self, user):
        return user.has_totp

    @admin.action(description=_("Reset two-factor authentication"), permissions=["change"])
    def reset_two_factor(self, request, queryset):
        if not request.user.is_superuser:
            queryset = queryset.filter(is_superuser=False)
        count = services.reset_two_factor(queryset)
        self.message_user(
            request,
            ngettext(
                "Two-factor authentication was reset for %(count)d user.",
                "Two-factor authentication was reset for %(count)d users.",
                count,
            )
            % {"count": count},
        )
