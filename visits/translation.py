from modeltranslation.translator import TranslationOptions, register

from .models import AgendaItem, NewsArticle, Outcome, Photo, Report, Visit


@register(Visit)
class VisitTranslation(TranslationOptions):
    fields = ("title", "city", "purpose")


@register(AgendaItem)
class AgendaItemTranslation(TranslationOptions):
    fields = ("title", "place", "notes")


@register(Outcome)
class OutcomeTranslation(TranslationOptions):
    fields = ("description",)


@register(Report)
class ReportTranslation(TranslationOptions):
    fields = ("body",)


@register(Photo)
class PhotoTranslation(TranslationOptions):
    fields = ("caption", "alt_text")


@register(NewsArticle)
class NewsArticleTranslation(TranslationOptions):
    fields = ("title", "summary", "body")
