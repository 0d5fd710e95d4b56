"""Journeys through the portal in a real browser, as a person would take them."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from tests.factories import HomeInstitutionFactory, StaffFactory
from tests.helpers import current_code, pdf_bytes, sign_in_as
from tests.quality.pages import populate
from visits.models import TypoReport

pytestmark = pytest.mark.django_db(transaction=True)


def test_visitor_switches_the_home_page_through_all_four_languages(page):
    HomeInstitutionFactory()
    page.goto("/en/")

    for name, code, heading in [
        ("Қазақша", "kk", "М. Әуезов атындағы Оңтүстік Қазақстан университеті"),
        ("Русский", "ru", "Южно-Казахстанский университет имени М. Ауэзова"),
        ("简体中文", "zh-hans", "奥埃佐夫南哈萨克斯坦大学"),
        ("English", "en", "M. Auezov South Kazakhstan University"),
    ]:
        page.get_by_role("button", name=name, exact=True).click()
        page.wait_for_url(f"**/{code}/")
        assert page.locator("html").get_attribute("lang") == code
        assert page.get_by_role("heading", level=1).inner_text() == heading


def test_language_switcher_works_from_the_keyboard(page):
    page.goto("/en/partners/")

    page.get_by_role("button", name="Русский", exact=True).focus()
    page.keyboard.press("Enter")

    page.wait_for_url("**/ru/partners/")
    assert page.get_by_role("heading", level=1).inner_text() == "Партнёры"


def test_student_signs_up_confirms_the_email_signs_in_and_out(page):
    page.goto("/ru/accounts/signup/")
    page.get_by_label("Полное имя").fill("Дәурен Оспанов")
    page.get_by_label("Адрес электронной почты").fill("dauren@kopir.example")
    page.get_by_label(re.compile(r"^Пароль:?$")).fill("Shymkent-Urumqi-2026")
    page.get_by_label("Пароль (ещё раз)").fill("Shymkent-Urumqi-2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/ru/accounts/confirm-email/")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/ru/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/ru/")
    assert page.get_by_role("link", name="Дәурен Оспанов").is_visible()

    page.get_by_role("button", name="Выйти").click()
    page.wait_for_url("**/ru/")  # signed out, still in Russian
    assert page.get_by_role("link", name="Войти").is_visible()

    page.get_by_role("link", name="Войти").click()
    page.get_by_label("Адрес электронной почты").fill("dauren@kopir.example")
    page.get_by_label("Пароль").fill("Shymkent-Urumqi-2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/ru/")
    assert page.get_by_role("link", name="Дәурен Оспанов").is_visible()
    assert User.objects.get(email="dauren@kopir.example").language == "ru"


def test_staff_signs_in_to_the_admin_with_a_second_factor_and_edits_one_language(page, settings):
    settings.STAFF_MFA_REQUIRED = True
    home = HomeInstitutionFactory(name_zh_hans="")
    staff = StaffFactory(email="office@kopir.example")
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    page.goto("/en/admin/")
    page.get_by_label("Email").fill("office@kopir.example")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.locator("main form button[type=submit]").click()
    page.get_by_label("Code").fill(current_code(secret))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/en/admin/")

    page.goto(f"/en/admin/config/homeinstitution/{home.pk}/change/")
    page.locator('[role=tab][aria-controls="tab_id_name_zh_hans"]').click()
    page.locator("#id_name_zh_hans").fill("M. 奥埃佐夫南哈萨克斯坦大学")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/en/admin/config/homeinstitution/")

    home.refresh_from_db()
    assert home.name_zh_hans == "M. 奥埃佐夫南哈萨克斯坦大学"
    assert home.name_en == "M. Auezov South Kazakhstan University"
    assert home.name_kk == "М. Әуезов атындағы Оңтүстік Қазақстан университеті"
    assert home.name_ru == "Южно-Казахстанский университет имени М. Ауэзова"


def test_partner_from_china_searches_the_directory_in_chinese_and_opens_a_partner(page):
    populate()
    page.goto("/zh-hans/partners/")

    search = page.get_by_role("searchbox", name="搜索")
    search.fill("新疆")
    search.press("Enter")
    page.wait_for_url("**/zh-hans/partners/?q=*")
    page.get_by_role("link", name="新疆大学").click()

    page.wait_for_url("**/zh-hans/partners/xinjiang-university/")
    assert page.get_by_role("heading", level=1).inner_text() == "新疆大学"
    assert page.get_by_text("红湖校区").is_visible()
    assert page.get_by_role("link", name="信息技术联合培养项目").is_visible()


def test_reader_reports_a_typo_with_ctrl_enter(page):
    populate()
    page.goto("/en/partners/xinjiang-university/")

    page.evaluate(
        """() => {
            const heading = document.querySelector("h1");
            const range = document.createRange();
            range.selectNodeContents(heading);
            window.getSelection().removeAllRanges();
            window.getSelection().addRange(range);
        }"""
    )
    page.keyboard.press("Control+Enter")
    dialog = page.get_by_role("dialog", name="Report a mistake")
    assert dialog.is_visible()
    assert dialog.locator("blockquote").inner_text() == "Xinjiang University"
    page.get_by_label("Comment (optional)").fill("Should read «Xinjiang University (XJU)»")
    page.get_by_role("button", name="Send").click()

    expect(dialog.get_by_role("status")).to_have_text("Thank you! The mistake has been reported.")
    report = TypoReport.objects.get()
    assert (report.url, report.selection) == ("/en/partners/xinjiang-university/", "Xinjiang University")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_student_applies_to_an_exchange_step_by_step_and_withdraws(page, client, live_server, tmp_path):
    from mobility.models import Application
    from tests.factories import CallFactory, UnitFactory, UserFactory

    HomeInstitutionFactory()
    UnitFactory(partner=None, name_en="Faculty of Information Technology")
    call = CallFactory(title_en="Semester in Urumqi")
    host = call.partners.get()
    transcript = tmp_path / "transcript.pdf"
    transcript.write_bytes(pdf_bytes())
    sign_in_as(page, client, UserFactory(), live_server)

    page.goto(f"/en/mobility/{call.slug}/")
    page.get_by_role("button", name="Start my application").click()
    page.get_by_label("Faculty").select_option(label="Faculty of Information Technology")
    page.get_by_label("GPA").fill("2.5")
    page.get_by_label("Credits completed").fill("90")
    page.get_by_label("Year of study").fill("3")
    page.get_by_label("Do you have academic debts?").select_option("false")
    page.get_by_label("Language level (CEFR)").select_option("B2")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Your GPA 2.50 is below the minimum of 2.80.")
    page.get_by_role("link", name="About you").click()
    page.get_by_label("GPA").fill("3.4")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Choice 1").select_option(label=host.name)
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Why this exchange").fill("To study robotics and Chinese.")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Transcript of records").set_input_files(str(transcript))
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("I confirm that what I have given is true and complete.").check()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Semester in Urumqi")
    expect(page.locator(".status")).to_have_text("Submitted")
    page.get_by_role("button", name="Withdraw my application…", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw your application?")
    page.get_by_label("Why do you withdraw? (optional)").fill("I got a scholarship elsewhere.")
    page.get_by_role("button", name="Yes, withdraw my application", exact=True).click()
    expect(page.locator(".status")).to_have_text("Withdrawn")
    assert Application.objects.get().transitions.last().comment == "I got a scholarship elsewhere."


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("language", ["kk", "ru", "en", "zh-hans"])
def test_my_applications_fit_a_phone_and_the_header_leaves_room_for_them(browser, live_server, client, language):
    """At 390 x 844 nothing is wider than the screen and the header takes less than a fifth of its height."""
    from mobility import services
    from tests.factories import ApplicationFactory, CallFactory, UserFactory

    HomeInstitutionFactory()
    student = UserFactory(full_name="Дәурен Оспанұлы Жолдасбеков", language=language)
    for title in ("Semester exchange at Xinjiang University, Urumqi, spring 2027", "Summer school"):
        call = CallFactory(title_en=title, document_kinds=["transcript", "language_certificate", "cv"])
        services.save_draft(ApplicationFactory(call=call, applicant=student, motivation=""), values={})
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, device_scale_factor=3, is_mobile=True)
    page = context.new_page()
    try:
        sign_in_as(page, client, student, live_server)
        page.goto(f"/{language}/mobility/applications/")

        expect(page.get_by_role("heading", level=1)).to_be_visible()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        viewport = page.evaluate("() => window.innerWidth")
        header = page.locator(".site-header").bounding_box()["height"]
        assert width <= viewport == PHONE["width"]
        assert header < 0.2 * PHONE["height"], f"the header is {header:.0f} px high"
        current = page.locator(".language-switcher .current").bounding_box()
        assert current["x"] >= 0 and current["x"] + current["width"] <= PHONE["width"], "the page's language is seen"
    finally:
        context.close()


def test_a_phone_is_not_told_to_press_ctrl_enter_and_a_computer_is(browser, live_server, page):
    HomeInstitutionFactory()
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True
    )
    phone = context.new_page()
    try:
        phone.goto("/en/")
        expect(phone.locator(".typo-hint")).to_be_hidden()
    finally:
        context.close()
    page.goto("/en/")
    expect(page.locator(".typo-hint")).to_be_visible()


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_demos_call_partner_and_application_pages_fit_a_phone(browser, live_server, client, settings, language):
    """The longest words of the demo (faculty names, table headings in Kazakh and Russian) wrap on a 390 px phone."""
    from django.core.management import call_command

    from mobility.models import Application

    settings.DEBUG = True  # the demo loads only there
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False
    student = User.objects.get(email="student@kopir.example")
    application = Application.objects.filter(applicant=student).order_by("pk").first()
    paths = [
        "/mobility/semester-exchange-xinjiang-university/",
        "/mobility/teaching-staff-internship-xinjiang-university/",
        "/partners/xinjiang-university/",
        "/mobility/applications/",
        f"/mobility/applications/{application.pk}/",
    ]
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, device_scale_factor=3, is_mobile=True)
    page = context.new_page()
    try:
        sign_in_as(page, client, student, live_server)
        too_wide = {}
        for path in paths:
            page.goto(f"/{language}{path}")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide[path] = width
        assert too_wide == {}
    finally:
        context.close()


def test_office_reads_the_dashboard_follows_expiring_agreements_and_opens_a_renewal_review(
    page, client, live_server, settings
):
    """From the admin index to the list of agreements expiring in 90 days, then to the review of an under-used one."""
    import datetime

    from django.utils import timezone

    from insights.models import RenewalReview
    from mobility.models import Mobility
    from partnerships.models import CooperationCondition
    from tests.factories import ActiveAgreementFactory, PartnerFactory

    settings.STAFF_MFA_REQUIRED = False
    HomeInstitutionFactory()
    office = StaffFactory(language="en")
    today = timezone.localdate()
    partner = PartnerFactory(name_en="Lanzhou University")
    agreement = ActiveAgreementFactory(
        title_en="Exchange with Lanzhou", partners=[partner], valid_until=today + datetime.timedelta(days=60)
    )
    CooperationCondition.objects.create(
        agreement=agreement,
        receiving_partner=partner,
        mobility_type="student_studies",
        academic_year_from="2025/2026",
        academic_year_to="2029/2030",
        places_per_year=4,
    )
    Mobility.objects.create(
        participant_name="Aruzhan",
        direction="outgoing",
        partner=partner,
        agreement=agreement,
        mobility_type="semester",
        starts_on=datetime.date(2025, 9, 15),
        ends_on=datetime.date(2026, 1, 31),
    )
    ActiveAgreementFactory(title_en="Ends much later", valid_until=today + datetime.timedelta(days=400))
    sign_in_as(page, client, office, live_server)

    page.goto("/en/admin/")
    expect(page.get_by_role("heading", name="What needs attention")).to_be_visible()
    expect(page.locator("#chart-agreements svg[role=group]")).to_be_visible()
    page.locator("#chart-agreements tr", has_text="Expiring in 90 days").get_by_role("link").click()

    page.wait_for_url(re.compile(r"expiry=90"))
    # The list's own filter is the one chosen in its sidebar.
    expect(page.locator("#changelist-filter .selected", has_text="Expiring within 90 days")).to_be_visible()
    expect(page.get_by_role("link", name="Exchange with Lanzhou")).to_be_visible()
    expect(page.get_by_text("Ends much later")).to_have_count(0)

    page.goto("/en/admin/")
    page.locator(".insights-dashboard").get_by_role("link", name="Agreements to review before renewal").click()
    page.locator("#result_list tr", has_text="Exchange with Lanzhou").get_by_role(
        "link", name="What it promised and did"
    ).click()
    expect(page.locator(".health-summary")).to_contain_text("Under-used")
    page.get_by_role("button", name="Open a renewal review").click()

    expect(page.locator(".messagelist")).to_contain_text("A renewal review was opened")
    review = RenewalReview.objects.get()
    assert (review.agreement_id, review.opened_by_id, review.status) == (agreement.pk, office.pk, "open")


@pytest.mark.parametrize("language", ["kk", "ru", "zh-hans"])
def test_the_dashboards_chart_labels_are_drawn_whole_inside_their_charts(page, client, live_server, settings, language):
    import datetime

    from django.utils import timezone

    from mobility.models import Mobility
    from tests.factories import ActiveAgreementFactory, PartnerFactory

    settings.STAFF_MFA_REQUIRED = False
    HomeInstitutionFactory()
    today = timezone.localdate()
    partner = PartnerFactory(country="KZ")
    ActiveAgreementFactory(partners=[partner], valid_until=today + datetime.timedelta(days=150))
    for mobility_type, _label in Mobility._meta.get_field("mobility_type").choices:
        Mobility.objects.create(
            participant_name="A",
            direction="outgoing",
            partner=partner,
            mobility_type=mobility_type,
            starts_on=today,
            ends_on=today + datetime.timedelta(days=30),
        )
    sign_in_as(page, client, StaffFactory(), live_server)

    page.goto(f"/{language}/admin/")

    labels = page.locator(".dashboard-chart svg text.chart-label")
    assert labels.count() > 10
    # Each label ends at the bars and begins inside its chart: nothing cut at the left edge.
    outside = page.evaluate(
        "() => [...document.querySelectorAll('.dashboard-chart svg text.chart-label')]"
        ".filter(text => text.getBBox().x < 0).map(text => text.textContent)"
    )
    assert outside == []
    assert "…" not in "".join(labels.all_text_contents())


def test_office_picks_the_columns_of_an_agreement_export_by_their_names_and_downloads_it(
    page, client, live_server, settings
):
    import io

    import openpyxl

    from tests.factories import AgreementFactory

    settings.STAFF_MFA_REQUIRED = False
    AgreementFactory(title_en="Exchange with Lanzhou")
    sign_in_as(page, client, StaffFactory(), live_server)
    refused = []
    page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)

    page.goto("/zh-hans/admin/partnerships/agreement/export/")
    columns = page.locator('.selectable-field-export-row input[type="checkbox"]')
    expect(page.get_by_text("编号 (reference_number)")).to_be_visible()  # the field's label, then its column
    page.get_by_text("全选").click()
    assert page.locator('.selectable-field-export-row input[type="checkbox"]:checked').count() == 0
    page.get_by_label("全选").check()
    assert page.locator('.selectable-field-export-row input[type="checkbox"]:checked').count() == columns.count()
    page.get_by_label("编号 (reference_number)").uncheck()
    page.locator("#id_format").select_option(label="xlsx")
    with page.expect_download() as download:
        page.get_by_role("button", name="提交").click()

    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    header = [cell.value for cell in sheet[1]]
    assert sheet.title == "协议"  # the list's name in the reader's language
    assert "title_en" in header and "reference_number" not in header
    assert "Exchange with Lanzhou" in [cell.value for cell in sheet[2]]
    assert refused == []


def test_a_change_pages_buttons_leave_its_long_title_readable(page, client, live_server, settings):
    from tests.factories import AgreementFactory

    settings.STAFF_MFA_REQUIRED = False
    agreement = AgreementFactory(title_en="Staff exchange agreement with Middle East Technical University, Ankara")
    sign_in_as(page, client, StaffFactory(), live_server)

    page.goto(f"/en/admin/partnerships/agreement/{agreement.pk}/change/")

    title = page.locator("#content h2").first.bounding_box()
    for button in page.locator(".object-tools li").all():
        box = button.bounding_box()
        apart = box["y"] >= title["y"] + title["height"] or box["x"] >= title["x"] + title["width"]
        assert apart, f"{button.text_content()} covers the title"


def test_the_demos_longest_visit_form_fits_in_three_screens_with_its_sections_folded(
    browser, live_server, client, settings
):
    """Each task of the visit form (delegation, programme, outcomes, report and media) opens from its heading,
    by mouse or keyboard; folded, the whole form is about three 1280×800 screens."""
    from django.core.management import call_command
    from django.db.models import Count

    from visits.models import Visit

    settings.DEBUG = True  # the demo loads only there
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False
    settings.STAFF_MFA_REQUIRED = False
    visit = Visit.objects.annotate(n=Count("agenda", distinct=True) + Count("outcomes", distinct=True)).latest("n")
    screen = {"width": 1280, "height": 800}
    context = browser.new_context(base_url=live_server.url, viewport=screen)
    page = context.new_page()
    try:
        sign_in_as(page, client, User.objects.get(email="office@kopir.example"), live_server)
        page.goto(f"/en/admin/visits/visit/{visit.pk}/change/")

        height = page.evaluate("() => document.documentElement.scrollHeight")
        assert height <= 3 * screen["height"], f"the form is {height} px high"
        outcomes = page.locator("#outcomes-group details")
        assert outcomes.get_attribute("open") is None
        page.locator("#outcomes-group summary").focus()
        page.keyboard.press("Enter")
        assert outcomes.get_attribute("open") is not None
        expect(page.locator("#id_outcomes-0-description_en")).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollHeight") > height
    finally:
        context.close()


def test_the_admins_translation_tabs_name_each_language_in_itself(page, client, live_server, settings):
    settings.STAFF_MFA_REQUIRED = False
    home = HomeInstitutionFactory()
    sign_in_as(page, client, StaffFactory(), live_server)

    page.goto(f"/ru/admin/config/homeinstitution/{home.pk}/change/")

    tabs = page.locator(".ui-tabs-nav").first.locator("a")
    expect(tabs).to_have_text(["Қазақша", "Русский", "English", "简体中文"])
    assert tabs.nth(0).get_attribute("lang") == "kk"
    # The keyboard reaches the tabs themselves (a tab holds no second focusable link): the chosen one, then the last.
    page.locator(".ui-tabs-nav").first.get_by_role("tab").first.focus()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    expect(page.locator("#id_name_zh_hans")).to_be_visible()
    assert page.locator(".ui-tabs-nav").first.locator("a[href]").count() == 0


def test_office_downloads_the_annual_report_in_chinese_and_kazakh_from_the_dashboard(
    page, client, live_server, settings
):
    """The office follows the dashboard's link to the annual report and downloads it as PDF and as XLSX."""
    import io

    from django.core.management import call_command
    from django.utils import timezone
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from insights.health import academic_year_of

    settings.DEBUG = True  # the demo loads only there
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False
    settings.STAFF_MFA_REQUIRED = False
    demo = academic_year_of(timezone.localdate())
    sign_in_as(page, client, StaffFactory(language="en"), live_server)

    page.goto("/en/admin/")
    page.locator(".insights-dashboard").get_by_role("link", name="Annual report").click()
    page.locator("#id_language").select_option("zh-hans")
    page.locator("#id_format").select_option("pdf")
    page.get_by_role("button", name="Prepare the report").click()  # written at once: tasks run in the process here
    expect(page.get_by_role("heading", name="My exports")).to_be_visible()
    with page.expect_download() as chinese:
        page.get_by_role("link", name=f"Download annual-report-{demo}-{demo + 1}-zh-hans.pdf").click()
    page.goto("/en/admin/insights/agreementhealth/annual-report/")
    page.locator("#id_language").select_option("kk")
    page.locator("#id_format").select_option("xlsx")
    page.get_by_role("button", name="Prepare the report").click()
    with page.expect_download() as kazakh:
        page.get_by_role("link", name=f"Download annual-report-{demo}-{demo + 1}-kk.xlsx").click()

    pdf = PdfReader(chinese.value.path())
    assert "年度报告" in pdf.pages[0].extract_text()
    assert chinese.value.suggested_filename == f"annual-report-{demo}-{demo + 1}-zh-hans.pdf"
    workbook = load_workbook(io.BytesIO(kazakh.value.path().read_bytes()))
    assert "Жиынтық" in workbook.sheetnames


