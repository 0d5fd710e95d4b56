from collections import Counter, defaultdict

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import CharField, Count, Prefetch, Q, Value
from django.db.models.functions import Coalesce, ExtractYear, NullIf
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django_countries import countries
from modeltranslation.settings import FALLBACK_LANGUAGES
from modeltranslation.utils import build_localized_fieldname, resolution_order

from accounts.backends import is_faculty, is_office
from config.text import collation_key
from config.views import query_without_page
from visits.models import NewsArticle, Visit

from .forms import PartnerFilterForm, ProgramFilterForm
from .models import Agreement, AgreementDocument, IscedField, JointProgram, Partner, ResearchProject, Unit

PAGE_SIZE = 25
CHART_COUNTRIES = 12


def localized_name_expression(field="name"):
    """The field in the page's language, falling back like the content does, for sorting."""
    languages = resolution_order(get_language(), FALLBACK_LANGUAGES)
    fields = [NullIf(build_localized_fieldname(field, code), Value("")) for code in languages]
    return Coalesce(*fields, field, output_field=CharField())


def can_see_contacts(user):
    return user.is_authenticated and (is_office(user) or is_faculty(user) or user.is_superuser)


def _filtered(partners, data, skip=None):
    """Apply every filter of the directory except `skip`, so each facet counts within the others."""
    if data.get("q"):
        partners = partners.search(data["q"])
    if data.get("country") and skip != "country":
        partners = partners.filter(country=data["country"])
    if data.get("kind") and skip != "kind":
        partners = partners.filter(kind=data["kind"])
    if data.get("status") and skip != "status":
        partners = partners.filter(status=data["status"])
    if data.get("agreement_kind") and skip != "agreement_kind":
        partners = partners.filter(
            pk__in=Agreement.objects.active().filter(kind=data["agreement_kind"]).values("partners")
        )
    if data.get("field") and skip != "field":
        field = data["field"]
        partners = partners.filter(
            Q(pk__in=JointProgram.objects.filter(field__code=field).values("partners"))
            | Q(pk__in=Agreement.objects.filter(conditions__fields_of_education__code=field).values("partners"))
        )
    return partners


def _facets(base, data):
    """Counts for each filter, one query each (two for fields of education), whatever the data size."""
    counted = {}
    by_country = Counter(
        dict(_filtered(base, data, "country").order_by().values_list("country").annotate(n=Count("id")))
    )
    counted["country"] = sorted(
        ((code, countries.name(code), n) for code, n in by_country.items()), key=lambda row: collation_key(row[1])
    )
    for name, field, choices in (("kind", "kind", Partner.Kind), ("status", "status", Partner.Status)):
        counts = dict(_filtered(base, data, name).order_by().values_list(field).annotate(n=Count("id")))
        counted[name] = [(value, label, counts[value]) for value, label in choices.choices if counts.get(value)]
    in_scope = _filtered(base, data, "agreement_kind").values("pk")
    counts = dict(
        Agreement.objects.active()
        .filter(partners__in=in_scope)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("partners", distinct=True))
    )
    counted["agreement_kind"] = [(v, label, counts[v]) for v, label in Agreement.Kind.choices if counts.get(v)]
    in_scope = _filtered(base, data, "field").values("pk")
    pairs = set(
        JointProgram.objects.filter(partners__in=in_scope, field__isnull=False).values_list("partners", "field__code")
    )
    pairs |= set(
        Agreement.objects.filter(partners__in=in_scope, conditions__fields_of_education__isnull=False).values_list(
            "partners", "conditions__fields_of_education__code"
        )
    )
    by_field = Counter(code for _partner, code in pairs)
    names = dict(IscedField.objects.filter(code__in=by_field).values_list("code", "name"))
    counted["field"] = [(code, f"{code} {names.get(code, '')}", by_field[code]) for code in sorted(by_field)]
    return counted, by_country


