from django.utils.functional import SimpleLazyObject

from . import pagecache
from .models import HomeInstitution


def home_institution(request):
    """The home university for the footer: only for pages that show it, and from the cache while it is unchanged
    (a save bumps the site's version, config.pagecache)."""
    return {
        "home_institution": SimpleLazyObject(
            lambda: pagecache.current(pagecache.SITE, "home_institution", HomeInstitution.objects.current)
        )
    }
