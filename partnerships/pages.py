"""What the apps above partnerships add to the partner page, so that partnerships imports none of them.

An app adds a section in its AppConfig.ready(): the name the template reads, and a read of the partner (a
QuerySet method of the app's own model, one query), e.g. in visits:

    pages.add_partner_section("timeline", Visit.objects.timeline_of)

The partner page shows a section only when its app is installed and has something to show.
"""

from collections.abc import Callable
from typing import Any

PARTNER_SECTIONS: dict[str, Callable[[Any], Any]] = {}


def add_partner_section(name: str, read: Callable[[Any], Any]) -> None:
    PARTNER_SECTIONS[name] = read


def partner_sections(partner) -> dict[str, Any]:
    """Each added section's content for this partner, by name, for the template."""
    return {name: read(partner) for name, read in PARTNER_SECTIONS.items()}
