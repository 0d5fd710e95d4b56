import datetime
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from config.models import HomeInstitution
from mobility.models import Application, ExchangeCall, HostChoice, SelectionCriterion
from partnerships.models import Agreement, JointProgram, Partner, Unit
from visits.models import NewsArticle, Visit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@kopir.example")
    full_name = factory.Faker("name")
    role = User.Role.STUDENT
    language = "en"
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    role = User.Role.STAFF


class OfficeStaffFactory(StaffFactory):
    """Office staff as they work on the portal: with the authenticator app the staff two-factor rule asks for."""

    @factory.post_generation
    def authenticator(user, create, extracted, **kwargs):
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        if create:
            TOTP.activate(user, generate_totp_secret())


class HomeInstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HomeInstitution
        django_get_or_create = ("singleton",)

    singleton = True
    name_en = "M. Auezov South Kazakhstan University"
    name_ru = "Южно-Казахстанский университет имени М. Ауэзова"
    name_kk = "М. Әуезов атындағы Оңтүстік Қазақстан университеті"
    name_zh_hans = "奥埃佐夫南哈萨克斯坦大学"
    postcode = "160012"
    city_en = "Shymkent"
    address_en = "Tauke khan avenue, 5"
    phone = "(8-725-2) 21-01-41"
    email = "canselyarya@mail.ru"
    info_email = "info@auezov.edu.kz"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        skip_postgeneration_save = True

    name_en = factory.Sequence(lambda n: f"University number {n}")
    name = factory.SelfAttribute("name_en")
    slug = factory.Sequence(lambda n: f"university-{n}")
    country = "CN"
    status = Partner.Status.ACTIVE
    is_public = True


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    partner = factory.SubFactory(PartnerFactory)
    name_en = factory.Sequence(lambda n: f"Faculty {n}")
    name = factory.SelfAttribute("name_en")


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    kind = Agreement.Kind.MOU
    title_en = factory.Sequence(lambda n: f"Agreement {n}")
    title = factory.SelfAttribute("title_en")

    @factory.post_generation
    def partners(agreement, create, extracted, **kwargs):
        if create:
            agreement.partners.set(extracted if extracted is not None else [PartnerFactory()])


class ActiveAgreementFactory(AgreementFactory):
    status = Agreement.Status.ACTIVE
    signed_on = datetime.date(2025, 10, 31)
    valid_from = datetime.date(2025, 10, 31)
    valid_until = datetime.date(2030, 10, 30)


class JointProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JointProgram
        skip_postgeneration_save = True

    title_en = factory.Sequence(lambda n: f"Joint program {n}")
    title = factory.SelfAttribute("title_en")
    slug = factory.Sequence(lambda n: f"program-{n}")
    kind = JointProgram.Kind.DOUBLE_DEGREE
    level = JointProgram.Level.MASTER

    @factory.post_generation
    def partners(program, create, extracted, **kwargs):
        if create:
            program.partners.set(extracted if extracted is not None else [PartnerFactory()])


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit
        skip_postgeneration_save = True

    direction = Visit.Direction.OUTGOING
    title_en = factory.Sequence(lambda n: f"Visit {n}")
    title = factory.SelfAttribute("title_en")
    country = "CN"
    starts_on = datetime.date(2025, 10, 29)
    ends_on = datetime.date(2025, 11, 2)

    @factory.post_generation
    def partners(visit, create, extracted, **kwargs):
        if create:
            visit.partners.set(extracted if extracted is not None else [PartnerFactory()])


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsArticle

    visit = factory.SubFactory(VisitFactory, status=Visit.Status.COMPLETED)  # news is about visits that took place
    slug = factory.Sequence(lambda n: f"news-{n}")
    title_en = factory.Sequence(lambda n: f"News {n}")
    title = factory.SelfAttribute("title_en")
    body_en = "<p>What happened.</p>"
    body = factory.SelfAttribute("body_en")
    published_at = datetime.datetime(2025, 11, 3, 10, tzinfo=datetime.UTC)
    is_published = True


class CallFactory(factory.django.DjangoModelFactory):
    """An open, published semester call for bachelor students with one host and two criteria."""

    class Meta:
        model = ExchangeCall
        skip_postgeneration_save = True

    title_en = factory.Sequence(lambda n: f"Semester exchange {n}")
    title = factory.SelfAttribute("title_en")
    slug = factory.Sequence(lambda n: f"call-{n}")
    mobility_type = ExchangeCall.MobilityType.SEMESTER
    levels = factory.LazyFunction(lambda: ["bachelor"])
    funding = ExchangeCall.Funding.UNIVERSITY
    places = 2
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    mobility_starts_on = datetime.date(2027, 9, 1)
    mobility_ends_on = datetime.date(2028, 1, 31)
    min_gpa = Decimal("2.80")
    min_credits = 60
    min_language_level = "B1"
    min_year_of_study = 2
    document_kinds = factory.LazyFunction(lambda: ["transcript"])
    is_published = True

    @factory.post_generation
    def partners(call, create, extracted, **kwargs):
        if create:
            # One by one: set() adds in the order of a Python set, and hosts are listed in the order added.
            for partner in extracted if extracted is not None else [PartnerFactory()]:
                call.partners.add(partner)

    @factory.post_generation
    def criteria(call, create, extracted, **kwargs):
        if create and extracted is not False:
            SelectionCriterion.objects.create(call=call, name_en="GPA", name="GPA", weight=60)
            SelectionCriterion.objects.create(call=call, name_en="Motivation", name="Motivation", weight=40)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A complete, eligible draft: answers given, first host chosen; documents are added by tests that need them."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    applicant = factory.SubFactory(UserFactory)
    level = "bachelor"
    faculty = factory.SubFactory(UnitFactory, partner=None)
    gpa = Decimal("3.40")
    credits = 90
    year_of_study = 3
    has_academic_debts = False
    language_level = "B2"
    motivation = "To learn Chinese and build a joint project."

    @factory.post_generation
    def choices(application, create, extracted, **kwargs):
        if create:
            partners = extracted if extracted is not None else list(application.call.partners.all()[:1])
            for rank, partner in enumerate(partners, 1):
                HostChoice.objects.create(application=application, partner=partner, rank=rank)


class OIDCAppFactory(factory.django.DjangoModelFactory):
    """An identity provider configured in the admin, as Microsoft Entra ID would be (nothing is fetched from it)."""

    class Meta:
        model = "socialaccount.SocialApp"
        django_get_or_create = ("provider_id",)

    provider = "openid_connect"
    provider_id = "university"
    name = "Auezov University ID"
    client_id = "kopir-portal"
    secret = "kopir-portal-secret"
    settings = factory.LazyFunction(
        lambda: {"server_url": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0"}
    )


class SAMLAppFactory(factory.django.DjangoModelFactory):
    """A SAML identity provider configured in the admin (its metadata is written out, not fetched)."""

    class Meta:
        model = "socialaccount.SocialApp"
        django_get_or_create = ("provider_id",)

    provider = "saml"
    provider_id = "university-saml"
    name = "Auezov University SAML"
    client_id = "university-saml"
    settings = factory.LazyFunction(
        lambda: {
            "idp": {
                "entity_id": "https://idp.auezov.example/saml",
                "sso_url": "https://idp.auezov.example/saml/sso",
                "x509cert": "",
            },
            # The test client's host, "testserver", has no dot.
            "advanced": {"allow_single_label_domains": True},
        }
    )
