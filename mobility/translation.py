from modeltranslation.translator import TranslationOptions, register

from .models import ExchangeCall, PriorityCategory, SelectionCriterion


@register(ExchangeCall)
class ExchangeCallTranslation(TranslationOptions):
    fields = ("title", "description", "second_stage")


@register(SelectionCriterion)
class SelectionCriterionTranslation(TranslationOptions):
    fields = ("name",)


@register(PriorityCategory)
class PriorityCategoryTranslation(TranslationOptions):
    fields = ("name",)
