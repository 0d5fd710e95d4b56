from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Agreement, JointProgram, Partner


class PartnerFilterForm(forms.Form):
    """The directory's search box, filters and sort order; choices with counts are filled in by the view."""

    SORTS = [
        ("name", _("Name")),
        ("country", _("Country")),
        ("-agreements", _("Most active agreements")),
    ]

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False)
    kind = forms.ChoiceField(label=pgettext_lazy("kind of institution", "Type"), required=False)
    agreement_kind = forms.ChoiceField(label=_("Agreement"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    field = forms.ChoiceField(label=_("Field of education"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

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

    def set_facet_choices(self, name, counted_choices):
        """counted_choices: (value, label, count); the empty choice comes first."""
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
