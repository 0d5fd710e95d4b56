from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Agreement, CooperationCondition, JointProgram, Partner

EQF_LEVELS = [
    (5, _("Level 5: short-cycle")),
    (6, _("Level 6: bachelor")),
    (7, _("Level 7: master")),
    (8, _("Level 8: doctorate")),
]


def academic_years(today=None, *, before=5, after=6) -> list[str]:
    """The academic years around today's ("2025/2026"; a year starts in September), oldest first."""
    today = today or timezone.localdate()
    current = today.year if today.month >= 9 else today.year - 1
    return [f"{year}/{year + 1}" for year in range(current - before, current + after)]


class ConditionForm(forms.ModelForm):
    """A cooperation condition in words: EQF levels ticked by name, academic years picked from a list. The model's
    own rules still check what is sent."""

    eqf_levels = forms.TypedMultipleChoiceField(
        label=_("EQF levels"), choices=EQF_LEVELS, coerce=int, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = CooperationCondition
        fields = ["academic_year_from", "academic_year_to", "eqf_levels"]  # the admin adds the rest

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("academic_year_from", "academic_year_to"):
            if name not in self.fields:
                continue
            years = academic_years()
            kept = getattr(self.instance, name, "")
            if kept and kept not in years:  # a year outside the list stays choosable on its record
                years = sorted({*years, kept})
            field = self.fields[name]
            field.widget = forms.Select(choices=[("", "---------"), *((year, year) for year in years)])


class ListSelect(forms.Select):
    """A plain list of choices written in one pass, not a template per option: the directory's country filter
    offers some two hundred, on a page that must render in milliseconds."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(v)}"{" selected" if str(v) == chosen else ""}>{escape(label)}</option>'
            for v, label in self.choices
        )
        attrs = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), mark_safe(options))  # noqa: S308  # nosec B308 B703 (every value and label escaped above)


class PartnerFilterForm(forms.Form):
    """The directory's search box, filters and sort order; choices with counts are filled in by the view."""

    SORTS = [
        ("name", _("Name")),
        ("country", _("Country")),
        ("-agreements", _("Most active agreements")),
    ]

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=ListSelect)
    kind = forms.ChoiceField(label=pgettext_lazy("kind of institution", "Type"), required=False, widget=ListSelect)
    agreement_kind = forms.ChoiceField(label=_("Agreement"), required=False, widget=ListSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=ListSelect)
    field = forms.ChoiceField(label=_("Field of education"), required=False, widget=ListSelect)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS, widget=ListSelect)

    FACETS = {
        "country": None,
        "kind": Partner.Kind,
        "agreement_kind": Agreement.Kind,
        "status": Partner.Status,
        "field": None,
    }

    def submitted(self):
        """What the reader asked for, before the facets' choices are known: each value as a person can type it
        (no NUL byte, no longer than the search box allows); a value nobody can type is left out."""
        text = forms.CharField(required=False, max_length=200)
        values = {}
        for name in self.fields if self.is_bound else ():
            try:
                values[name] = text.clean(self.data.get(name, ""))
            except forms.ValidationError:
                continue
        return values

    def set_facets(self, counted):
        """The facets' choices from the directory's counts ({filter: [(value, label, count)]}, which offer the
        chosen value too, even at 0); the empty choice comes first."""
        for name, counted_choices in counted.items():
            self.fields[name].choices = [("", _("All"))] + [
                (value, f"{label} ({count})") for value, label, count in counted_choices
            ]


class ProgramFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=pgettext_lazy("kind of program", "Type"),
        required=False,
        choices=[("", _("All")), *JointProgram.Kind.choices],
    )
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("All")), *JointProgram.Level.choices])
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *JointProgram.Status.choices]
    )
