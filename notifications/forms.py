from django import forms

from .services import rules_for


class EmailPreferencesForm(forms.Form):
    """One tick box per kind of notice the person can receive; required kinds are ticked and locked."""

    def __init__(self, *args, user, opted_out: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        for rule in rules_for(user):
            self.fields[rule.key] = forms.BooleanField(
                label=rule.label,
                required=False,
                initial=rule.required or rule.key not in opted_out,
                disabled=rule.required,
                widget=forms.CheckboxInput(
                    attrs={"aria-describedby": f"id_{rule.key}-locked"} if rule.required else None
                ),
            )
            self.fields[rule.key].is_locked = rule.required

    def wanted(self) -> set[str]:
        return {key for key, value in self.cleaned_data.items() if value}
