"""The API's endpoints: public reads of what the portal's public pages show, and token-protected reads for
integrations. Every answer is in the requested language, with ETag and Last-Modified for conditional requests."""

import functools
import hashlib

from django.db.models import F, Prefetch, Q
from django.http import JsonResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from config.i18n import localized_expression
from mobility.models import Application, CallHost, ExchangeCall, Mobility
from partnerships.models import Agreement, CooperationCondition, JointProgram, Partner, ResearchProject, Unit
from visits.models import NewsArticle, Photo, Visit

from . import conditional, docs, queries, serializers
from . import private_serializers as private
from .authentication import TokenAuthentication
from .languages import LANGUAGE_CODES, requested_language
from .pagination import PagePagination
from .permissions import ReadsAgreements, ReadsMobilities, ReadsNominations
from .throttling import PublicRateThrottle, TokenRateThrottle


class ApiView(GenericAPIView):
    """What every endpoint shares: the reader's language, validated query parameters, caching and conditional GET."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = [PublicRateThrottle]
    query_class = queries.DetailQuery
    cache_control = {"public": True, "max_age": 300}
    vary = ("Accept-Language",)

    def initial(self, request, *args, **kwargs):
        # The language first, so that even a refused token or a throttled request is answered in it.
        lang = request.query_params.get("lang", "")
        self.language = requested_language(
            lang if lang in LANGUAGE_CODES else "", request.headers.get("Accept-Language", "")
        )
        translation.activate(self.language)
        super().initial(request, *args, **kwargs)
        query = self.query_class(data=request.query_params)
        query.is_valid(raise_exception=True)
        self.query = query.validated_data

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "language": self.language}

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = getattr(self, "language", translation.get_language())
        patch_vary_headers(response, self.vary)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        patch_cache_control(response, **self.cache_control)
        response.render()
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        response["ETag"] = etag
        since = conditional.unchanged_since(f"{self.language} {request.get_full_path()}", etag)
        if since is not None:
            response["Last-Modified"] = http_date(since)
        return get_conditional_response(request._request, etag=etag, last_modified=since, response=response)


class PrivateView(ApiView):
    """An endpoint for integrations: a token with the view's scope (permission_classes), throttled per token."""

    authentication_classes = [TokenAuthentication]
    throttle_classes = [TokenRateThrottle]
    cache_control = {"private": True, "no_cache": True}
    vary = ("Accept-Language", "Authorization")


