from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from config.forms import QueryForm

from .models import TypoReport, Visit


class VisitFilterForm(QueryForm):
    """The news list's filters in the query string: year, partner, country and direction of the visit."""

    year = forms.IntegerField(required=False, min_value=1, max_value=9999)
    partner = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    country = forms.ChoiceField(required=False, choices=lambda: [(code, code) for code, _name in countries])
    direction = forms.ChoiceField(required=False, choices=Visit.Direction.choices)


class TypoReportForm(forms.ModelForm):
    # The text around the selection only helps to find it: it is shortened, never a reason to refuse.
    context = forms.CharField(required=False, strip=True)

    class Meta:
        model = TypoReport
        fields = ["url", "selection", "context", "comment"]
        error_messages = {"selection": {"required": _("Select the text with the mistake first.")}}

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.startswith("/") or url.startswith("//") or any(ord(char) < 32 for char in url):
            raise forms.ValidationError(_("Report mistakes on this site's own pages only."))
        return url

    def clean_context(self):
        return " ".join(self.cleaned_data["context"].split())[: 2 * TypoReport.MAX_SELECTION]
