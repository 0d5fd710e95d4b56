from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline

from partnerships.admin import PortalAdmin

from .models import ExchangeCall, SelectionCriterion


class CriteriaFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        weights = [
            form.cleaned_data["weight"]
            for form in self.forms
            if form.cleaned_data.get("weight") and not form.cleaned_data.get("DELETE")
        ]
        if weights and sum(weights) != 100:
            raise ValidationError(
                _("The weights of the criteria add up to %(total)d %%; they must add up to 100 %%."),
                params={"total": sum(weights)},
            )


class CriterionInline(TranslationTabularInline):
    model = SelectionCriterion
    formset = CriteriaFormSet
    extra = 0


class ExchangeCallForm(forms.ModelForm):
    levels = forms.MultipleChoiceField(
        label=_("who may apply"), choices=ExchangeCall.Level.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ExchangeCall
        fields = ["levels"]  # the admin adds the rest from its fieldsets


@admin.register(ExchangeCall)
class ExchangeCallAdmin(PortalAdmin):
    form = ExchangeCallForm
    list_display = ("title", "mobility_type", "funding", "places", "opens_at", "closes_at", "is_published")
    list_filter = ("is_published", "mobility_type", "funding", "partners")
    search_fields = ("title_en", "title_ru", "title_kk", "title_zh_hans", "partners__search_text")
    autocomplete_fields = ("partners", "agreements", "faculties")
    filter_horizontal = ("conditions",)
    prepopulated_fields = {"slug": ("title_en",)}
    date_hierarchy = "closes_at"
    inlines = [CriterionInline]
    fieldsets = (
        (None, {"fields": ("title", "slug", "description", "mobility_type", "is_published")}),
        (_("Who and where"), {"fields": ("levels", "faculties", "partners", "agreements", "conditions")}),
        (
            _("Places and dates"),
            {"fields": ("funding", "places", ("opens_at", "closes_at"), ("mobility_starts_on", "mobility_ends_on"))},
        ),
        (
            _("Eligibility"),
            {
                "fields": (
                    ("min_gpa", "min_credits"),
                    ("min_language_level", "min_year_of_study"),
                    "no_academic_debts",
                    "priority_categories",
                    "required_documents",
                )
            },
        ),
        (_("Selection"), {"fields": ("has_second_stage", "second_stage")}),
    )
