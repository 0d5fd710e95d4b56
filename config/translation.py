from modeltranslation.translator import TranslationOptions, register

from .models import Factsheet, HomeInstitution


@register(HomeInstitution)
class HomeInstitutionTranslation(TranslationOptions):
    fields = ("name", "short_name", "welcome", "city", "address", "phone_label")
    required_languages = ("en",)


@register(Factsheet)
class FactsheetTranslation(TranslationOptions):
    fields = ("application_url", "requirements", "housing_url", "visa_url", "insurance_url")
    required_languages = ("en",)
