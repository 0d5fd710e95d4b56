from modeltranslation.translator import TranslationOptions, register

from .models import (
    Agreement,
    Campus,
    Contact,
    CooperationCondition,
    IscedField,
    JointProgram,
    Partner,
    ResearchProject,
    Unit,
)


@register(Partner)
class PartnerTranslation(TranslationOptions):
    fields = ("name", "short_name", "description", "city")


@register(Campus)
class CampusTranslation(TranslationOptions):
    fields = ("name", "city", "address")


@register(Unit)
class UnitTranslation(TranslationOptions):
    fields = ("name", "short_name")


@register(Contact)
class ContactTranslation(TranslationOptions):
    fields = ("position",)


@register(IscedField)
class IscedFieldTranslation(TranslationOptions):
    fields = ("name",)


@register(Agreement)
class AgreementTranslation(TranslationOptions):
    fields = ("title",)


@register(CooperationCondition)
class CooperationConditionTranslation(TranslationOptions):
    fields = ("other_terms",)


@register(JointProgram)
class JointProgramTranslation(TranslationOptions):
    fields = ("title", "description")


@register(ResearchProject)
class ResearchProjectTranslation(TranslationOptions):
    fields = ("title", "summary", "funding_source")
