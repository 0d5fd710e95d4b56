from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.forms import QueryForm
from partnerships.models import Unit

from .models import DOCUMENT_RULES, Application, ApplicationDocument, ExchangeCall

STUDENT_FIELDS = ("gpa", "credits", "year_of_study", "has_academic_debts")


class CallFilterForm(QueryForm):
    """The open calls' filters in the query string: mobility type, level and host institution."""

    type = forms.ChoiceField(required=False, choices=ExchangeCall.MobilityType.choices)
    level = forms.ChoiceField(required=False, choices=ExchangeCall.Level.choices)
    partner = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class FacultyChoiceField(forms.ModelChoiceField):
    """Our own faculties, by name only: an applicant needs no "(our university)" after each."""

    def label_from_instance(self, obj):
        return obj.name


class AboutForm(forms.ModelForm):
    """Step 1: who the applicant is, as far as the call's eligibility rules ask."""

    has_academic_debts = forms.TypedChoiceField(
        label=_("Do you have academic debts?"),
        required=False,
        choices=[("", "—"), ("false", _("No")), ("true", _("Yes"))],
        coerce=lambda value: value == "true",
        empty_value=None,
    )

    class Meta:
        model = Application
        field_classes = {"faculty": FacultyChoiceField}
        fields = [
            "latin_name",
            "level",
            "faculty",
            "gpa",
            "credits",
            "year_of_study",
            "has_academic_debts",
            "language_level",
            "priority_category",
            "phone",
        ]

    def __init__(self, *args, call: ExchangeCall, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False  # a draft may be incomplete; submitting checks completeness
        self.fields["level"].choices = [("", "—")] + [
            (value, label) for value, label in ExchangeCall.Level.choices if value in call.levels
        ]
        faculties = call.faculties.all()
        self.fields["faculty"].queryset = (
            faculties if faculties else Unit.objects.filter(partner__isnull=True, parent__isnull=True)
        )
        categories = call.priority_categories.all()
        if categories:
            self.fields["priority_category"].queryset = categories
            self.fields["priority_category"].help_text = _("Only if you belong to one; you will be asked for proof.")
        else:
            del self.fields["priority_category"]
        if call.is_for_staff_only:
            for name in STUDENT_FIELDS:
                del self.fields[name]
        if not call.min_language_level:
            del self.fields["language_level"]
        if not self.instance.latin_name and self.instance.applicant_id:
            self.initial["latin_name"] = self.instance.applicant.latin_name  # the account's spelling, to confirm
        if self.instance.has_academic_debts is not None:
            self.initial["has_academic_debts"] = "true" if self.instance.has_academic_debts else "false"


class HostsForm(forms.Form):
    """Step 2: the host institutions in the applicant's order of preference."""

    def __init__(self, *args, call: ExchangeCall, choices, **kwargs):
        super().__init__(*args, **kwargs)
        partners = list(call.partners.all())
        options = [("", "—")] + [(partner.pk, partner.name) for partner in partners]
        self.partners = {str(partner.pk): partner for partner in partners}
        current = [choice.partner_id for choice in choices]
        for rank in range(1, len(partners) + 1):
            self.fields[f"choice_{rank}"] = forms.ChoiceField(
                label=_("Choice %(rank)d") % {"rank": rank},
                choices=options,
                required=rank == 1,
                initial=current[rank - 1] if rank <= len(current) else "",
            )

    def clean(self):
        picked = [value for value in (self.cleaned_data.get(name) for name in self.fields) if value]
        if len(set(picked)) != len(picked):
            raise forms.ValidationError(_("Each host institution can be chosen only once."))
        self.cleaned_data["partners"] = [self.partners[value] for value in picked]
        return self.cleaned_data


class MotivationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["motivation"]
        widgets = {"motivation": forms.Textarea(attrs={"rows": 10, "maxlength": 6000})}
        help_texts = {"motivation": _("What you want to study or do there, and why it matters for you.")}


class DocumentsForm(forms.Form):
    """Step 4: one upload per required document; each file is checked and stored on its own (see refuse)."""

    def __init__(self, *args, call: ExchangeCall, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in call.document_kinds:
            rule = DOCUMENT_RULES[kind]
            formats = ", ".join(fmt.upper() for fmt in rule.formats)
            self.fields[kind] = forms.FileField(
                label=ApplicationDocument.Kind(kind).label,
                required=False,
                help_text=_("%(formats)s, at most %(size)d MB.")
                % {"formats": formats, "size": rule.max_bytes // (1024 * 1024)},
                widget=forms.ClearableFileInput(
                    attrs={"accept": ",".join(f".{fmt}" if fmt != "jpeg" else ".jpg,.jpeg" for fmt in rule.formats)}
                ),
            )

    def refuse(self, kind, file, error):
        """Say under the field which file was not stored and why (the other files of the same submit are)."""
        self.add_error(
            kind,
            forms.ValidationError(
                _("«%(name)s» is not saved: %(reason)s"),
                params={"name": file.name, "reason": " ".join(error.messages)},
                code=getattr(error, "code", None) or "refused",
            ),
        )


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm that what I have given is true and complete."),
        error_messages={"required": _("Tick the box to confirm before submitting.")},
    )


class WithdrawForm(forms.Form):
    comment = forms.CharField(
        label=_("Why do you withdraw? (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewForm(forms.Form):
    """Points from 0 to 100 for each criterion of the call."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, criteria, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = {score.criterion_id: score.points for score in review.scores.all()} if review else {}
        fields = {}
        for criterion in criteria:
            fields[f"criterion_{criterion.pk}"] = forms.IntegerField(
                label=pgettext_lazy("criterion with weight", "%(criterion)s (%(weight)d %%)")
                % {"criterion": criterion.name, "weight": criterion.weight},
                min_value=0,
                max_value=100,
                initial=current.get(criterion.pk),
                help_text=_("0 to 100 points."),
            )
        self.fields = {**fields, **self.fields}
        self.criteria = criteria
        if review:
            self.initial["comment"] = review.comment

    def points(self):
        return {criterion.pk: self.cleaned_data[f"criterion_{criterion.pk}"] for criterion in self.criteria}
