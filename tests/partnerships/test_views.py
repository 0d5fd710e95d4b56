import pytest
from django.core.files.base import ContentFile

from partnerships.models import AgreementDocument, Contact, CooperationCondition, IscedField, Partner, PartnerDomain
from partnerships.services import refresh_search_text
from tests.factories import (
    ActiveAgreementFactory,
    HomeInstitutionFactory,
    JointProgramFactory,
    OfficeStaffFactory,
    PartnerFactory,
    StaffFactory,
    UnitFactory,
    UserFactory,
)
from tests.helpers import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def xinjiang():
    partner = PartnerFactory(
        name_en="Xinjiang University",
        name_ru="Синьцзянский университет",
        name_kk="Шыңжаң университеті",
        name_zh_hans="新疆大学",
        slug="xinjiang-university",
        city_en="Urumqi",
    )
    PartnerDomain.objects.create(partner=partner, domain="xju.edu.cn")
    refresh_search_text([partner])
    return partner


@pytest.mark.parametrize(
    ("language", "query", "shown"),
    [
        ("ru", "Синьцзян", "Синьцзянский университет"),
        ("zh-hans", "新疆", "新疆大学"),
        ("en", "xinjiang univ", "Xinjiang University"),
        ("kk", "шыңжаң", "Шыңжаң университеті"),
    ],
)
def test_directory_finds_a_partner_in_each_language(client, xinjiang, language, query, shown):
    PartnerFactory(name_en="Shihezi University")

    response = client.get(f"/{language}/partners/", {"q": query})

    assert [p.pk for p in response.context["page"].object_list] == [xinjiang.pk]
    assert shown in response.content.decode()


def test_directory_filters_with_counts_and_sorts(client, xinjiang):
    PartnerFactory(name_en="Al-Farabi Kazakh National University", country="KZ")
    PartnerFactory(name_en="Lanzhou University", country="CN")
    ActiveAgreementFactory(partners=[xinjiang])

    everything = client.get("/en/partners/")
    chinese = client.get("/en/partners/", {"country": "CN", "sort": "-agreements"})

    assert ("CN", "China (2)") in everything.context["form"].fields["country"].choices
    assert ("KZ", "Kazakhstan (1)") in everything.context["form"].fields["country"].choices
    assert [p.name_en for p in chinese.context["page"].object_list] == ["Xinjiang University", "Lanzhou University"]
    assert ("mou", "Memorandum of understanding (1)") in chinese.context["form"].fields["agreement_kind"].choices
    assert [row["code"] for row in everything.context["chart"]] == ["CN", "KZ"]


def test_directory_filters_by_field_of_education_and_agreement_kind(client, xinjiang):
    PartnerFactory(name_en="Lanzhou University")
    agreement = ActiveAgreementFactory(partners=[xinjiang])
    CooperationCondition.objects.create(
        agreement=agreement,
        receiving_partner=xinjiang,
        mobility_type="student_studies",
        academic_year_from="2026/2027",
        academic_year_to="2027/2028",
        places_per_year=3,
    ).fields_of_education.add(IscedField.objects.get(code="0711"))

    by_field = client.get("/en/partners/", {"field": "0711"})
    by_kind = client.get("/en/partners/", {"agreement_kind": "mou"})

    assert [p.pk for p in by_field.context["page"].object_list] == [xinjiang.pk]
    assert [p.pk for p in by_kind.context["page"].object_list] == [xinjiang.pk]


def test_hidden_partners_stay_off_public_pages(client):
    hidden = PartnerFactory(is_public=False, slug="hidden-university")

    assert hidden not in client.get("/en/partners/").context["page"].object_list
    assert client.get("/en/partners/hidden-university/").status_code == 404


def test_partner_page_shows_agreements_programs_units_and_campuses(client, xinjiang):
    HomeInstitutionFactory(international_office_email="international@auezov.edu.kz")
    ActiveAgreementFactory(partners=[xinjiang], title_en="Memorandum with XJU")
    JointProgramFactory(partners=[xinjiang], title_en="Joint IT program")
    college = UnitFactory(partner=xinjiang, name_en="Top Engineer College")
    UnitFactory(partner=xinjiang, parent=college, name_en="Engineering Training Centre")

    html = client.get("/en/partners/xinjiang-university/").content.decode()

    assert "Memorandum with XJU" in html
    assert "Joint IT program" in html
    assert "Top Engineer College" in html and "Engineering Training Centre" in html
    assert "international@auezov.edu.kz" in html
    assert '<span lang="zh-hans">新疆大学</span>' in html


@pytest.mark.parametrize(("role", "sees"), [(None, False), ("student", False), ("faculty", True), ("staff", True)])
def test_personal_contact_details_are_for_signed_in_staff_and_faculty_only(client, xinjiang, role, sees):
    Contact.objects.create(partner=xinjiang, name="金刚", latin_name="Jin Gang", email="jingang@xju.edu.cn")
    if role:
        client.force_login(UserFactory(role=role))

    html = client.get("/en/partners/xinjiang-university/").content.decode()

    assert ("jingang@xju.edu.cn" in html) is sees
    assert ("Jin Gang" in html) is sees


