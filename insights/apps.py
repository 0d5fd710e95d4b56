from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Dashboard and agreement health")

    def ready(self):
        # The unused-agreement reminder links to the agreement's health page, which lives up here.
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from simple_history import register

        from mobility.models import Mobility
        from partnerships.models import Agreement, Partner
        from partnerships.reminders import set_agreement_review_link

        from . import health, models, network

        register(models.RenewalReview, app=__package__)
        # The public figures are cached: any change to what they count forgets them.
        for model in (Partner, Agreement, Mobility):
            post_save.connect(network.forget_network, sender=model, dispatch_uid=f"insights-{model.__name__}-save")
            post_delete.connect(network.forget_network, sender=model, dispatch_uid=f"insights-{model.__name__}-delete")
        # An agreement's partners are set after it is saved: they make a partner one with an active agreement.
        m2m_changed.connect(
            network.forget_network, sender=Agreement.partners.through, dispatch_uid="insights-agreement-partners"
        )
        set_agreement_review_link(health.health_url)
        # The annual report is written as an export kept for the person who asked (config.exports).
        from config.exports import register_exporter
        from config.models import ExportJob

        from .reports import write_report

        register_exporter(ExportJob.Kind.ANNUAL_REPORT, write_report)
