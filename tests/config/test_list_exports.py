import csv
import io

import pytest
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from tests.factories import PartnerFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/kk/admin/partnerships/partner/"


@pytest.fixture
def office(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory(language="kk"))
    return client


def export(client, action, query, selected):
    """Run the export action on every row of the filtered list ("select all")."""
    return client.post(
        f"{LIST}?{query}",
        {"action": action, "select_across": "1", "index": "0", "_selected_action": [selected.pk]},
    )


def test_the_csv_export_of_a_list_honours_its_filter_and_translates_its_columns(office):
    chinese = PartnerFactory(country="CN", name_en="=HYPERLINK(1)")
    PartnerFactory(country="CN")
    other = PartnerFactory(country="TR")

    response = export(office, "export_csv", "country__exact=CN", chinese)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    with translation.override("kk"):
        assert rows[0][0] == capfirst(gettext("name")) and capfirst(gettext("country")) in rows[0]
    names = {row[0] for row in rows[1:]}
    assert len(rows) == 3 and other.name not in names
    assert "'=HYPERLINK(1)" in names  # escaped as every spreadsheet of the portal
    with translation.override("kk"):
        words = {gettext("Yes"), gettext("No")}
    assert words == {"Иә", "Жоқ"}
    assert all(words & set(row) for row in rows[1:])  # yes/no in the reader's language, not True/False
    assert not {"True", "False"} & {cell for row in rows[1:] for cell in row}


def test_the_xlsx_export_of_a_list_honours_its_search(office):
    from openpyxl import load_workbook

    found = PartnerFactory(name_en="Xinjiang University of Finance")
    PartnerFactory(name_en="Tomsk Polytechnic University")

    response = export(office, "export_xlsx", "q=Xinjiang", found)

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["Xinjiang University of Finance"]
    assert sheet.auto_filter.ref == f"A1:{chr(64 + len(rows[0]))}2"
    assert any(isinstance(cell, bool) for cell in rows[1])  # yes/no stays a real value


def test_only_people_who_may_see_a_list_export_it(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    partner = PartnerFactory()
    client.force_login(UserFactory())

    response = export(client, "export_csv", "", partner)

    assert response.status_code == 302  # to the admin's sign-in, no file
