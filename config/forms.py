from django import forms


class QueryForm(forms.Form):
    """A page's GET filters: each valid value is used, each bad one (a NUL byte, a choice that is none of them, a
    number out of range) is ignored, as if the reader had not chosen it."""

    def __init__(self, data):
        super().__init__(data)
        self.is_valid()

    def chosen(self):
        """Every filter with its valid value, or None/"" where it was missing or bad."""
        return {name: self.cleaned_data.get(name) for name in self.fields}

    def as_text(self):
        """The chosen values as the page's selects write them, to mark the selected options."""
        return {name: "" if value in (None, "") else str(value) for name, value in self.chosen().items()}
