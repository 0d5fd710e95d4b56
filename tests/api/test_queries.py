"""Constant SQL queries per answer: the same number for one record as for three (and their nested records)."""

import datetime

import pytest
from django.utils import timezone

from mobility.models import Application, Mobility
from partnerships.models import Campus, CooperationCondition, IscedField, ResearchProject
from tests.factories import (
    ActiveAgreementFactory,
    ApplicationFactory,
    ArticleFactory,
    CallFactory,
    JointProgramFactory,
    PartnerFactory,
    UnitFactory,
)
from visits.models import Photo

pytestmark = pytest.mark.django_db


def partners(count):
    created = [PartnerFactory() for _ in range(count)]
    for partner in created:
        ActiveAgreementFactory(partners=[partner])
    return created


def partner_with_everything(count):
    partner = PartnerFactory(slug="full")
    for number in range(count):
        Campus.objects.create(partner=partner, name=f"Campus {number}")
        UnitFactory(partner=partner)
        ActiveAgreementFactory(partners=[partner])
        JointProgramFactory(partners=[partner], field=IscedField.objects.get(code="0231"))
        ResearchProject.objects.create(title=f"Project {number}", is_public=True).partners.add(partner)
        ArticleFactory(visit__partners=[partner])
        partner.predecessors.add(PartnerFactory())
        partner.domains.create(domain=f"campus{number}.example.edu")
        Mobility.objects.create(
            participant_name="X",
            direction="outgoing",
            partner=partner,
            mobility_type="semester",
            starts_on=datetime.date(2020 + number, 9, 1),
            ends_on=datetime.date(2020 + number, 12, 1),
        )


def programs(count):
    for _ in range(count):
        JointProgramFactory(partners=[PartnerFactory(), PartnerFactory()], field=IscedField.objects.get(code="0231"))


def calls(count):
    for _ in range(count):
        CallFactory(partners=[PartnerFactory(), PartnerFactory()])


def articles(count):
    for _ in range(count):
        article = ArticleFactory()
        article.cover = Photo.objects.create(visit=article.visit, image="visits/x.jpg", alt_text="A photo")
        article.save()


def article_with_photos(count):
    article = ArticleFactory(slug="story")
    for number in range(count):
        Photo.objects.create(visit=article.visit, image=f"visits/{number}.jpg", alt_text="A photo")
    article.visit.partners.add(*[PartnerFactory() for _ in range(count)])


def agreements(count):
    for _ in range(count):
        agreement = ActiveAgreementFactory(partners=[PartnerFactory(), PartnerFactory()])
        partner = agreement.partners.first()
        agreement.partner_units.add(UnitFactory(partner=partner))
        for direction in ("sending_partner", "receiving_partner"):
            condition = CooperationCondition.objects.create(
                agreement=agreement,
                mobility_type="student_studies",
                academic_year_from="2026/2027",
                academic_year_to="2027/2028",
                places_per_year=2,
                **{direction: partner},
            )
            condition.fields_of_education.add(IscedField.objects.get(code="0231"))


def selections(count):
    for _ in range(count):
        call = CallFactory(partners=[PartnerFactory(), PartnerFactory()])
        ApplicationFactory(call=call)


def nominations(count):
    for _ in range(count):
        application = ApplicationFactory()
        Application.objects.filter(pk=application.pk).update(
            status="nominated", host=application.call.partners.first(), submitted_at=timezone.now()
        )


def mobilities(count):
    partner = PartnerFactory()
    for number in range(count):
        mobility = Mobility.objects.create(
            participant_name=f"Person {number}",
            direction="outgoing",
            partner=partner,
            mobility_type="semester",
            starts_on=datetime.date(2027, 9, 1),
            ends_on=datetime.date(2028, 1, 31),
            application=ApplicationFactory(),
        )
        mobility.courses.create(host_course="A", host_credits=5, home_course="B", home_credits=5)


# (path, builder, queries): count and page for lists, then one query per prefetched relation.
PUBLIC = [
    ("/api/v1/partners/", partners, 2),
    ("/api/v1/partners/full/", partner_with_everything, 10),
    ("/api/v1/programs/", programs, 3),
    ("/api/v1/programs/{slug}/", programs, 2),
    ("/api/v1/calls/", calls, 6),
    ("/api/v1/news/", articles, 3),
    ("/api/v1/news/story/", article_with_photos, 3),
    ("/api/v1/visits/", articles, 3),
]
# A token adds three: finding it, logging the use and moving its last use.
PRIVATE = [
    ("/api/v1/agreements/", agreements, 3 + 6),
    ("/api/v1/agreements/{pk}/", agreements, 3 + 5),
    ("/api/v1/selections/", selections, 3 + 5),
    ("/api/v1/nominations/", nominations, 3 + 2),
    ("/api/v1/mobilities/", mobilities, 3 + 3),
]


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize(("path", "build", "queries"), PUBLIC, ids=[path for path, *_ in PUBLIC])
def test_public_answers_cost_the_same_queries_for_one_or_three(
    client, django_assert_num_queries, count, path, build, queries
):
    build(count)
    path = path.format(slug=_first_program_slug())

    with django_assert_num_queries(queries):
        response = client.get(path)

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize(("path", "build", "queries"), PRIVATE, ids=[path for path, *_ in PRIVATE])
def test_private_answers_cost_the_same_queries_for_one_or_three(
    client, django_assert_num_queries, issue, bearer, count, path, build, queries
):
    build(count)
    _token, secret = issue()
    from partnerships.models import Agreement

    path = path.format(pk=Agreement.objects.values_list("pk", flat=True).first())

    with django_assert_num_queries(queries):
        response = client.get(path, **bearer(secret))

    assert response.status_code == 200
    assert response.json().get("count", 1) in (1, count)


def _first_program_slug():
    from partnerships.models import JointProgram

    return JointProgram.objects.values_list("slug", flat=True).first() or ""
