"""The office's admin lists and change pages: filters that fit the data, and a cost that does not grow with it."""

import copy
import gc
import re
from pathlib import Path
from urllib.parse import urlencode

import django.contrib.admin
import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.widgets import (
    AdminIntegerFieldWidget,
    AdminTextareaWidget,
    AdminTextInputWidget,
    FilteredSelectMultiple,
)
from django.db import connection
from django.forms.renderers import DjangoTemplates
from django.template import Context, Template
from django.template.loader import get_template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from config.admin import (
    QUICK_RENDERER,
    FormClassMedia,
    QuickInput,
    QuickOptions,
    QuickRenderer,
    WrittenOnce,
    app_list_html,
    is_plain_select,
    loaded_records,
    mixed,
)
from config.workspace import grouped_apps
from mobility.models import Application
from partnerships.models import Agreement, Contact, CooperationCondition, Partner, Unit
from tests.factories import (
    ActiveAgreementFactory,
    ApplicationFactory,
    CallFactory,
    PartnerFactory,
    StaffFactory,
    UserFactory,
    VisitFactory,
)
from tests.quality.forms import forms_of
from visits.models import AgendaItem, DelegationMember, Outcome, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory(is_superuser=True))
    return client


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def grow_partners(n):
    for _ in range(n):
        ActiveAgreementFactory(partners=[PartnerFactory(), PartnerFactory()])


def grow_calls(n):
    for _ in range(n):
        call = CallFactory()
        ApplicationFactory(call=call, status=Application.Status.SUBMITTED, submitted_at=timezone.now())


def grow_applications(n):
    call = Application.objects.first().call if Application.objects.exists() else CallFactory()
    for _ in range(n):
        ApplicationFactory(call=call, status=Application.Status.SUBMITTED, submitted_at=timezone.now())


LISTS = {
    "partners": ("/en/admin/partnerships/partner/", grow_partners),
    "agreements": ("/en/admin/partnerships/agreement/", grow_partners),
    "agreements by country": ("/en/admin/partnerships/agreement/?country=CN", grow_partners),
    "visits": ("/en/admin/visits/visit/", lambda n: [VisitFactory() for _ in range(n)]),
    "calls": ("/en/admin/mobility/exchangecall/", grow_calls),
    "applications": ("/en/admin/mobility/application/", grow_applications),
}


@pytest.mark.parametrize("name", LISTS)
def test_an_admin_list_costs_the_same_queries_for_2_or_20_rows(staff_client, django_assert_max_num_queries, name):
    url, grow = LISTS[name]
    grow(2)
    few = queries_of(staff_client, url)

    grow(18)

    with django_assert_max_num_queries(few):
        assert staff_client.get(url).status_code == 200


def grow_partner(partner, n):
    for k in range(n):
        unit = Unit.objects.create(partner=partner, name=f"Faculty {partner.pk}-{k}", name_en=f"Faculty {k}")
        Contact.objects.create(partner=partner, unit=unit, name=f"Person {k}", email=f"p{partner.pk}-{k}@x.example")


def grow_agreement(agreement, n):
    partner = agreement.partners.first()
    for _ in range(n):
        CooperationCondition.objects.create(
            agreement=agreement,
            mobility_type="student_studies",
            sending_partner=partner,
            receiving_partner=partner,
            places_per_year=2,
        )
        agreement.partner_units.add(Unit.objects.create(partner=PartnerFactory(), name="Faculty"))


def grow_visit(visit, n):
    owner = UserFactory()
    for k in range(n):
        Outcome.objects.create(visit=visit, description=f"Outcome {k}", owner=owner)
        item = AgendaItem.objects.create(visit=visit, title=f"Meeting {k}", starts_at="2025-10-29T10:00:00Z")
        item.met_units.add(Unit.objects.create(partner=visit.partners.first(), name=f"Unit {visit.pk}-{k}"))
        # The visit's own links, each unit named with its own partner.
        visit.partner_units.add(Unit.objects.create(partner=PartnerFactory(), name=f"Faculty {visit.pk}-{k}"))
        visit.home_units.add(Unit.objects.create(partner=None, name=f"Department {visit.pk}-{k}"))