def partner_list(request):
    """The public directory: search in any language, filters with counts, sorting and a chart by country."""
    form = PartnerFilterForm(request.GET or None)
    data = form.data if form.is_bound else {}
    base = Partner.objects.public()
    facets, by_country = _facets(base, data)
    for name, counted_choices in facets.items():
        form.set_facet_choices(name, counted_choices)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    partners = _filtered(base, data).annotate(
        active_agreements=Count("agreements", filter=Q(agreements__status=Agreement.Status.ACTIVE), distinct=True),
        sort_name=localized_name_expression(),
    )
    sort = data.get("sort") or "name"
    partners = partners.order_by(
        {"name": "sort_name", "country": "country", "-agreements": "-active_agreements"}[sort], "sort_name", "pk"
    )
    page = Paginator(partners, PAGE_SIZE).get_page(request.GET.get("page"))
    top = by_country.most_common(CHART_COUNTRIES)
    widest = top[0][1] if top else 1
    chart = [
        {"code": code, "name": countries.name(code), "count": n, "percent": round(100 * n / widest)} for code, n in top
    ]
    return render(
        request,
        "partnerships/partner_list.html",
        {"form": form, "page": page, "chart": chart, "query": query_without_page(request), "is_filtered": bool(data)},
    )


def partner_detail(request, slug):
    visible = Partner.objects.all() if can_see_contacts(request.user) else Partner.objects.public()
    partner = get_object_or_404(
        visible.prefetch_related(
            "campuses",
            "domains",
            "predecessors",
            Prefetch(
                "agreements",
                queryset=Agreement.objects.active().order_by("kind", "-valid_from"),
                to_attr="active_agreements",
            ),
            Prefetch(
                "programs", queryset=JointProgram.objects.public().select_related("field"), to_attr="public_programs"
            ),
            Prefetch("projects", queryset=ResearchProject.objects.filter(is_public=True), to_attr="public_projects"),
            Prefetch(
                "visits",
                queryset=Visit.objects.filter(article__in=NewsArticle.objects.published())
                .select_related("article")
                .order_by("-starts_on"),
                to_attr="timeline",
            ),
        ),
        slug=slug,
    )
    units = list(Unit.objects.filter(partner=partner).order_by("name"))
    children = defaultdict(list)
    for unit in units:
        children[unit.parent_id].append(unit)
    for unit in units:
        unit.subunits = children[unit.pk]
    contacts = list(partner.contacts.select_related("unit")) if can_see_contacts(request.user) else []
    return render(
        request,
        "partnerships/partner_detail.html",
        {
            "partner": partner,
            "unit_tree": children[None],
            "contacts": contacts,
            "mobility_years": mobility_counts_by_year(partner),
        },
    )


def mobility_counts_by_year(partner):
    """Realised mobilities (not cancelled) per year and direction, newest year first, in one query."""
    from mobility.models import Mobility

    counts = (
        Mobility.objects.filter(partner=partner)
        .exclude(status=Mobility.Status.CANCELLED)
        .annotate(year=ExtractYear("starts_on"))
        .values("year", "direction")
        .annotate(count=Count("pk"))
        .order_by()
    )
    years = {}
    for row in counts:
        years.setdefault(row["year"], {"year": row["year"], "outgoing": 0, "incoming": 0})[row["direction"]] = row[
            "count"
        ]
    return sorted(years.values(), key=lambda row: row["year"], reverse=True)


def program_list(request):
    form = ProgramFilterForm(request.GET or None)
    programs = JointProgram.objects.public().select_related("field").prefetch_related("partners")
    if form.is_bound and form.is_valid():
        for name in ("kind", "level", "status"):
            if form.cleaned_data[name]:
                programs = programs.filter(**{name: form.cleaned_data[name]})
    programs = programs.annotate(sort_title=localized_name_expression("title")).order_by("sort_title", "pk")
    page = Paginator(programs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "partnerships/program_list.html", {"form": form, "page": page, "query": query_without_page(request)}
    )


def program_detail(request, slug):
    program = get_object_or_404(
        JointProgram.objects.public()
        .select_related("field", "agreement", "partner_coordinator", "home_coordinator")
        .prefetch_related("partners"),
        slug=slug,
    )
    return render(request, "partnerships/program_detail.html", {"program": program})


@login_required
def agreement_document(request, pk):
    """A signed agreement or its annex, for office staff and the agreement's coordinator only."""
    document = get_object_or_404(AgreementDocument.objects.select_related("agreement"), pk=pk)
    user = request.user
    if not (is_office(user) or user.is_superuser or document.agreement.coordinator_id == user.pk):
        # The same answer as for a document that does not exist: guessing numbers reveals nothing.
        raise Http404
    return FileResponse(document.file.open("rb"), as_attachment=True, content_type="application/pdf")
