import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from config.admin import ClashLinksAdmin, ReadOnlyAdmin

from . import services
from .models import ApiToken, ApiTokenUse

DEFAULT_LIFETIME = datetime.timedelta(days=365)


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=ApiToken.Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiToken
        fields = ["name", "scopes", "expires_at"]


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return ApiToken.State.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == ApiToken.State.ACTIVE:
            return queryset.usable(now)
        if self.value() == ApiToken.State.EXPIRED:
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == ApiToken.State.REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(ClashLinksAdmin, SimpleHistoryAdmin):
    """Tokens for other systems: the secret is shown once on creation; revoking is an action, never a deletion."""

    form = ApiTokenForm
    list_display = ("name", "shown_part", "scope_list", "state_label", "expires_at", "last_used_at", "created_by")
    list_filter = (StateFilter,)
    list_select_related = ("created_by",)
    search_fields = ("name", "shown_part")
    actions = ["revoke"]
    readonly_fields = (
        "shown_part",
        "state_label",
        "created_by",
        "created_at",
        "last_used_at",
        "uses",
        "revoked_at",
        "revoked_by",
    )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ("name", "scopes", "expires_at")})]
        return [
            (None, {"fields": ("name", "shown_part", "state_label", "scopes", "expires_at")}),
            (_("Record"), {"fields": ("created_by", "created_at", "last_used_at", "uses", "revoked_at", "revoked_by")}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.revoked_at:
            # A revoked token stays as it was when it was stopped.
            return (*self.readonly_fields, "name", "scopes", "expires_at")
        return self.readonly_fields

    def get_changeform_initial_data(self, request):
        return {"expires_at": timezone.now() + DEFAULT_LIFETIME, **super().get_changeform_initial_data(request)}

    def has_delete_permission(self, request, obj=None):
        # Deleting would lose the log of its uses: tokens are revoked instead.
        return False

    @admin.display(description=_("scopes"))
    def scope_list(self, token):
        return ", ".join(str(scope) for scope in token.scope_labels())

    @admin.display(description=_("state"))
    def state_label(self, token):
        return token.state().label

    @admin.display(description=_("uses"))
    def uses(self, token):
        count = token.uses.count()
        link = reverse("admin:api_apitokenuse_changelist") + f"?token__id__exact={token.pk}"
        text = ngettext("%(count)d use in the log", "%(count)d uses in the log", count) % {"count": count}
        return format_html('<a href="{}">{}</a>', link, text)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, secret = services.issue_token(
            name=obj.name, scopes=obj.scopes, expires_at=obj.expires_at, created_by=request.user
        )
        # The admin goes on with the issued token (its log entry, the page that shows the secret).
        obj.pk, obj._state.adding = token.pk, False
        for field in ("shown_part", "key_hash", "created_by_id", "created_at"):
            setattr(obj, field, getattr(token, field))
        obj.secret = secret

    def response_add(self, request, obj, post_url_continue=None):
        """The only time the secret is shown: on this page, never stored, never put in a message or a cookie."""
        return TemplateResponse(
            request,
            "admin/api/apitoken/issued.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "token": obj,
                "secret": obj.secret,
                "title": _("Copy the token now"),
            },
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        revoked = 0
        for token in queryset:
            try:
                services.revoke_token(token, by=request.user)
                revoked += 1
            except ValidationError as error:
                self.message_user(request, f"{token}: {' '.join(error.messages)}", messages.ERROR)
        if revoked:
            self.message_user(
                request,
                ngettext("%(count)d token is revoked.", "%(count)d tokens are revoked.", revoked) % {"count": revoked},
                messages.SUCCESS,
            )


@admin.register(ApiTokenUse)
class ApiTokenUseAdmin(ReadOnlyAdmin, ClashLinksAdmin, admin.ModelAdmin):
    """The log of token uses, read only; it keeps API_TOKEN_LOG_DAYS days."""

    list_display = ("at", "token", "method", "path", "status", "client")
    list_filter = ("status", ("token", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("token",)
    date_hierarchy = "at"
    search_fields = ("path",)