@pytest.mark.parametrize("count", [10, 1_000])
def test_directory_costs_the_same_queries_for_10_or_1000_partners(client, django_assert_num_queries, count):
    Partner.objects.bulk_create(
        Partner(name=f"University {n}", name_en=f"University {n}", slug=f"u-{n}", country="CN", is_public=True)
        for n in range(count)
    )
    HomeInstitutionFactory()

    with django_assert_num_queries(4):
        response = client.get("/en/partners/", {"q": "university", "sort": "name"})

    assert response.status_code == 200


@pytest.mark.parametrize("count", [10, 1_000])
def test_partner_page_costs_the_same_queries_for_10_or_1000_partners(
    client, django_assert_num_queries, xinjiang, count
):
    others = Partner.objects.bulk_create(
        Partner(name=f"University {n}", name_en=f"University {n}", slug=f"u-{n}", country="CN") for n in range(count)
    )
    for _ in range(3):
        ActiveAgreementFactory(partners=[xinjiang, *others[:5]])
        JointProgramFactory(partners=[xinjiang])
        UnitFactory(partner=xinjiang)
    HomeInstitutionFactory()

    with django_assert_num_queries(11):
        response = client.get("/en/partners/xinjiang-university/")

    assert response.status_code == 200


def test_programs_are_listed_and_shown(client, xinjiang):
    program = JointProgramFactory(partners=[xinjiang], title_en="Chinese and Kazakh language training", slug="lang")

    listing = client.get("/en/programs/").content.decode()
    page = client.get("/en/programs/lang/").content.decode()

    assert "Chinese and Kazakh language training" in listing
    assert program.get_absolute_url() in listing
    assert "Xinjiang University" in page


def test_program_page_shows_what_a_student_or_partner_needs(client, xinjiang):
    HomeInstitutionFactory(international_office_email="international@university.example")
    agreement = ActiveAgreementFactory(partners=[xinjiang], title_en="Memorandum with Xinjiang University")
    coordinator = Contact.objects.create(
        partner=xinjiang, name="李明", latin_name="Li Ming", position_en="Head of the exchange office"
    )
    JointProgramFactory(
        partners=[xinjiang],
        slug="engineering",
        title_en="Joint engineering program",
        description_en="A year at the Engineering Training Centre.",
        level="master",
        duration_months=24,
        languages="Chinese, Russian",
        agreement=agreement,
        home_coordinator=StaffFactory(full_name="Aigerim Seitova"),
        partner_coordinator=coordinator,
    )

    public = client.get("/en/programs/engineering/").content.decode()
    client.force_login(UserFactory(role="faculty"))
    inside = client.get("/en/programs/engineering/").content.decode()

    for fact in (
        "A year at the Engineering Training Centre.",
        "Master",
        "24 months",
        "Chinese, Russian",
        "Memorandum with Xinjiang University",
        "Questions about this program:",
        "international@university.example",
    ):
        assert fact in public and fact in inside
    assert "Aigerim Seitova" in inside and "Li Ming" in inside and "Head of the exchange office" in inside
    # Both sides' coordinators for everyone: ours by name, the partner's by position (names at partners are not public).
    assert "Aigerim Seitova" in public and "Head of the exchange office" in public
    assert "李明" not in public and "Li Ming" not in public


@pytest.fixture
def document(xinjiang):
    agreement = ActiveAgreementFactory(partners=[xinjiang], coordinator=UserFactory(role="faculty"))
    document = AgreementDocument(agreement=agreement, kind="signed")
    document.file.save("signed.pdf", ContentFile(pdf_bytes()))
    return document


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 200), ("staff", 200), ("other faculty", 404), ("student", 404)],
)
def test_agreement_documents_are_served_to_permitted_users_only(client, document, who, status):
    users = {
        "coordinator": document.agreement.coordinator,
        "staff": OfficeStaffFactory(),
        "other faculty": UserFactory(role="faculty"),
        "student": UserFactory(),
    }
    client.force_login(users[who])

    response = client.get(f"/en/agreements/documents/{document.pk}/")

    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF-")  # read to the end, which closes it


def test_agreement_documents_cannot_be_fetched_by_guessing_urls(client, document, settings):
    anonymous = client.get(f"/en/agreements/documents/{document.pk}/")
    client.force_login(UserFactory())
    guessed = client.get(f"/en/agreements/documents/{document.pk + 1}/")

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/en/accounts/login/")
    assert guessed.status_code == 404
    assert not str(document.file.path).startswith(str(settings.MEDIA_ROOT))
    assert client.get(document.file.url).status_code == 404


def test_partner_page_names_the_institutions_it_was_formerly_known_as(client, xinjiang):
    earlier = PartnerFactory(name_en="Xinjiang Institute of Technology", is_public=False)
    xinjiang.predecessors.add(earlier)

    html = client.get("/en/partners/xinjiang-university/").content.decode()

    assert "Formerly known as" in html
    assert "Xinjiang Institute of Technology" in html


