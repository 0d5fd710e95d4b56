from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from config.views import query_without_page, whole_number
from partnerships.models import Partner

from .models import ExchangeCall

PAGE_SIZE = 20


def call_list(request):
    """Open exchange calls, filterable by mobility type, level and host institution."""
    calls = ExchangeCall.objects.open().prefetch_related("partners")
    filters = {name: request.GET.get(name, "") for name in ("type", "level", "partner")}
    if filters["type"] in ExchangeCall.MobilityType.values:
        calls = calls.filter(mobility_type=filters["type"])
    if filters["level"] in ExchangeCall.Level.values:
        # Levels are a short JSON list: matched in Python-free SQL on PostgreSQL and SQLite alike.
        calls = calls.filter(levels__icontains=f'"{filters["level"]}"')
    if partner := whole_number(filters["partner"]):
        calls = calls.filter(partners=partner)
    hosts = Partner.objects.filter(calls__in=ExchangeCall.objects.open()).distinct().order_by("name")
    page = Paginator(calls.distinct(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mobility/call_list.html",
        {
            "page": page,
            "query": query_without_page(request),
            "filters": filters,
            "types": ExchangeCall.MobilityType.choices,
            "levels": ExchangeCall.Level.choices,
            "hosts": hosts,
        },
    )


def call_detail(request, slug):
    call = get_object_or_404(
        ExchangeCall.objects.published().prefetch_related("partners", "criteria", "faculties"), slug=slug
    )
    now = timezone.now()
    return render(
        request,
        "mobility/call_detail.html",
        {"call": call, "is_open": call.opens_at <= now < call.closes_at, "not_yet_open": now < call.opens_at},
    )
