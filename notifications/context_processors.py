from functools import cache

from .models import Notification


def unread_notifications(request):
    """The bell's unread count: one COUNT query, only for signed-in people and only if the page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Templates call a callable; cache() makes every use on the page share one query.
    return {"unread_notifications": cache(lambda: Notification.objects.for_user(user).unread().count())}
