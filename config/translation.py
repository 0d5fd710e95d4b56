from modeltranslation.translator import TranslationOptions, register

from .models import HomeInstitution


@register(HomeInstitution)
class HomeInstitutionTranslation(TranslationOptions):
    fields = ("name", "short_name", "welcome", "city", "address", "phone_label")
    required_languages = ("en",)
