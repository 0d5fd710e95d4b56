from django.apps import AppConfig
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from config import pagecache
from config.personalcache import SIGNED_IN
from partnerships import pages


class MobilityConfig(AppConfig):
    name = "mobility"
    verbose_name = _("Mobility")

    def ready(self):
        # Registered after modeltranslation, so the history keeps every language (see partnerships.apps).
        # Imported here: models (simple_history's too) can be loaded only once the app registry is ready.
        from simple_history import register

        from . import models

        for model in (
            models.PriorityCategory,
            models.ExchangeCall,
            models.Application,
            models.Review,
            models.Score,
            models.Mobility,
            models.LearningAgreementCourse,
        ):
            register(model, app=__package__)

        pages.add_partner_section("mobility_years", models.Mobility.objects.counts_by_year)
        # What the cached public pages show (config.pagecache), not the applications; calls open and close by
        # themselves.
        pagecache.watch(
            "mobility",
            models.PriorityCategory,
            models.ExchangeCall,
            models.SelectionCriterion,
            models.CallHost,
            models.Mobility,
            changes_at=models.ExchangeCall.objects.next_window_change,
        )
        # What the signed-in pages of applicants and reviewers show (config.personalcache); an applicant's name
        # shows on the review.
        pagecache.watch(
            SIGNED_IN,
            models.Application,
            models.HostChoice,
            models.ApplicationDocument,
            models.Review,
            models.Score,
            get_user_model(),
        )
