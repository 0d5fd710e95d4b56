from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from config.models import HomeInstitution
from config.text import join_list

from . import sso
from .models import User


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form, which refuses the password of someone who must use the university account."""

    def clean(self):
        cleaned = super().clean()
        user = getattr(self, "user", None)
        # Checked after the password, so the refusal tells a stranger nothing about the account.
        if user is not None and not self.errors and sso.sso_required(user):
            self.user = None
            raise ValidationError(
                format_html(
                    '{} <a href="#sso">{}</a>',
                    _("Your account signs in with the university account only, not with a password."),
                    _("Sign in with the university account"),
                ),
                code="sso_required",
            )
        return cleaned


class SignupForm(AllauthSignupForm):
    """Students and faculty sign up themselves; office staff roles are granted in the admin only."""

    field_order = ["full_name", "email", "role", "password1", "password2"]

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    role = forms.ChoiceField(
        label=_("I am"),
        choices=[(User.Role.STUDENT, _("a student")), (User.Role.FACULTY, _("a faculty member"))],
        initial=User.Role.STUDENT,
        widget=forms.RadioSelect,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == User.Role.FACULTY and cleaned.get("email"):
            home = HomeInstitution.objects.current()
            domains = home.faculty_domains if home else []
            domain = cleaned["email"].rpartition("@")[2].lower()
            # The confirmation e-mail then proves the person belongs to the university.
            if domain not in domains:
                self.add_error(
                    "email",
                    _("Faculty members sign up with their university email address (%(domains)s).")
                    % {"domains": join_list(f"@{d}" for d in domains) or "—"},
                )
        return cleaned


class ProfileForm(forms.ModelForm):
    """How a person is named and which language the portal writes to them in."""

    class Meta:
        model = User
        fields = ["full_name", "latin_name", "language"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "latin_name": forms.TextInput(attrs={"autocomplete": "off"}),
        }
