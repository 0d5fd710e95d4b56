from functools import partial

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.utils import translation

from . import tasks
from .sites import portal_site


class AccountAdapter(DefaultAccountAdapter):
    """Emails go out through Celery after commit, in the recipient's preferred language."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", "")
        user.role = form.cleaned_data.get("role", user.Role.STUDENT)
        user.language = translation.get_language()
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix, email, context):
        request = context.get("request") or self.request
        user = context.get("user")
        with translation.override(getattr(user, "language", None) or translation.get_language()):
            # The portal is named by the home university in the recipient's language, not by the request's host.
            context = {"request": request, "email": email, **context, "current_site": portal_site()}
            message = self.render_mail(template_prefix, email, context)
        html = next((body for body, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
        transaction.on_commit(
            partial(
                tasks.send_email.delay,
                subject=message.subject,
                body=message.body,
                html=html,
                to=list(message.to),
                from_email=message.from_email,
            )
        )
