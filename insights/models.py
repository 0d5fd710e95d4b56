"""Renewal reviews: the office's decision, before an agreement ends, whether to renew it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partnerships.models import Agreement


class RenewalReviewQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=RenewalReview.Status.OPEN)


class RenewalReview(models.Model):
    """An action item with an owner: look at an agreement's use and decide on its renewal by a date."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("renewal review", "Open")
        RENEW = "renew", _("Renew")
        LET_END = "let_end", _("Let it end")

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="renewal_reviews", verbose_name=_("agreement")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="renewal_reviews",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    notes = models.TextField(_("notes"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RenewalReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("renewal review")
        verbose_name_plural = _("renewal reviews")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement"],
                condition=models.Q(status="open"),
                name="one_open_renewal_review_per_agreement",
                violation_error_message=_("This agreement already has an open renewal review."),
            )
        ]

    def __str__(self):
        return str(self.agreement)


class AgreementHealth(Agreement):
    """Agreements seen by their use: the review-before-renewal list and each agreement's health page."""

    class Meta:
        proxy = True
        verbose_name = _("agreement to review before renewal")
        verbose_name_plural = _("agreements to review before renewal")
