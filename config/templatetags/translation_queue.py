"""The translation queue's counts on the admin index (templates/admin/includes/translation_queue.html)."""

from django import template

from config.translations import translation_counts, translator_languages

register = template.Library()


@register.simple_tag(takes_context=True)
def translation_counts_of(context):
    user = context["request"].user
    return {**translation_counts(user), "languages": translator_languages(user)}
