from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from config.text import join_list

from . import sso
from .sites import portal_site


class AccountAdapter(DefaultAccountAdapter):
    """Emails go through the outbox (sent by Celery after commit), in the recipient's preferred language."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", "")
        user.role = form.cleaned_data.get("role", user.Role.STUDENT)
        user.language = translation.get_language()
        if commit:
            user.save()
        return user

    def post_login(self, request, user, **kwargs):
        # The staff two-factor rule asks the session whether this sign-in's identity provider proved a second factor.
        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        if sociallogin is not None and sso.proved_second_factor(sociallogin):
            request.session[sso.MFA_SESSION_KEY] = user.pk
        else:
            request.session.pop(sso.MFA_SESSION_KEY, None)
        return super().post_login(request, user, **kwargs)

    def send_mail(self, template_prefix, email, context):
        request = context.get("request") or self.request
        user = context.get("user")
        with translation.override(getattr(user, "language", None) or translation.get_language()):
            # The portal is named by the home university in the recipient's language, not by the request's host.
            context = {"request": request, "email": email, **context, "current_site": portal_site()}
            message = self.render_mail(template_prefix, email, context)
        # The email backend stores it in the outbox; a task sends it after commit (a refused publish waits there).
        message.send()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Sign-in through the university's identity providers: only its verified addresses, roles from the provider.

    A refusal sends the person back to the sign-in page with the reason in their language; nothing is stored.
    """

    def pre_social_login(self, request, sociallogin):
        # The identity provider calls back to one address for every language: the sign-in page's is in the state.
        language = translation.get_language_from_path(sociallogin.state.get("next") or "")
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        app = sociallogin.provider.app
        address = next(iter(sociallogin.email_addresses), None)
        domains = sso.allowed_domains(app)
        if address is None:
            self._refuse(request, _("Your university account did not tell the portal your email address."))
        if not sso.is_allowed_domain(sso.email_domain(address.email), domains):
            self._refuse(
                request,
                _(
                    "%(email)s is not an address of the university. Sign in with the university account "
                    "(%(domains)s) or with your email address and password."
                )
                % {"email": address.email, "domains": join_list(f"@{domain}" for domain in domains) or "—"},
            )
        if not address.verified:
            self._refuse(
                request,
                _(
                    "Your university account has not confirmed the address %(email)s, so the portal cannot use it. "
                    "Ask the university's IT service to confirm it, or sign in with your email address and password."
                )
                % {"email": address.email},
            )

    def _refuse(self, request, message):
        messages.error(request, message)
        raise ImmediateHttpResponse(redirect("account_login"))

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.full_name = (data.get("name") or " ".join(filter(None, [data.get("first_name"), data.get("last_name")])))[
            :200
        ]
        user.role = sso.role_for(sociallogin.provider.app, email=user.email, claims=sso.claims_of(sociallogin))
        return user

    def save_user(self, request, sociallogin, form=None):
        # Only now is the language of the sign-in page active (pre_social_login).
        sociallogin.user.language = translation.get_language()
        return super().save_user(request, sociallogin, form)
