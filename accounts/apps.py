from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # A person's account (name, role) shows in the header of their pages (config.personalcache).
        from allauth.mfa.models import Authenticator

        from config.personalcache import watch_personal

        from .models import User

        watch_personal(User, lambda user: user.pk)
        # Whether staff have an authenticator app is asked on each of their office pages (accounts.middleware).
        watch_personal(Authenticator, lambda authenticator: authenticator.user_id)
