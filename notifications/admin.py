from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.admin import ClashLinksAdmin
from config.workspace import needs_attention

from . import services
from .models import Email, Notification, ReminderRule
from .registry import RULES, get_rule


class RuleFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "rule"

    def lookups(self, request, model_admin):
        return [(key, rule.label) for key, rule in RULES.items()]

    def queryset(self, request, queryset):
        return queryset.filter(rule=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(ClashLinksAdmin, admin.ModelAdmin):
    """The outbox: every notice, whether its email is waiting, sent or failed (with the reason), and resend."""

    list_display = (
        "created_at",
        "kind_label",
        "recipient",
        "content_type",
        "object_id",
        "stage",
        "email_status",
        "email_attempts",
        "email_error",
    )
    list_filter = ("email_status", RuleFilter, "created_at")
    list_select_related = ("recipient", "content_type")
    search_fields = ("recipient__email", "recipient__full_name", "email_error")
    date_hierarchy = "created_at"
    actions = ["resend"]
    readonly_fields = (
        "rule",
        "content_type",
        "object_id",
        "stage",
        "recipient",
        "created_at",
        "read_at",
        "email_status",
        "email_attempts",
        "email_error",
        "emailed_at",
    )

    @admin.display(description=_("kind"), ordering="rule")
    def kind_label(self, notification):
        return get_rule(notification.rule).label or notification.rule

    def has_add_permission(self, request):
        return False  # notices come from the sweep and from events only

    def has_delete_permission(self, request, obj=None):
        return False  # a deleted notice would be sent again by the next sweep

    @admin.action(description=_("Send the selected emails again"), permissions=["change"])
    def resend(self, request, queryset):
        count = services.resend_emails(queryset)
        self.message_user(
            request,
            ngettext("%(count)d email is being sent again.", "%(count)d emails are being sent again.", count)
            % {"count": count},
        )


@admin.register(Email)
class EmailAdmin(ClashLinksAdmin, admin.ModelAdmin):
    """The other emails' outbox: waiting, sent or failed (with the reason), and resend. Bodies stay hidden:
    they hold sign-in and password-reset links meant for their recipient only."""

    list_display = ("created_at", "subject", "recipients", "status", "queued_at", "attempts", "error")
    list_filter = ("status", "created_at")
    search_fields = ("subject", "error")
    date_hierarchy = "created_at"
    actions = ["resend"]
    fields = ("subject", "recipients", "status", "created_at", "queued_at", "sent_at", "attempts", "error")
    readonly_fields = fields

    @admin.display(description=_("to"))
    def recipients(self, email):
        return ", ".join(email.to)

    def has_add_permission(self, request):
        return False  # emails come from the portal's actions only

    def has_delete_permission(self, request, obj=None):
        return False  # the outbox is the record of what was sent to whom

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)  # the resend action, no editing

    @admin.action(description=_("Send the selected emails again"), permissions=["change"])
    def resend(self, request, queryset):
        count = services.resend_outbox_emails(queryset)
        self.message_user(
            request,
            ngettext("%(count)d email is being sent again.", "%(count)d emails are being sent again.", count)
            % {"count": count},
        )


@admin.register(ReminderRule)
class ReminderRuleAdmin(ClashLinksAdmin, admin.ModelAdmin):
    """The days of each reminder: staff change them here; the rules themselves live in the code."""

    list_display = ("__str__", "offsets", "is_active", "is_required")
    list_editable = ("offsets", "is_active")
    list_filter = ("is_active",)
    fields = ("kind_label", "offsets", "offsets_help", "is_active")
    readonly_fields = ("kind_label", "offsets_help")

    @admin.display(description=_("kind"))
    def kind_label(self, row):
        return str(row)

    @admin.display(description=_("what the days mean"))
    def offsets_help(self, row):
        return get_rule(row.key).offsets_help

    @admin.display(description=_("always emailed"), boolean=True)
    def is_required(self, row):
        return get_rule(row.key).required

    def get_queryset(self, request):
        services.rule_settings()  # every registered rule has its row
        return super().get_queryset(request)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


needs_attention(
    "notifications",
    Email,
    query=f"status__exact={Email.Status.FAILED}",
    label=lambda n: ngettext("%(count)d email failed to send", "%(count)d emails failed to send", n) % {"count": n},
    records=lambda emails: emails.filter(status=Email.Status.FAILED),
)
