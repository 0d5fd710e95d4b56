from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from accounts.middleware import office_rights
from accounts.roles import is_office, may_see_contacts
from config.files import private_file_response
from config.i18n import localized_expression
from config.pagecache import cached_page

from .forms import PartnerFilterForm, ProgramFilterForm
from .models import Agreement, AgreementDocument, JointProgram, Partner, ResearchProject, Unit
from .models.partners import country_names
from .pages import partner_sections

PAGE_SIZE = 25
CHART_COUNTRIES = 12


@cached_page("partnerships")
def partner_list(request):
    """The public directory: search in any language, filters with counts, sorting and a chart by country."""
    form = PartnerFilterForm(request.GET or None)
    base = Partner.objects.public()
    submitted = {name: value for name, value in form.submitted().items() if value}
    # Every value a reader can choose is offered, with its count, even 0: a filter that matches nothing is kept.
    found = base.directory(submitted)
    form.set_facets(found.counted)
    data = {}
    if form.is_bound:
        valid = form.is_valid()
        data = {name: value for name, value in form.cleaned_data.items() if value}
        if not valid:
            # A value no reader can choose (an edited address): that filter alone is left out, and said so beside
            # its field; the others stay.
            found = base.directory(data)
            form.set_facets(found.counted)
    page = Paginator(found.ids, PAGE_SIZE).get_page(request.GET.get("page"))
    # The page's partners only, read by their ids, in the order of the list.
    partners = base.in_bulk(page.object_list)
    page.object_list = [partners[pk] for pk in page.object_list if pk in partners]
    kinds, statuses = dict(Partner.Kind.choices), dict(Partner.Status.choices)
    for partner in page.object_list:
        partner.active_agreements = found.active.get(partner.pk, 0)
        # Looked up once a page: a model's get_..._display rebuilds its choices on every call.
        partner.kind_label, partner.status_label = kinds.get(partner.kind), statuses.get(partner.status)
    by_country = found.by_country
    top = by_country.most_common(CHART_COUNTRIES)
    widest = top[0][1] if top else 1
    names, _order = country_names(get_language())
    chart = [
        {"code": code, "name": names.get(code, code), "count": n, "percent": round(100 * n / widest)} for code, n in top
    ]
    return render(
        request,
        "partnerships/partner_list.html",
        {"form": form, "page": page, "chart": chart, "is_filtered": bool(data)},
    )


# The sections the apps above add (visits, mobility) are part of the page.
@cached_page("partnerships", "visits", "mobility")
def partner_detail(request, slug):
    visible = Partner.objects.all() if may_see_contacts(request.user) else Partner.objects.public()
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
        ),
        slug=slug,
    )
    units = list(Unit.objects.filter(partner=partner).order_by("name"))
    children = defaultdict(list)
    for unit in units:
        children[unit.parent_id].append(unit)
    for unit in units:
        unit.subunits = children[unit.pk]
    contacts = list(partner.contacts.select_related("unit")) if may_see_contacts(request.user) else []
    return render(
        request,
        "partnerships/partner_detail.html",
        {
            "partner": partner,
            "unit_tree": children[None],
            "contacts": contacts,
            # The partner's visits, mobility per year, ...: what the apps above this one add (see pages).
            **partner_sections(partner),
        },
    )


@cached_page("partnerships")
def program_list(request):
    form = ProgramFilterForm(request.GET or None)
    programs = JointProgram.objects.public().select_related("field").prefetch_related("partners")
    if form.is_bound and form.is_valid():
        for name in ("kind", "level", "status"):
            if form.cleaned_data[name]:
                programs = programs.filter(**{name: form.cleaned_data[name]})
    programs = programs.annotate(sort_title=localized_expression("title")).order_by("sort_title", "pk")
    page = Paginator(programs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "partnerships/program_list.html", {"form": form, "page": page})


def program_detail(request, slug):
    program = get_object_or_404(
        JointProgram.objects.public()
        .select_related("field", "agreement", "partner_coordinator__unit", "home_coordinator")
        .prefetch_related("partners"),
        slug=slug,
    )
    # Whom to ask: our coordinator and the office for everyone; the partner's people by name only for those who
    # may see contacts at partners (the public reads the partner coordinator's position).
    context = {"program": program, "show_partner_people": may_see_contacts(request.user)}
    return render(request, "partnerships/program_detail.html", context)


@office_rights
@login_required
def agreement_document(request, pk):
    """A signed agreement or its annex, for office staff and the agreement's coordinator only."""
    document = get_object_or_404(AgreementDocument.objects.select_related("agreement"), pk=pk)
    user = request.user
    if not (is_office(user) or document.agreement.coordinator_id == user.pk):
        # The same answer as for a document that does not exist: guessing numbers reveals nothing.
        raise Http404
    return private_file_response(document.file, content_type="application/pdf")
