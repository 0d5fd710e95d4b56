from modeltranslation.translator import TranslationOptions, register

from .models import ExchangeCall, SelectionCriterion


@register(ExchangeCall)
class ExchangeCallTranslation(TranslationOptions):
    fields = ("title", "description", "priority_categories", "required_documents", "second_stage")


@register(SelectionCriterion)
class SelectionCriterionTranslation(TranslationOptions):
    fields = ("name",)