class ListView(ApiView):
    query_class = queries.ListQuery
    pagination_class = PagePagination

    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        self.prepare(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def prepare(self, page):
        """Attach to the page's objects what is read once per page (counts), before they are serialised."""


class DetailView(ApiView):
    lookup_field = "slug"
    not_found = None  # a translated sentence naming what was not found; DRF's "Not found." without one

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    def get_object(self):
        obj = self.get_queryset().filter(**{self.lookup_field: self.kwargs[self.lookup_field]}).first()
        if obj is None:
            raise NotFound(self.not_found and str(self.not_found), code="not_found")
        self.prepare(obj)
        return obj

    def prepare(self, obj):
        """Attach what the serializer needs beyond the queryset."""


def public_partners():
    return Prefetch("partners", queryset=Partner.objects.public(), to_attr="public_partners")


# ---------------------------------------------------------------- partners


@docs.public_list(
    "Partner institutions",
    "The public directory of partner institutions, searched and filtered as on the portal's directory page.",
    serializers.PartnerSerializer,
    queries.PartnerQuery,
    tag="Partners",
)
class PartnerList(ListView):
    serializer_class = serializers.PartnerSerializer
    query_class = queries.PartnerQuery

    def get_queryset(self):
        # The directory's own read: the same search, filters, counts and sort orders as its page.
        return Partner.objects.public().for_directory({**self.query, "sort": self.query.get("ordering")})


@docs.public_detail(
    "A partner institution",
    "A public partner with its campuses, units, agreements in force, joint programs, research projects, visits and "
    "realised mobilities per year. Contacts and other personal data are never part of the API.",
    serializers.PartnerDetailSerializer,
    tag="Partners",
)
class PartnerDetail(DetailView):
    serializer_class = serializers.PartnerDetailSerializer
    not_found = gettext_lazy("No public partner has this address.")

    def get_queryset(self):
        return Partner.objects.public().prefetch_related(
            "campuses",
            "domains",
            Prefetch("predecessors", queryset=Partner.objects.public(), to_attr="public_predecessors"),
            Prefetch(
                "agreements",
                queryset=Agreement.objects.active().order_by("kind", "-valid_from"),
                to_attr="agreements_in_force",
            ),
            Prefetch(
                "programs", queryset=JointProgram.objects.public().select_related("field"), to_attr="public_programs"
            ),
            Prefetch("projects", queryset=ResearchProject.objects.filter(is_public=True), to_attr="public_projects"),
        )

    def prepare(self, partner):
        partner.active_agreements = len(partner.agreements_in_force)
        partner.unit_list = list(Unit.objects.filter(partner=partner).order_by("name", "pk"))
        # The sections the apps above partnerships add to the partner's page, read the same way.
        partner.timeline = Visit.objects.timeline_of(partner)
        partner.mobility_by_year = Mobility.objects.counts_by_year(partner)


# ---------------------------------------------------------------- joint programs


def program_queryset():
    return JointProgram.objects.public().select_related("field").prefetch_related(public_partners())


@docs.public_list(
    "Joint programs",
    "Public joint and double degree programs, language training, schools and joint courses with partners.",
    serializers.ProgramSerializer,
    queries.ProgramQuery,
    tag="Joint programs",
)
class ProgramList(ListView):
    serializer_class = serializers.ProgramSerializer
    query_class = queries.ProgramQuery

    def get_queryset(self):
        programs = program_queryset()
        for name in ("kind", "level", "status"):
            if self.query.get(name):
                programs = programs.filter(**{name: self.query[name]})
        if self.query.get("partner"):
            programs = programs.filter(partners__slug=self.query["partner"], partners__is_public=True).distinct()
        return programs.annotate(sort_title=localized_expression("title")).order_by("sort_title", "pk")


@docs.public_detail("A joint program", "A public joint program.", serializers.ProgramSerializer, tag="Joint programs")
class ProgramDetail(DetailView):
    serializer_class = serializers.ProgramSerializer
    not_found = gettext_lazy("No public joint program has this address.")

    def get_queryset(self):
        return program_queryset()


# ---------------------------------------------------------------- exchange calls


@docs.public_list(
    "Open exchange calls",
    "Exchange calls open for applications now: host institutions and their places, dates, who may apply and the "
    "eligibility rules, selection criteria.",
    serializers.CallSerializer,
    queries.CallQuery,
    tag="Exchange calls",
)
class CallList(ListView):
    serializer_class = serializers.CallSerializer
    query_class = queries.CallQuery

    def get_queryset(self):
        calls = ExchangeCall.objects.open().prefetch_related(
            Prefetch("hosts", queryset=CallHost.objects.select_related("partner"), to_attr="host_list"),
            "faculties",
            "criteria",
            "priority_categories",
        )
        if self.query.get("type"):
            calls = calls.filter(mobility_type=self.query["type"])
        if self.query.get("level"):
            # As on the portal's list: levels are a short JSON list, matched as text on every database.
            calls = calls.filter(levels__icontains=f'"{self.query["level"]}"')
        if self.query.get("partner"):
            calls = calls.filter(pk__in=CallHost.objects.filter(partner__slug=self.query["partner"]).values("call"))
        return calls.order_by(self.query.get("ordering") or "closes_at", "pk")


# ---------------------------------------------------------------- news and visits


def article_queryset():
    return (
        NewsArticle.objects.published()
        .select_related("visit", "cover")
        .prefetch_related(Prefetch("visit__partners", queryset=Partner.objects.public(), to_attr="public_partners"))
    )


def visit_filters(items, query, prefix=""):
    """The news page's filters (year, partner, country, direction) on visits or on articles about them."""
    if query.get("year"):
        items = items.filter(**{f"{prefix}starts_on__year": query["year"]})
    if query.get("partner"):
        items = items.filter(**{f"{prefix}partners__slug": query["partner"], f"{prefix}partners__is_public": True})
    if query.get("country"):
        items = items.filter(**{f"{prefix}country": query["country"]})
    if query.get("direction"):
        items = items.filter(**{f"{prefix}direction": query["direction"]})
    return items.distinct() if query.get("partner") else items


@docs.public_list(
    "News",
    "Published news articles about visits, newest first; an article appears once its publish date has come.",
    serializers.ArticleSerializer,
    queries.NewsQuery,
    tag="News and visits",
)
class NewsList(ListView):
    serializer_class = serializers.ArticleSerializer
    query_class = queries.NewsQuery

    def get_queryset(self):
        return visit_filters(article_queryset(), self.query, prefix="visit__").order_by("-published_at", "pk")


@docs.public_detail(
    "A news article",
    "A published article with its text (cleaned HTML) and photos.",
    serializers.ArticleDetailSerializer,
    tag="News and visits",
)
class NewsDetail(DetailView):
    serializer_class = serializers.ArticleDetailSerializer
    not_found = gettext_lazy("No published article has this address.")

    def get_queryset(self):
        return article_queryset().prefetch_related(
            Prefetch("visit__photos", queryset=Photo.objects.order_by("order", "pk"))
        )

    def prepare(self, article):
        article.gallery = [photo for photo in article.visit.photos.all() if photo.pk != article.cover_id]


@docs.public_list(
    "Visits calendar",
    "Visits with a published article, by date: exact dates where known, otherwise the month or year "
    "(`precision`). The same visits as the portal's public calendar feed.",
    serializers.CalendarVisitSerializer,
    queries.VisitQuery,
    tag="News and visits",
)
class VisitList(ListView):
    serializer_class = serializers.CalendarVisitSerializer
    query_class = queries.VisitQuery

    def get_queryset(self):
        visits = visit_filters(
            Visit.objects.with_published_article().select_related("article").prefetch_related(public_partners()),
            self.query,
        )
        if self.query.get("starts_from"):
            visits = visits.filter(starts_on__gte=self.query["starts_from"])
        if self.query.get("starts_until"):
            visits = visits.filter(starts_on__lte=self.query["starts_until"])
        return visits.order_by(self.query.get("ordering") or "starts_on", "pk")


# ---------------------------------------------------------------- for integrations (tokens)


def agreement_queryset():
    return Agreement.objects.select_related("home_unit").prefetch_related(
        "partners",
        Prefetch("partner_units", queryset=Unit.objects.select_related("partner")),
        Prefetch(
            "conditions",
            queryset=CooperationCondition.objects.select_related(
                "sending_partner", "receiving_partner", "sending_unit", "receiving_unit"
            ).prefetch_related("fields_of_education"),
        ),
    )


@docs.private_list(
    "Agreements",
    "Every agreement with its partners, responsible units, dates and cooperation conditions (EWP-shaped: "
    "direction, mobility type, academic years, places, months or days, fields, EQF levels, languages).",
    private.AgreementSerializer,
    queries.AgreementQuery,
    scope="agreements",
    tag="Agreements",
)
class AgreementList(ListView, PrivateView):
    serializer_class = private.AgreementSerializer
    query_class = queries.AgreementQuery
    permission_classes = [ReadsAgreements]

    def get_queryset(self):
        agreements = agreement_queryset()
        for name in ("status", "kind"):
            if self.query.get(name):
                agreements = agreements.filter(**{name: self.query[name]})
        if self.query.get("partner"):
            agreements = agreements.filter(partners__slug=self.query["partner"]).distinct()
        if day := self.query.get("valid_on"):
            agreements = agreements.filter(
                Q(valid_until__isnull=True) | Q(valid_until__gte=day),
                status__in=[Agreement.Status.ACTIVE, Agreement.Status.EXPIRED],
                valid_from__lte=day,
            )
        return agreements.order_by("-valid_from", "pk")


@docs.private_detail(
    "An agreement",
    "One agreement with its cooperation conditions.",
    private.AgreementSerializer,
    scope="agreements",
    tag="Agreements",
)
class AgreementDetail(DetailView, PrivateView):
    serializer_class = private.AgreementSerializer
    permission_classes = [ReadsAgreements]
    lookup_field = "pk"
    not_found = gettext_lazy("No agreement has this number.")

    def get_queryset(self):
        return agreement_queryset()


def call_state(calls, state, now):
    if state == "upcoming":
        return calls.filter(opens_at__gt=now)
    if state == "open":
        return calls.filter(opens_at__lte=now, closes_at__gt=now)
    if state == "closed":
        return calls.filter(closes_at__lte=now)
    return calls


@docs.private_list(
    "Calls and their applications",
    "Every exchange call with the number of applications in each status and of nominees per host. No personal data.",
    private.SelectionSerializer,
    queries.SelectionQuery,
    scope="nominations",
    tag="Selection",
)
class SelectionList(ListView, PrivateView):
    serializer_class = private.SelectionSerializer
    query_class = queries.SelectionQuery
    permission_classes = [ReadsNominations]

    def get_queryset(self):
        calls = ExchangeCall.objects.prefetch_related(
            Prefetch("hosts", queryset=CallHost.objects.select_related("partner"), to_attr="host_list")
        )
        return call_state(calls, self.query.get("state"), timezone.now()).order_by("-closes_at", "pk")

    def prepare(self, calls):
        applications = Application.objects.filter(call__in=calls)
        by_status = applications.counts_by_call_and_status()
        nominated = applications.nominations().counts_by_call_and_host()
        now = timezone.now()
        for call in calls:
            counts = by_status.get(call.pk, {})
            call.status_counts = {status: counts.get(status, 0) for status in Application.Status.values}
            call.state = "upcoming" if now < call.opens_at else "open" if now < call.closes_at else "closed"
            for host in call.host_list:
                host.nominated = nominated.get((call.pk, host.partner_id), 0)


@docs.private_list(
    "Nominations",
    "The nominees of each call to each host, as on the nominee lists sent to hosts, in the ranking's order: name "
    "(also in Latin letters), rank, email, level, faculty and status. Filter by call and host.",
    private.NominationSerializer,
    queries.NominationQuery,
    scope="nominations",
    tag="Selection",
)
class NominationList(ListView, PrivateView):
    serializer_class = private.NominationSerializer
    query_class = queries.NominationQuery
    permission_classes = [ReadsNominations]

    def get_queryset(self):
        nominations = Application.objects.nominations().select_related("call", "host", "applicant", "faculty")
        for name, lookup in (("call", "call__slug"), ("host", "host__slug"), ("status", "status")):
            if self.query.get(name):
                nominations = nominations.filter(**{lookup: self.query[name]})
        rank = F("selection_rank").asc(nulls_last=True)  # as on the nominee lists: in the ranking's order
        return nominations.order_by("-call__closes_at", "call", "host", rank, "applicant__full_name", "pk")


@docs.private_list(
    "Realised mobilities",
    "Outgoing and incoming mobilities: who, where, when, what type, and the learning agreement.",
    private.MobilitySerializer,
    queries.MobilityQuery,
    scope="mobilities",
    tag="Mobilities",
)
class MobilityList(ListView, PrivateView):
    serializer_class = private.MobilitySerializer
    query_class = queries.MobilityQuery
    permission_classes = [ReadsMobilities]

    def get_queryset(self):
        mobilities = Mobility.objects.select_related("partner", "home_unit", "application__call").prefetch_related(
            "courses"
        )
        for name, lookup in (
            ("direction", "direction"),
            ("status", "status"),
            ("type", "mobility_type"),
            ("partner", "partner__slug"),
            ("starts_from", "starts_on__gte"),
            ("starts_until", "starts_on__lte"),
        ):
            if self.query.get(name):
                mobilities = mobilities.filter(**{lookup: self.query[name]})
        return mobilities.order_by("-starts_on", "pk")


def english(view):
    """The OpenAPI document is written in English, like the code it describes, whatever the reader's language."""

    @functools.wraps(view)
    def in_english(request, *args, **kwargs):
        with translation.override("en"):
            response = view(request, *args, **kwargs)
            response.render()
        return response

    return in_english


def page_not_found(request, exception):
    """A JSON 404 under /api/ (an address no endpoint has), the portal's page everywhere else."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("There is no endpoint at this address."), "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)
