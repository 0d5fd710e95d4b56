"""The portal as emails and allauth name it: the home university's name, never the request's host."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from config.models import HomeInstitution

BRAND = "Köpir"


@dataclass(frozen=True)
class PortalSite:
    """Stands in for django.contrib.sites' Site where allauth reads current_site.name and .domain."""

    name: str
    domain: str
    url: str


def portal_site() -> PortalSite:
    """The home university's short name (or name) in the active language, and the portal's public address."""
    home = HomeInstitution.objects.current()
    name = (home.short_name or home.name) if home else ""
    url = settings.PORTAL_URL.rstrip("/")
    return PortalSite(name=name or BRAND, domain=urlsplit(url).netloc or url, url=url)
