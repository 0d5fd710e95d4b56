"""No constraint name reaches a person: every rule of every model says, in the reader's language, what clashes, and
the admin names the record it clashes with, linked to it."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.utils import translation

from config.admin import ClashLinksAdmin
from partnerships.models import Contact, Partner
from tests.factories import AgreementFactory, PartnerFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

PORTAL_APPS = {"config", "accounts", "notifications", "partnerships", "visits", "mobility", "api", "ewp"}


def portal_models():
    return [model for model in apps.get_models() if model._meta.app_label in PORTAL_APPS]


def every_constraint():
    return [
        pytest.param(model, constraint, id=constraint.name)
        for model in portal_models()
        for constraint in model._meta.constraints
    ]


@pytest.mark.parametrize(("model", "constraint"), every_constraint())
def test_every_constraint_of_every_model_says_what_is_wrong_in_every_language(model, constraint):
    message = constraint.violation_error_message

    assert message != constraint.default_violation_error_message, f"{constraint.name} has no message of its own"
    assert constraint.name not in str(message)
    english = str(message)
    for language in ("kk", "ru", "zh-hans"):
        with translation.override(language):
            assert str(message) != english, f"{constraint.name}: «{english}» is not translated into {language}"
    if isinstance(constraint, models.UniqueConstraint):
        # "unique": the refusal is shown at its field, and the admin names the record it clashes with.
        assert constraint.violation_error_code == "unique"


def test_the_walk_finds_the_constraints_of_every_app():
    assert {param.values[0]._meta.app_label for param in every_constraint()} == PORTAL_APPS


def test_every_admin_of_the_portal_names_the_record_a_unique_value_clashes_with():
    plain = [
        type(model_admin).__name__
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PORTAL_APPS and not isinstance(model_admin, ClashLinksAdmin)
    ]

    assert plain == []


@pytest.fixture
def office(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory(is_staff=True, is_superuser=True))
    return client


def partner_form(**fields):
    prefixes = ("domains", "campuses", "units", "contacts")
    return {
        "name_en": "Xinjiang University",
        "slug": "xinjiang-university-2",
        "country": "CN",
        "kind": "university",
        "status": "prospective",
        **{f"{prefix}-TOTAL_FORMS": "0" for prefix in prefixes},
        **{f"{prefix}-INITIAL_FORMS": "0" for prefix in prefixes},
    } | fields


def errors_of(response):
    html = response.content.decode()
    assert "is violated" not in html
    return html


def test_a_partner_with_another_partners_ror_id_is_refused_with_a_link_to_that_partner(office):
    existing = PartnerFactory(name_en="Xinjiang University", ror_id="059gw8r13")

    response = office.post("/en/admin/partnerships/partner/add/", partner_form(ror_id="059gw8r13"))

    html = errors_of(response)
    assert Partner.objects.count() == 1
    link = f'<a href="/en/admin/partnerships/partner/{existing.pk}/change/">«Xinjiang University»</a>'
    assert f"Another partner institution already has this ROR ID. See {link}." in html


def test_the_refusal_is_in_the_readers_language(office):
    PartnerFactory(name_en="Xinjiang University", ror_id="059gw8r13")

    response = office.post("/ru/admin/partnerships/partner/add/", partner_form(ror_id="059gw8r13"))

    html = errors_of(response)
    with translation.override("ru"):
        expected = str(Partner._meta.constraints[0].violation_error_message)
    assert expected in html
    assert "Another partner" not in html


def test_a_second_primary_contact_names_the_first_one(office):
    partner = PartnerFactory()
    first = Contact.objects.create(partner=partner, name="王芳", is_primary=True)
    data = partner_form(
        name_en=partner.name_en, slug=partner.slug, **{"contacts-TOTAL_FORMS": "1", "contacts-0-name": "Li Wei"}
    )
    data |= {"contacts-0-is_primary": "on", "contacts-0-partner": partner.pk}

    response = office.post(f"/en/admin/partnerships/partner/{partner.pk}/change/", data)

    html = errors_of(response)
    link = f'<a href="/en/admin/partnerships/contact/{first.pk}/change/">«王芳»</a>'
    assert f"This partner already has a primary contact; untick it there first. See {link}." in html
    assert partner.contacts.count() == 1


def test_a_domain_of_another_partner_links_to_that_partner(office):
    owner = PartnerFactory(name_en="Shihezi University")
    owner.domains.create(domain="shzu.edu.cn")
    data = partner_form(**{"domains-TOTAL_FORMS": "1", "domains-0-domain": "shzu.edu.cn"})

    response = office.post("/en/admin/partnerships/partner/add/", data)

    html = errors_of(response)
    assert f'<a href="/en/admin/partnerships/partner/{owner.pk}/change/">«shzu.edu.cn»</a>' in html


def test_an_agreement_reference_number_names_the_agreement_that_has_it(office):
    existing = AgreementFactory(reference_number="XJU-2025-01", title_en="Student exchange with XJU")
    data = {
        "title_en": "Another agreement",
        "kind": "mou",
        "reference_number": "XJU-2025-01",
        "partners": [PartnerFactory().pk],
        "renewal_notice_days": "0",
        **{f"{prefix}-TOTAL_FORMS": "0" for prefix in ("conditions", "documents", "transitions")},
        **{f"{prefix}-INITIAL_FORMS": "0" for prefix in ("conditions", "documents", "transitions")},
    }

    response = office.post("/en/admin/partnerships/agreement/add/", data)

    html = errors_of(response)
    link = f'<a href="/en/admin/partnerships/agreement/{existing.pk}/change/">«Student exchange with XJU»</a>'
    assert f"Another agreement already has this reference number. See {link}." in html


def test_an_email_that_differs_only_in_capitals_names_the_account_that_has_it(office):
    existing = UserFactory(email="aigerim@kopir.example")
    other = UserFactory()

    response = office.get(f"/en/admin/accounts/user/{other.pk}/change/")
    form = {
        name: value
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', response.content.decode())
        if name not in ("csrfmiddlewaretoken",)
    }
    form |= {"email": "Aigerim@Kopir.example", "role": other.role, "language": "en", "full_name": other.full_name}
    response = office.post(f"/en/admin/accounts/user/{other.pk}/change/", form)

    html = errors_of(response)
    assert f'/en/admin/accounts/user/{existing.pk}/change/">«{existing}»</a>' in html


def test_two_primary_contacts_in_one_submission_are_refused(office):
    partner = PartnerFactory()
    data = partner_form(name_en=partner.name_en, slug=partner.slug, **{"contacts-TOTAL_FORMS": "2"})
    for row, name in enumerate(("王芳", "Li Wei")):
        data |= {
            f"contacts-{row}-name": name,
            f"contacts-{row}-is_primary": "on",
            f"contacts-{row}-partner": partner.pk,
        }

    response = office.post(f"/en/admin/partnerships/partner/{partner.pk}/change/", data)

    html = errors_of(response)
    assert response.status_code == 200
    assert "This partner already has a primary contact; untick it there first." in html
    assert not partner.contacts.exists()