def grow_application(application, n):
    for _ in range(n):  # other applicants to the same call: the page lists none of them
        ApplicationFactory(call=application.call)


CHANGES = {
    "partner": (PartnerFactory, "partnerships/partner", grow_partner),
    "agreement": (ActiveAgreementFactory, "partnerships/agreement", grow_agreement),
    "visit": (VisitFactory, "visits/visit", grow_visit),
    "application": (ApplicationFactory, "mobility/application", grow_application),
}


@pytest.mark.parametrize("name", CHANGES)
def test_a_change_page_costs_the_same_queries_for_2_or_20_inline_rows_and_links(
    staff_client, django_assert_max_num_queries, name
):
    factory, path, grow = CHANGES[name]
    record = factory()
    url = f"/en/admin/{path}/{record.pk}/change/"
    grow(record, 2)
    few = queries_of(staff_client, url)

    grow(record, 18)

    with django_assert_max_num_queries(few):
        assert staff_client.get(url).status_code == 200


def country_choices(html):
    block = html[html.index('id="changelist-filter"') :]
    return re.findall(r'<a href="\?country=(\w+)">([^<]+)</a>', block)


def test_the_country_filter_lists_only_the_countries_that_occur_in_the_readers_alphabet(staff_client):
    for country in ("DE", "CN", "KZ", "CN"):
        PartnerFactory(country=country)

    english = country_choices(staff_client.get("/en/admin/partnerships/partner/").content.decode())
    russian = country_choices(staff_client.get("/ru/admin/partnerships/partner/").content.decode())

    assert english == [("CN", "China"), ("DE", "Germany"), ("KZ", "Kazakhstan")]
    assert russian == [("DE", "Германия"), ("KZ", "Казахстан"), ("CN", "Китай")]


def test_the_agreements_country_filter_reads_their_partners_and_lists_each_agreement_once(staff_client):
    both = ActiveAgreementFactory(title_en="Both in China", partners=[PartnerFactory(country="CN")])
    both.partners.add(PartnerFactory(country="CN"))
    ActiveAgreementFactory(title_en="In Germany", partners=[PartnerFactory(country="DE")])

    html = staff_client.get("/en/admin/partnerships/agreement/?country=CN").content.decode()

    listed = staff_client.get("/en/admin/partnerships/agreement/").content.decode()
    assert [code for code, _name in country_choices(listed)] == ["CN", "DE"]
    assert html.count('class="action-select"') == 1 and "Both in China" in html
    unknown = staff_client.get("/en/admin/partnerships/agreement/?country=XX").content.decode()
    assert 'class="action-select"' not in unknown


def test_a_contacts_unit_and_an_outcomes_mobility_are_chosen_by_search(staff_client):
    partner = PartnerFactory()
    visit = VisitFactory()

    partner_form = staff_client.get(f"/en/admin/partnerships/partner/{partner.pk}/change/").content.decode()
    outcome_form = staff_client.get(f"/en/admin/visits/outcome/add/?visit={visit.pk}").content.decode()

    assert re.search(r'<select name="contacts-__prefix__-unit"[^>]*class="admin-autocomplete"', partner_form)
    assert re.search(r'<select name="mobility"[^>]*class="admin-autocomplete"', outcome_form)


def test_a_calls_places_are_chosen_among_the_conditions_of_its_own_agreements(staff_client):
    own, other = ActiveAgreementFactory(), ActiveAgreementFactory()
    conditions = {}
    for agreement in (own, other):
        partner = agreement.partners.first()
        conditions[agreement] = CooperationCondition.objects.create(
            agreement=agreement,
            mobility_type="student_studies",
            sending_partner=partner,
            receiving_partner=partner,
            places_per_year=2,
        )
    call = CallFactory()
    call.agreements.add(own)

    form = staff_client.get(f"/en/admin/mobility/exchangecall/{call.pk}/change/").context["adminform"].form

    assert list(form.fields["conditions"].queryset) == [conditions[own]]