@pytest.mark.celery_worker
def test_office_starts_the_annual_report_sees_its_progress_and_downloads_it_when_a_worker_has_written_it(
    page, client, live_server, settings
):
    """The report waits in the queue (no worker yet) with its progress bar at 0 %; once a real worker on Redis has
    written it, the page updates by itself, the bar is full and the file downloads."""
    import io

    from axe_playwright_python.sync_playwright import Axe
    from celery.contrib.testing.worker import start_worker
    from django.utils import timezone
    from openpyxl import load_workbook

    from config.celery import app as celery_app
    from insights.reports import report_years
    from tests.helpers import skip_or_fail

    if not settings.REDIS_URL:
        skip_or_fail("REDIS_URL is not set: the journey needs a real Redis broker.")
    settings.STAFF_MFA_REQUIRED = False
    year = report_years(timezone.localdate())[1]
    sign_in_as(page, client, StaffFactory(language="en"), live_server)

    page.goto("/en/admin/")
    page.get_by_role("link", name="My exports").click()
    expect(page.get_by_text("You have no exports yet.")).to_be_visible()
    page.goto("/en/admin/insights/agreementhealth/annual-report/")
    page.locator("#id_year").select_option(str(year))
    page.locator("#id_language").select_option("ru")
    page.get_by_role("button", name="Prepare the report").click()

    expect(page.locator(".messagelist")).to_contain_text("The report is being written")
    progress = page.get_by_role("progressbar", name=re.compile("Progress of «Annual report"))
    expect(progress).to_have_attribute("value", "0")
    expect(page.locator(".export-state")).to_have_text("queued")
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        download = page.get_by_role("link", name=f"Download annual-report-{year}-{year + 1}-ru.xlsx")
        expect(download).to_be_visible(timeout=60_000)  # the page's script saw the task finish
    expect(progress).to_have_attribute("value", "100")
    expect(page.locator(".export-percent")).to_have_text("100%")
    expect(page.locator(".export-state")).to_have_text("ready")
    with page.expect_download() as report:
        download.click()

    assert report.value.suggested_filename == f"annual-report-{year}-{year + 1}-ru.xlsx"
    workbook = load_workbook(io.BytesIO(report.value.path().read_bytes()))
    assert "Сводка" in workbook.sheetnames  # in the language asked for
    # The page's own content; the admin's breadcrumbs and header are Django's, the same on every admin page.
    violations = Axe().run(page, context="#content-main").response["violations"]
    assert [
        (found["id"], [node["target"] for node in found["nodes"]])
        for found in violations
        if found["impact"] in ("serious", "critical")
    ] == []
