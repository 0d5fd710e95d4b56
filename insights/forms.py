from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .health import academic_year_label
from .reports import report_years


class AnnualReportForm(forms.Form):
    """Which academic year, in which language and format, the annual report is written."""

    year = forms.TypedChoiceField(label=capfirst(_("academic year")), coerce=int)
    language = forms.ChoiceField(label=capfirst(_("language")), choices=settings.LANGUAGES)
    format = forms.ChoiceField(label=capfirst(_("format")), choices=[("xlsx", "XLSX"), ("pdf", "PDF")])

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        years = report_years(today or timezone.localdate())
        self.fields["year"].choices = [(year, academic_year_label(year)) for year in years]
        self.fields["year"].initial = years[0]
        self.fields["language"].initial = get_language()  # the reader's, unless they choose another
