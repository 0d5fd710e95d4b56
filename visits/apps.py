from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from config import pagecache
from config.personalcache import SIGNED_IN
from partnerships import pages


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits & news")

    def ready(self):
        # Registered after modeltranslation, so the history keeps every language (see partnerships.apps).
        # Imported here: models (simple_history's too) can be loaded only once the app registry is ready.
        from simple_history import register

        from . import models

        for model in (
            models.Visit,
            models.Outcome,
            models.Report,
            models.NewsArticle,
            models.AgendaItem,
            models.TypoReport,
        ):
            register(model, app=__package__)

        pages.add_partner_section("timeline", models.Visit.objects.timeline_of)
        # What the cached public pages show (config.pagecache); an embargoed article comes out by itself.
        pagecache.watch(
            "visits",
            models.Visit,
            models.DelegationMember,
            models.AgendaItem,
            models.Outcome,
            models.Photo,
            models.NewsArticle,
            changes_at=models.NewsArticle.objects.next_release,
        )
        # A typo report shows in the office's notices (config.personalcache).
        pagecache.watch(SIGNED_IN, models.TypoReport)
