from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.personalcache import personal_page

from . import services
from .forms import EmailPreferencesForm
from .models import EmailOptOut, Notification

PAGE_SIZE = 20


@login_required
@personal_page("mobility", "partnerships", "visits")
def notification_list(request):
    """The person's notices, newest first; the same queries for one notice or a page full."""
    page = Paginator(Notification.objects.for_user(request.user).for_list(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = [
        {
            "notification": notification,
            "message": notification.message(),
            "link": notification.kind.link(notification.target, request.user) if notification.target else "",
        }
        for notification in page
    ]
    return render(request, "notifications/notification_list.html", {"page": page, "items": items})


@require_POST
@login_required
def mark_read(request, pk):
    services.mark_read(request.user, notification_id=pk)
    return redirect("notifications:notification_list")


@require_POST
@login_required
def mark_all_read(request):
    count = services.mark_read(request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:notification_list")


@login_required
def notification_settings(request):
    """Which kinds of notice come by email; required kinds cannot be switched off."""
    opted_out = set(EmailOptOut.objects.filter(user=request.user).values_list("rule", flat=True))
    # An empty POST (every box unticked) is still a submission: the form is bound on every POST.
    data = request.POST if request.method == "POST" else None
    form = EmailPreferencesForm(data, user=request.user, opted_out=opted_out)
    if request.method == "POST" and form.is_valid():
        services.set_email_preferences(request.user, wanted=form.wanted())
        messages.success(request, _("Your email settings are saved."))
        return redirect("notifications:notification_settings")
    return render(request, "notifications/notification_settings.html", {"form": form})