@pytest.fixture
def tomsk(xinjiang):
    """Two partners that share no filter value: Xinjiang (China, MoU in force, engineering) and Tomsk (Russia)."""
    CooperationCondition.objects.create(
        agreement=ActiveAgreementFactory(partners=[xinjiang], kind="mou"),
        receiving_partner=xinjiang,
        mobility_type="student_studies",
        academic_year_from="2026/2027",
        academic_year_to="2027/2028",
        places_per_year=3,
    ).fields_of_education.add(IscedField.objects.get(code="0711"))
    Partner.objects.filter(pk=xinjiang.pk).update(kind="college", status="dormant")
    return PartnerFactory(name_en="Tomsk Polytechnic University", name_zh_hans="托木斯克理工大学", country="RU")


@pytest.mark.parametrize(
    ("language", "query", "name", "value", "option"),
    [
        ("en", "tomsk", "country", "CN", "China (0)"),
        ("zh-hans", "新疆", "country", "RU", "俄罗斯 (0)"),
        ("en", "tomsk", "kind", "college", "College (0)"),
        ("en", "tomsk", "status", "dormant", "Dormant (0)"),
        ("en", "tomsk", "agreement_kind", "mou", "Memorandum of understanding (0)"),
        ("en", "tomsk", "agreement_kind", "any", "Any active agreement (0)"),
        ("en", "tomsk", "field", "0711", "0711 Chemical engineering and processes (0)"),
    ],
)
def test_directory_keeps_a_chosen_filter_that_matches_none_of_the_search(
    client, tomsk, language, query, name, value, option
):
    response = client.get(f"/{language}/partners/", {"q": query, name: value})

    html = response.content.decode()
    assert response.context["page"].paginator.count == 0
    assert response.context["form"].is_valid()
    assert f'<option value="{value}" selected>{option}</option>' in html
    assert 'aria-invalid="true"' not in html
    assert 'class="empty-state"' in html


def test_directory_leaves_out_a_value_nobody_can_choose_says_so_and_keeps_the_other_filters(client, tomsk):
    response = client.get("/en/partners/", {"q": "tomsk", "country": "XX"})

    html = response.content.decode()
    assert [p.pk for p in response.context["page"].object_list] == [tomsk.pk]
    assert 'aria-describedby="id_country_error" aria-invalid="true"' in html
    assert '<ul class="errorlist" id="id_country_error">' in html


@pytest.mark.parametrize(
    ("language", "query"), [("kk", "Үрімші"), ("ru", "Урумчи"), ("zh-hans", "乌鲁木齐"), ("en", "Urumqi")]
)
def test_directory_finds_a_partner_by_its_city_as_each_language_writes_it(client, language, query):
    partner = PartnerFactory(
        name_en="Xinjiang University", city_en="Urumqi", city_kk="Үрімші", city_ru="Урумчи", city_zh_hans="乌鲁木齐"
    )
    PartnerFactory(name_en="Shihezi University", city_en="Shihezi", city_ru="Шихэцзы", city_zh_hans="石河子")

    response = client.get(f"/{language}/partners/", {"q": query})

    assert [p.pk for p in response.context["page"].object_list] == [partner.pk]


def test_directory_lists_the_partners_with_an_active_agreement_as_counted_by_country(client, xinjiang):
    from partnerships.models import ANY_AGREEMENT, directory_url

    lanzhou = PartnerFactory(name_en="Lanzhou University", status="active")  # no agreement: not counted
    PartnerFactory(name_en="Tomsk Polytechnic University", country="RU")
    ActiveAgreementFactory(partners=[xinjiang, PartnerFactory(name_en="Hidden", is_public=False)])
    ActiveAgreementFactory(partners=[PartnerFactory(name_en="Kazakh National University", country="KZ")])
    ActiveAgreementFactory(partners=[xinjiang], kind="student_exchange")
    counted = Partner.objects.public().with_active_agreement().counts_by_country()

    everyone = client.get(directory_url(agreement_kind=ANY_AGREEMENT))
    chinese = client.get(directory_url(country="CN", agreement_kind=ANY_AGREEMENT))

    assert counted == {"CN": 1, "KZ": 1}
    assert everyone.context["page"].paginator.count == sum(counted.values())
    assert [p.pk for p in chinese.context["page"].object_list] == [xinjiang.pk]
    assert lanzhou.pk not in [p.pk for p in everyone.context["page"].object_list]
    assert ("any", "Any active agreement (2)") in everyone.context["form"].fields["agreement_kind"].choices


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "Russian, Chinese"),
        ("ru", "Русский, китайский"),
        ("kk", "Орыс тілі, қытай тілі"),
        ("zh-hans", "俄语、中文"),
    ],
)
def test_program_page_names_its_languages_of_instruction_in_the_readers_language(client, xinjiang, language, shown):
    JointProgramFactory(partners=[xinjiang], slug="it-xju", languages="Russian, Chinese")

    html = client.get(f"/{language}/programs/it-xju/").content.decode()

    assert f"<dd>{shown}</dd>" in html
