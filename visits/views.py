import re

from allauth.account.adapter import get_adapter as get_account_adapter
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_countries import countries
from icalendar import Calendar, Event
from modeltranslation.settings import FALLBACK_LANGUAGES
from modeltranslation.utils import resolution_order

from accounts.middleware import office_rights
from accounts.models import User
from accounts.roles import is_office
from config.files import private_file_response
from config.pagecache import cached_page
from config.text import collation_key, place
from partnerships.models import Partner

from . import services
from .forms import TypoReportForm, VisitFilterForm
from .models import AgendaItem, CalendarFeed, NewsArticle, Visit, VisitDocument

PAGE_SIZE = 12
# The private calendars' addresses: secrets.token_urlsafe (CalendarFeed.token).
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
# One whole sentence per language an article may be shown in, so that each language names the other in its own
# words (the reader's own language is the one the page is in, and its translation names it).
FALLBACK_NOTICES = {
    "kk": _("This article is not yet available in this language; here it is in Kazakh."),
    "ru": _("This article is not yet available in this language; here it is in Russian."),
    "en": _("This article is not yet available in this language; here it is in English."),
    "zh-hans": _("This article is not yet available in this language; here it is in Chinese."),
}


@cached_page("visits", "partnerships")
def visit_list(request):
    """The news of visits: newest first, filterable by year, partner, country and direction."""
    articles = NewsArticle.objects.published().select_related("visit", "cover")
    years = (
        articles.annotate(year=ExtractYear("visit__starts_on"))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    form = VisitFilterForm(request.GET)
    filters = form.chosen()
    if filters["year"]:
        articles = articles.filter(visit__starts_on__year=filters["year"])
    if filters["partner"]:
        articles = articles.filter(visit__partners=filters["partner"])
    if filters["country"]:
        articles = articles.filter(visit__country=filters["country"])
    if filters["direction"]:
        articles = articles.filter(visit__direction=filters["direction"])
    published_visits = NewsArticle.objects.published().values("visit")
    partners = Partner.objects.filter(visits__in=published_visits).distinct().order_by("name")
    visit_countries = sorted(
        {code for code in Visit.objects.filter(pk__in=published_visits).values_list("country", flat=True)},
        key=lambda code: collation_key(countries.name(code)),
    )
    page = Paginator(articles.prefetch_related("visit__partners").distinct(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "visits/visit_list.html",
        {
            "page": page,
            "filters": form.as_text(),
            "years": list(years),
            "partners": partners,
            "countries": [(code, countries.name(code)) for code in visit_countries],
            "directions": Visit.Direction.choices,
        },
    )


@cached_page("visits", "partnerships")
def article_detail(request, slug):
    article = get_object_or_404(
        NewsArticle.objects.published()
        .select_related("visit", "cover")
        .prefetch_related(
            "visit__photos",
            "visit__partners",
            Prefetch("visit__agenda", queryset=AgendaItem.objects.order_by("starts_at")),
        ),
        slug=slug,
    )
    available = article.languages_available()
    language = translation.get_language()
    shown = next((code for code in resolution_order(language, FALLBACK_LANGUAGES) if code in available), None)
    return render(
        request,
        "visits/article_detail.html",
        {
            "article": article,
            "visit": article.visit,
            "gallery": [photo for photo in article.visit.photos.all() if photo.pk != article.cover_id],
            "fallback_notice": None if shown == language else FALLBACK_NOTICES.get(shown),
        },
    )


@office_rights
@login_required
def visit_document(request, pk):
    """Invitation letters, orders and visa papers: office staff and the delegation only."""
    document = get_object_or_404(VisitDocument, pk=pk)
    user = request.user
    if not (is_office(user) or document.visit.members.filter(user=user).exists()):
        raise Http404
    return private_file_response(document.file, content_type="application/pdf")


def _calendar(name):
    calendar = Calendar()
    calendar.add("prodid", "-//Köpir//visits//")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def _visit_event(visit, request):
    event = Event()
    event.add("uid", f"visit-{visit.pk}@{request.get_host()}")
    event.add("summary", visit.title)
    event.add("dtstart", visit.starts_on)
    event.add("dtend", visit.ends_on + timezone.timedelta(days=1))  # all-day events end the day after
    event.add("location", str(place(visit.city, countries.name(visit.country))))
    event.add("dtstamp", timezone.now())
    return event


def _ics(calendar):
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="visits.ics"'
    return response


def public_calendar(request):
    """Published visits with exact dates, for anyone's calendar application."""
    calendar = _calendar(str(translation.gettext("Visits")))
    visits = Visit.objects.with_published_article().filter(precision=Visit.Precision.DAY).select_related("article")
    for visit in visits:
        event = _visit_event(visit, request)
        event.add("url", request.build_absolute_uri(visit.article.get_absolute_url()))
        calendar.add_component(event)
    return _ics(calendar)


def private_calendar(request, token):
    """Every visit and programme item the feed's owner takes part in; the token is the only key."""
    # A feed stops with its owner's account or office role.
    feeds = CalendarFeed.objects.select_related("user").filter(user__is_active=True, user__role=User.Role.STAFF)
    if not FEED_TOKEN.fullmatch(token):
        raise Http404  # not an address the portal makes (a NUL byte would not even reach the database)
    feed = get_object_or_404(feeds, token=token)
    calendar = _calendar(str(translation.gettext("My visits")))
    visits = (
        Visit.objects.filter(members__user=feed.user, precision=Visit.Precision.DAY)
        .exclude(status=Visit.Status.CANCELLED)
        .prefetch_related("agenda")
        .distinct()
    )
    for visit in visits:
        calendar.add_component(_visit_event(visit, request))
        for item in visit.agenda.all():
            event = Event()
            event.add("uid", f"agenda-{item.pk}@{request.get_host()}")
            event.add("summary", item.title)
            # In the local time of the place, so the calendar shows the zone the programme was agreed in.
            starts_at = item.starts_at.astimezone(visit.zone)
            event.add("dtstart", starts_at)
            event.add("dtend", (item.ends_at or item.starts_at + timezone.timedelta(hours=1)).astimezone(visit.zone))
            event.add("location", item.place)
            event.add("dtstamp", timezone.now())
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return _ics(calendar)


@office_rights
@login_required
def calendar_settings(request):
    if not is_office(request.user):
        raise Http404
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(request, "visits/calendar_settings.html", {"feed": feed})


@office_rights
@require_POST
@login_required
def renew_calendar(request):
    if not is_office(request.user):
        raise Http404
    services.renew_calendar_feed(request.user)
    return redirect("visits:calendar_settings")


@require_POST
def report_typo(request):
    """Take a reader's typo report (no sign-in needed; CSRF-protected and rate-limited per address)."""
    key = f"typo-reports:{get_account_adapter().get_client_ip(request)}"
    cache.add(key, 0, timeout=3600)
    if cache.incr(key) > services.TYPO_REPORTS_PER_HOUR:
        return JsonResponse({"error": translation.gettext("Too many reports; please try again later.")}, status=429)
    form = TypoReportForm(request.POST)
    if not form.is_valid():
        errors = [message for messages in form.errors.values() for message in messages]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    services.report_typo(language=translation.get_language(), **form.cleaned_data)
    return JsonResponse({"message": translation.gettext("Thank you! The mistake has been reported.")}, status=201)
