"""Messages to applicants, each rendered in the applicant's own language."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from accounts.tasks import send_email

from .models import ApplicationTransition


def notify_application_status(transition_id: int) -> None:
    """E-mail the applicant the new status of their application, with the comment and a link to it."""
    transition = (
        ApplicationTransition.objects.select_related("application__applicant", "application__call", "application__host")
        .filter(pk=transition_id)
        .first()
    )
    if transition is None:
        return
    application = transition.application
    applicant = application.applicant
    with translation.override(applicant.language):
        context = {
            "transition": transition,
            "application": application,
            "status": transition.get_to_status_display(),
            "link": settings.SITE_URL + application.get_absolute_url(),
        }
        subject = gettext("Your application: %(status)s") % {"status": context["status"]}
        body = render_to_string("emails/application_status.txt", context)
        html = render_to_string("emails/application_status.html", context)
    send_email.delay(subject=subject, body=body, html=html, to=[applicant.email])