def test_the_country_filters_kept_in_the_cache_show_a_new_country_at_once(staff_client):
    agreement = ActiveAgreementFactory(partners=[PartnerFactory(country="CN")])
    partners = "/en/admin/partnerships/partner/"
    agreements = "/en/admin/partnerships/agreement/"
    assert [code for code, _name in country_choices(staff_client.get(partners).content.decode())] == ["CN"]
    assert [code for code, _name in country_choices(staff_client.get(agreements).content.decode())] == ["CN"]

    german = PartnerFactory(country="DE")
    assert [code for code, _name in country_choices(staff_client.get(partners).content.decode())] == ["CN", "DE"]
    assert [code for code, _name in country_choices(staff_client.get(agreements).content.decode())] == ["CN"]
    agreement.partners.add(german)  # a change of links alone

    assert [code for code, _name in country_choices(staff_client.get(agreements).content.decode())] == ["CN", "DE"]


def test_a_faculty_member_sees_only_the_countries_of_what_they_coordinate(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    coordinator = UserFactory(role="faculty")
    ActiveAgreementFactory(partners=[PartnerFactory(country="DE")], coordinator=coordinator)
    ActiveAgreementFactory(partners=[PartnerFactory(country="CN")])
    staff = StaffFactory(is_superuser=True)
    client.force_login(staff)
    assert len(country_choices(client.get("/en/admin/partnerships/agreement/").content.decode())) == 2

    client.force_login(coordinator)
    html = client.get("/en/admin/partnerships/agreement/").content.decode()

    assert country_choices(html) == [("DE", "Germany")]


def test_the_coordinator_filter_lists_only_the_coordinators_of_the_listed_agreements(staff_client):
    coordinator, other = UserFactory(full_name="Aigerim Coordinator"), UserFactory(full_name="Bolat Nobody")
    ActiveAgreementFactory(coordinator=coordinator)
    ActiveAgreementFactory()

    html = staff_client.get("/en/admin/partnerships/agreement/").content.decode()

    block = html[html.index('id="changelist-filter"') :]
    assert f"?coordinator__id__exact={coordinator.pk}" in block
    assert f"?coordinator__id__exact={other.pk}" not in block


SELECTS = {
    "select": forms.Select,
    "multiple": forms.SelectMultiple,
    "filtered": lambda **kwargs: FilteredSelectMultiple("languages", False, **kwargs),
}


@pytest.mark.parametrize("plain_path", [True, False])
@pytest.mark.parametrize("kind", SELECTS)
def test_a_select_of_the_admin_writes_its_options_as_django_does(kind, plain_path, monkeypatch):
    choices = [
        (None, "---------"),
        ("kk", "Қазақша <kk>"),
        ("Europe", [("de", "Deutsch"), ("fr", gettext_lazy("Yes"))]),
        (3, mark_safe("<b>три</b>")),
        ("", [("x&y", "без группы")]),
    ]
    plain = SELECTS[kind](choices=choices, attrs={"class": "wide", "required": True})
    quick = copy.deepcopy(plain)
    quick.__class__ = type(type(plain).__name__, (QuickOptions, type(plain)), {})
    assert is_plain_select(plain) == (kind != "filtered")  # the filtered one has a context of its own
    monkeypatch.setattr("config.admin.is_plain_select", lambda widget: plain_path and is_plain_select(widget))

    for value in (["kk", "fr", "3"] if plain.allow_multiple_selected else "fr", None, "", 3, ["3", "3"]):
        assert quick.render("language", value, attrs={"id": "id_language"}) == plain.render(
            "language", value, attrs={"id": "id_language"}
        )


def djangos_own(widget):
    """A copy of an admin widget as Django (or django-countries) built it, without the portal's mixins."""
    plain = copy.deepcopy(widget)
    plain.__class__ = next(k for k in type(widget).__mro__ if not issubclass(k, WrittenOnce | QuickOptions))
    return plain


@pytest.mark.parametrize("model, name", [(Visit, "country"), (Visit, "time_zone"), (Partner, "country")])
def test_a_long_list_of_choices_written_once_is_the_select_django_writes(rf, model, name):
    field = model._meta.get_field(name)
    for language in ("kk", "zh-hans", "kk"):  # the second time in Kazakh from what was written the first
        with translation.override(language):
            quick = admin.site._registry[model].formfield_for_dbfield(field, rf.get("/")).widget
            plain = djangos_own(quick)
            assert isinstance(quick, WrittenOnce) and not isinstance(plain, WrittenOnce | QuickOptions)
            assert quick.use_required_attribute(None) == plain.use_required_attribute(None)
            for value in ("KZ", "CN", "Asia/Almaty", "UTC", None, "", "nonsense", '"><b>'):
                attrs = {"id": f"id_{name}", "required": True}
                assert quick.render(name, value, attrs=attrs) == plain.render(name, value, attrs=attrs)
    assert 'value="KZ" selected' in quick.render(name, "KZ") or 'value="UTC" selected' in quick.render(name, "UTC")


INPUTS = {
    "text": lambda: AdminTextInputWidget(attrs={"maxlength": 255, "lang": "kk"}),
    "textarea": AdminTextareaWidget,
    "number": AdminIntegerFieldWidget,
    "email": forms.EmailInput,
    "hidden": forms.HiddenInput,
    "checkbox": forms.CheckboxInput,
}


@pytest.mark.parametrize("kind", INPUTS)
@pytest.mark.parametrize("value", ["Алматы <b>&", 42, "", None, True, False])
def test_an_input_of_the_admin_is_written_as_django_does(kind, value):
    plain = INPUTS[kind]()
    quick = copy.deepcopy(plain)
    quick.__class__ = type(type(plain).__name__, (QuickInput, type(plain)), {})

    assert quick.render("name", value, attrs={"id": "id_name", "required": True}) == plain.render(
        "name", value, attrs={"id": "id_name", "required": True}
    )


class LabelledForm(forms.Form):
    required_css_class = "required"
    city = forms.CharField(label="Қала <b>")
    note = forms.CharField(required=False, widget=forms.Textarea)
    ident = forms.IntegerField(widget=forms.HiddenInput, required=False)
    language = forms.ChoiceField(choices=[("kk", "Қазақша"), ("Asia", [("zh-hans", "中文")])])


@pytest.mark.parametrize("data", [None, {"city": "", "note": "<i>", "ident": "x", "language": "de"}])
def test_the_quick_renderer_writes_a_forms_labels_errors_and_inputs_as_djangos_templates_do(data):
    quick, plain = LabelledForm(data, renderer=QUICK_RENDERER), LabelledForm(data, renderer=DjangoTemplates())

    for name in LabelledForm.base_fields:
        assert str(quick[name].label_tag()) == str(plain[name].label_tag())
        assert str(quick[name].label_tag(attrs={"class": "vCheckboxLabel"}, tag="legend")) == str(
            plain[name].label_tag(attrs={"class": "vCheckboxLabel"}, tag="legend")
        )
        assert str(quick[name].errors) == str(plain[name].errors)
        assert str(quick[name]) == str(plain[name])
    assert str(LabelledForm(auto_id=False, renderer=QUICK_RENDERER)["city"].label_tag()) == str(
        LabelledForm(auto_id=False, renderer=DjangoTemplates())["city"].label_tag()
    )
    assert quick.as_div() == plain.as_div()


def csrf_free(response):
    return re.sub(r'(csrfmiddlewaretoken" value=")[^"]+', r"\1", response.content.decode())


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_change_page_drawn_by_the_quick_renderer_is_the_page_djangos_templates_draw(
    staff_client, language, monkeypatch
):
    visit = VisitFactory(country="KZ", time_zone="Asia/Almaty")
    AgendaItem.objects.create(visit=visit, starts_at=timezone.now(), title="Қабылдау")
    url = f"/{language}/admin/visits/visit/{visit.pk}/change/"
    quick = csrf_free(staff_client.get(url))

    monkeypatch.setattr(QuickRenderer, "render", DjangoTemplates.render)

    assert quick == csrf_free(staff_client.get(url))
    assert 'name="agenda-0-id"' in quick


def test_a_visits_time_zone_and_country_are_chosen_among_every_one(staff_client):
    visit = VisitFactory(country="KZ", time_zone="Asia/Almaty")

    html = staff_client.get(f"/en/admin/visits/visit/{visit.pk}/change/").content.decode()

    assert '<option value="Asia/Almaty" selected>Asia/Almaty</option>' in html
    assert '<option value="KZ" selected>Kazakhstan</option>' in html
    assert html.count('<option value="Europe/Berlin">') == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans of PostgreSQL's planner")
def test_the_agreement_list_reads_its_newest_page_and_the_expiring_agreements_by_an_index(staff_client):
    ActiveAgreementFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE partnerships_agreement")
        # A few rows fit in one page, where a scan is as cheap: forbid it to see the indexes answer the queries.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")

    newest = Agreement.objects.order_by("-valid_from", "-pk").values("pk")[:100].explain()
    expiring = Agreement.objects.expiring_within(90).values("pk").explain()

    assert "agreement_valid_from_id" in newest and "Sort" not in newest, newest
    assert "agreement_status_valid_until" in expiring, expiring


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans of PostgreSQL's planner")
def test_the_agreement_list_of_a_country_reads_the_links_of_that_countrys_partners_by_an_index(rf):
    for country in ("CN", "KZ", "TR"):
        ActiveAgreementFactory(partners=[PartnerFactory(country=country)])
    request = rf.get("/en/admin/partnerships/agreement/", {"country": "CN"})
    request.user = StaffFactory(is_superuser=True)
    model_admin = admin.site._registry[Agreement]
    china = next(f for f in model_admin.get_list_filter(request) if getattr(f, "field_path", "") == "partners__country")
    agreements = china(request, {"country": ["CN"]}, Agreement, model_admin).queryset(request, Agreement.objects.all())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE partnerships_agreement_partners")
        cursor.execute("SET LOCAL enable_seqscan = off")

    plan = agreements.values("pk").explain()

    assert [a.partners.get().country.code for a in agreements] == ["CN"]
    assert "agreement_partners_partner_agreement" in plan and "partnerships_agreement u0" not in plan.lower(), plan


def django_fieldset(fieldset, *, heading_level=2, prefix="", id_prefix="", id_suffix=""):
    """Django's own template for a form's section, as the stacked inline included it."""
    context = {
        "fieldset": fieldset,
        "heading_level": heading_level,
        "prefix": prefix,
        "id_prefix": id_prefix,
        "id_suffix": id_suffix,
    }
    return get_template("admin/includes/fieldset.html").render(context)


DJANGO_TABULAR = Path(django.contrib.admin.__file__).parent / "templates/admin/edit_inline/tabular.html"


def django_row_cells(inline_admin_form):
    """A tabular row's cells as Django's own tabular inline template writes them: its loop over the row's fields."""
    source = DJANGO_TABULAR.read_text(encoding="utf-8")
    cells = source[source.index("{% for fieldset in inline_admin_form %}") : source.index('<td class="delete">')]
    return Template(cells).render(Context({"inline_admin_form": inline_admin_form}))


def same_markup(html):
    """The page with its whitespace between tags dropped and any other run of it as one space."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html))


@pytest.mark.parametrize("language", ["zh-hans", "kk"])
def test_a_change_pages_sections_and_rows_written_in_python_are_what_djangos_templates_write(
    staff_client, language, monkeypatch
):
    visit = VisitFactory(country="KZ", time_zone="Asia/Almaty")
    for title in ("Қабылдау <b>", "Экскурсия"):
        AgendaItem.objects.create(visit=visit, starts_at=timezone.now(), title=title)
    DelegationMember.objects.create(visit=visit, name="Ли <Вэй>", position="декан")
    partner = PartnerFactory()
    for number in range(2):
        Contact.objects.create(partner=partner, name=f"Әлия {number}", email=f"aliya{number}@partner.example")
    pages = [
        f"/{language}/admin/visits/visit/{visit.pk}/change/",
        f"/{language}/admin/partnerships/partner/{partner.pk}/change/",
    ]
    page = staff_client.get(pages[0])
    form = next(form for form in forms_of(page.content.decode(), pages[0]) if "agenda-TOTAL_FORMS" in form.names)
    # Rows with errors, posted back: the errors are drawn in the row as Django draws them.
    broken = urlencode(
        form.data(
            overrides={
                "agenda-0-starts_at_0": ["not a day"],
                "agenda-1-title_en": ["x" * 900],
                "members-0-role": ["nonsense"],
            }
        )
    )

    def post_broken():
        return staff_client.post(pages[0], broken, content_type="application/x-www-form-urlencoded")

    quick = [csrf_free(staff_client.get(url)) for url in pages] + [csrf_free(post_broken())]
    monkeypatch.setattr("config.admin.fieldset_html", django_fieldset)
    monkeypatch.setattr("config.admin.row_cells_html", django_row_cells)
    django = [csrf_free(staff_client.get(url)) for url in pages] + [csrf_free(post_broken())]

    assert "errorlist" in quick[2] and 'name="agenda-1-title_en"' in quick[2]
    assert re.search(r'<td class="field-role">\s*<ul class="errorlist', quick[2])
    assert 'class="module aligned' in quick[0] and 'id="fieldset-0-1-heading"' in quick[0]  # the visit's sections
    assert [same_markup(html) for html in quick] == [same_markup(html) for html in django]


def test_a_change_pages_scripts_and_styles_are_those_django_gathers_row_by_row(staff_client, monkeypatch):
    visit = VisitFactory(country="KZ", time_zone="Asia/Almaty")
    for title in ("Қабылдау", "Экскурсия"):
        AgendaItem.objects.create(visit=visit, starts_at=timezone.now(), title=title)
    Outcome.objects.create(visit=visit, description="Шарт жобасы", kind=Outcome.Kind.ACTION)
    partner = PartnerFactory()
    Contact.objects.create(partner=partner, name="Әлия", email="aliya@partner.example")
    pages = [f"/en/admin/visits/visit/{visit.pk}/change/", f"/en/admin/partnerships/partner/{partner.pk}/change/"]
    once = [str(staff_client.get(url).context["media"]) for url in pages]

    monkeypatch.setattr(FormClassMedia, "media", helpers.InlineAdminFormSet.media)

    assert once == [str(staff_client.get(url).context["media"]) for url in pages]
    assert "autocomplete.js" in once[0] and "inlines.js" in once[0]


@pytest.mark.parametrize("language", ["kk", "zh-hans"])
@pytest.mark.parametrize("show_changelinks", [False, True])
def test_the_list_of_models_written_in_python_is_what_djangos_template_writes(rf, language, show_changelinks):
    request = rf.get("/")
    request.user = StaffFactory(is_superuser=True)
    with translation.override(language):
        groups = grouped_apps(admin.site.get_app_list(request))
        groups[0]["models"][0]["view_only"] = True  # a model this person may only view
        groups[0]["models"][1]["add_url"] = None  # and one they may not add to
        only_adds = groups[0]["models"][2]  # and one they may only add to: Django gives it no list and no view_only
        only_adds["admin_url"] = None
        only_adds.pop("view_only")
        for path in ["/kk/admin/", groups[0]["models"][0]["admin_url"], groups[1]["models"][0]["admin_url"] + "3/"]:
            request.path = path
            django = get_template("admin/app_list.html").render(
                {"app_list": groups, "show_changelinks": show_changelinks, "request": request}
            )
            quick = app_list_html(groups, path, show_changelinks=show_changelinks)
            assert same_markup(quick).strip() == same_markup(django).strip()
            assert 'aria-current="page"' in quick or path == "/kk/admin/"
        empty = get_template("admin/app_list.html").render({})
        assert same_markup(app_list_html([], "/")).strip() == same_markup(empty).strip()


DJANGO_FILTER = Path(django.contrib.admin.__file__).parent / "templates/admin/filter.html"


def django_list_filter(title, choices):
    """A list filter as Django's own admin/filter.html writes it."""
    return Template(DJANGO_FILTER.read_text(encoding="utf-8")).render(Context({"title": title, "choices": choices}))


DJANGO_RESULTS = Path(django.contrib.admin.__file__).parent / "templates/admin/change_list_results.html"


def django_result_rows(results):
    """A list's rows as Django's own admin/change_list_results.html writes them: its loop over the results."""
    source = DJANGO_RESULTS.read_text(encoding="utf-8")
    rows = source[source.index("{% for result in results %}") : source.index("</tbody>")]
    return Template(rows).render(Context({"results": results}))


@pytest.mark.parametrize("language", ["kk", "zh-hans"])
def test_a_lists_filters_and_rows_written_in_python_are_what_djangos_templates_write(
    staff_client, language, monkeypatch
):
    for country, name in [("CI", "Université d’Abidjan & <Co>"), ("CN", "新疆大学")]:
        ActiveAgreementFactory(partners=[PartnerFactory(country=country, name=name)])
    pages = [
        f"/{language}/admin/partnerships/agreement/",
        f"/{language}/admin/partnerships/agreement/?country=CI&status__exact=active",
        f"/{language}/admin/visits/visit/?starts_on__gte=2026-01-01&q=a%26b",
        f"/{language}/admin/notifications/reminderrule/",  # rows edited in the list
    ]
    quick = [csrf_free(staff_client.get(url)) for url in pages]
    monkeypatch.setattr("config.admin.list_filter_html", django_list_filter)
    monkeypatch.setattr("config.admin.result_rows_html", django_result_rows)
    django = [csrf_free(staff_client.get(url)) for url in pages]

    assert 'class="selected"' in quick[1] and "data-filter-title" in quick[0]
    assert quick[0].count('<td class="field-partner_names">') == 2 and 'name="form-0-offsets"' in quick[3]
    assert [same_markup(html) for html in quick] == [same_markup(html) for html in django]


def test_a_forms_own_field_has_no_records_loaded_with_the_record():
    visit = VisitFactory()

    assert loaded_records(visit, "partners") is None  # not prefetched
    assert loaded_records(visit, "not_a_model_field") is None


def test_a_change_page_builds_only_the_form_classes_django_builds(staff_client, monkeypatch):
    visit = VisitFactory(country="KZ", time_zone="Asia/Almaty")
    AgendaItem.objects.create(visit=visit, starts_at=timezone.now(), title="Қабылдау")
    url = f"/en/admin/visits/visit/{visit.pk}/change/"
    staff_client.get(url)
    built = []
    new = forms.models.ModelFormMetaclass.__new__

    def counted(mcs, name, bases, attrs):
        built.append(name)
        return new(mcs, name, bases, attrs)

    monkeypatch.setattr(forms.models.ModelFormMetaclass, "__new__", counted)
    widget_classes = mixed.cache_info().currsize
    response = staff_client.get(url)

    inlines = len(response.context["inline_admin_formsets"])
    # Django's: the main form's two (ModelAdmin.get_form), and two per inline (its form and the factory's).
    assert inlines == 7 and len(built) == 2 + 2 * inlines, built
    assert mixed.cache_info().currsize == widget_classes  # a widget's quick class is built once a process


def test_the_collector_lets_a_pages_objects_die_young():
    assert gc.get_threshold()[0] == 50_000
