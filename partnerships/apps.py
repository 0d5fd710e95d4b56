from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from config import pagecache


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self):
        # Change history is registered after modeltranslation has added the per-language columns,
        # so that every language of every field is kept in the history.
        # Imported here: models (simple_history's too) can be loaded only once the app registry is ready.
        from simple_history import register

        from . import models

        for model in (
            models.IscedField,
            models.Partner,
            models.PartnerDomain,
            models.Campus,
            models.Unit,
            models.Contact,
            models.Agreement,
            models.AgreementDocument,
            models.CooperationCondition,
            models.JointProgram,
            models.ResearchProject,
            models.ResearchOutput,
        ):
            register(model, app=__package__, m2m_fields=["partners"] if model is models.Agreement else ())
        # What the cached public pages show (config.pagecache): a save of any of these renders them afresh.
        pagecache.watch(
            "partnerships",
            models.IscedField,
            models.Partner,
            models.PartnerDomain,
            models.Campus,
            models.Unit,
            models.Agreement,
            models.CooperationCondition,
            models.JointProgram,
            models.ResearchProject,
            models.ResearchOutput,
        )
