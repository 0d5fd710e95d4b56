import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from partnerships.models import (
    Agreement,
    AgreementDocument,
    Contact,
    CooperationCondition,
    Partner,
    Unit,
    validate_academic_year,
    validate_pdf,
)
from tests.factories import AgreementFactory, PartnerFactory, UnitFactory
from tests.helpers import pdf_bytes

pytestmark = pytest.mark.django_db


def violates_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()
    return True


def test_identifiers_are_unique_when_set_and_may_stay_empty_for_many():
    PartnerFactory(ror_id="", erasmus_code="", hei_id="")
    PartnerFactory(ror_id="", erasmus_code="", hei_id="")
    PartnerFactory(ror_id="059gw8r13", erasmus_code="CN URUMQI01", hei_id="xju.edu.cn")

    assert violates_database(lambda: PartnerFactory(ror_id="059gw8r13"))
    assert violates_database(lambda: PartnerFactory(erasmus_code="CN URUMQI01"))
    assert violates_database(lambda: PartnerFactory(hei_id="xju.edu.cn"))


def test_identifier_formats_are_checked():
    partner = PartnerFactory.build(ror_id="not-a-ror", hei_id="Xinjiang University", erasmus_code="urumqi")

    with pytest.raises(ValidationError) as error:
        partner.full_clean()

    assert {"ror_id", "hei_id", "erasmus_code"} <= set(error.value.message_dict)


def test_agreement_dates_must_be_in_order_in_the_database():
    agreement = AgreementFactory()
    agreement.valid_from, agreement.valid_until = datetime.date(2026, 1, 1), datetime.date(2025, 1, 1)

    assert violates_database(agreement.save)


def test_an_agreement_in_force_must_have_been_signed():
    agreement = AgreementFactory()

    assert violates_database(lambda: Agreement.objects.filter(pk=agreement.pk).update(status="active"))


def test_a_notice_period_needs_automatic_renewal():
    agreement = AgreementFactory()

    assert violates_database(lambda: Agreement.objects.filter(pk=agreement.pk).update(renewal_notice_days=90))


def test_a_partner_has_at_most_one_primary_contact():
    partner = PartnerFactory()
    Contact.objects.create(partner=partner, name="金刚", is_primary=True)
    Contact.objects.create(partner=partner, name="王伟", is_primary=False)

    assert violates_database(lambda: Contact.objects.create(partner=partner, name="李娜", is_primary=True))


def test_conditions_have_positive_places_ordered_years_and_a_partner_side():
    agreement = AgreementFactory()
    partner = agreement.partners.get()
    valid = {
        "agreement": agreement,
        "receiving_partner": partner,
        "mobility_type": CooperationCondition.MobilityType.STUDENT_STUDIES,
        "academic_year_from": "2025/2026",
        "academic_year_to": "2027/2028",
        "places_per_year": 2,
    }
    CooperationCondition.objects.create(**valid)

    assert violates_database(lambda: CooperationCondition.objects.create(**{**valid, "places_per_year": 0}))
    assert violates_database(
        lambda: CooperationCondition.objects.create(**{**valid, "academic_year_from": "2028/2029"})
    )
    assert violates_database(lambda: CooperationCondition.objects.create(**{**valid, "receiving_partner": None}))


@pytest.mark.parametrize("value", ["2025-2026", "2025/2027", "25/26", "2026/2025"])
def test_academic_years_are_two_consecutive_years(value):
    with pytest.raises(ValidationError):
        validate_academic_year(value)


def test_a_unit_belongs_to_a_unit_of_the_same_institution_and_never_to_itself():
    faculty = UnitFactory()
    other = UnitFactory()
    department = Unit(partner=faculty.partner, parent=other, name="Department", kind=Unit.Kind.DEPARTMENT)

    with pytest.raises(ValidationError):
        department.clean()
    faculty.parent = faculty
    with pytest.raises(ValidationError):
        faculty.clean()
    assert violates_database(faculty.save)


def test_documents_must_really_be_pdf():
    validate_pdf(SimpleUploadedFile("signed.pdf", pdf_bytes()))

    with pytest.raises(ValidationError, match="not a PDF"):
        validate_pdf(SimpleUploadedFile("signed.pdf", b"MZ\x90\x00 this is an executable"))
    with pytest.raises(ValidationError, match="damaged"):
        validate_pdf(SimpleUploadedFile("signed.pdf", b"%PDF-1.7\n garbage without pages"))


def test_documents_have_a_size_limit(settings):
    big = SimpleUploadedFile("signed.pdf", pdf_bytes())
    big.size = 21 * 1024 * 1024

    with pytest.raises(ValidationError, match="largest allowed"):
        validate_pdf(big)


def test_partners_get_a_readable_unique_address():
    first = Partner.objects.create(name_en="Xinjiang University", name="Xinjiang University", country="CN")
    second = Partner.objects.create(name_en="Xinjiang University", name="Xinjiang University", country="CN")

    assert first.slug == "xinjiang-university"
    assert second.slug == "xinjiang-university-2"


def test_checking_a_stored_document_again_leaves_its_file_closed(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    document = AgreementDocument(agreement=AgreementFactory())
    document.file.save("signed.pdf", ContentFile(pdf_bytes()), save=True)
    stored = AgreementDocument.objects.get(pk=document.pk).file

    validate_pdf(stored)  # as saving the record again in the admin does

    assert stored.closed


@pytest.mark.parametrize(
    ("language", "written", "shown"),
    [
        ("ru", "Russian; Turkish, Klingon", "Русский, турецкий, Klingon"),
        ("kk", "ru, zh, en", "Орыс тілі, қытай тілі, ағылшын тілі"),
        ("zh-hans", "Русский, Chinese", "俄语、中文"),
        ("en", "Kazakh, uyghur", "Kazakh, Uyghur"),
    ],
)
def test_a_programs_languages_are_named_in_the_readers_language_whatever_language_they_were_written_in(
    language, written, shown
):
    from django.utils.translation import override

    from partnerships.models.programs import language_names

    with override(language):
        assert language_names(written) == shown
