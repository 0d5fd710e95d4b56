"""What readers meet of the libraries' text: Django's admin and allauth's emails, as corrected in vendor_locale/.

A page or email fails on a known bad form (a typo, a wrong meaning, English left in) and, in Kazakh, Russian
and Chinese, on any Latin word that is not a brand name, a code, an address or a language code.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.core import mail
from django.test import RequestFactory
from django.utils import translation

from partnerships.models import Partner, PartnerDomain, Unit
from tests.factories import HomeInstitutionFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

# Known bad forms: upstream typos and wrong meanings, and the portal's own rules (glossary, punctuation).
BAD_FORMS = {
    "kk": [
        "Өзгетру",
        "өзгету",
        "үщін",
        "Алға",
        "Сүзгіз",
        "Сүзгіш",
        "әрәкет",
        "Сақта және",
        "жаңасын қос",
        "0 of",
        "-ден 0",
        "one:",
        "other:",
        "Даңғо",
        "Қолданушы",
        "қолданушы",
        "құпия сөз",
        "Құпия сөз",
        "Жорнал",
        "объект",
        "Жума",
        "Тура мән",
        "жолақ",
        "Дұрыс тандау",
        "сүрет",
        "торап",
        re.compile(r"Таңдалған \S+ өшірілді"),
    ],
    "ru": ["учетн", "Учетн", "!»", "E-mail", "e-mail", "Email", "Аккаунт", "аккаунт", "“", "Пароль Изменён"],
    "zh-hans": [
        "Hello",
        "Email地址",
        "Email",
        "你",
        "登出",
        "帐号",
        "账号",
        "动作",
        "两步验证",
        re.compile(r"[\u4e00-\u9fff][:.!?](\s|$)"),
    ],
    # allauth's own greeting named the portal by the request's host ("Hello from 127.0.0.1:8000!").
    "en": ["Hello from", "Thank you for using", "testserver"],
}
# Words that stay Latin in every language: the portal's brand, codes and the languages' own names and codes.
ALLOWED_LATIN = {
    "Köpir",
    "GPA",
    "CEFR",
    "ISCED",
    "EWP",
    "PDF",
    "ID",
    "URL",
    "API",
    "IP",
    "XLSX",
    "CSV",
    "PNG",
    "JPEG",
    "WebP",
    "ROR",
    "HEI",
    "SCHAC",
    "TOTP",
    "QR",
    "PIN",
    "English",
    "kk",
    "ru",
    "en",
    "zh",
    "hans",
    "Firefox",
    "KB",
    "MB",
    "GB",
}
# Proper names that are Latin in every language, and a name given as an example of a Latin spelling.
LATIN_NAMES = ["ISCED-F", "Erasmus Without Paper", "Research Organization Registry", "Erasmus+", "Erasmus", "Jin Gang"]
ADDRESSES = re.compile(r"https?://\S+|\S*\d\S*|[\w.+-]+@[\w-]+(\.[\w-]+)+|\b[\w-]+(\.[\w-]+)+\b|/[\w/.-]+")
LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’]*")
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
# Every email of the allauth apps the portal installs (social accounts are not).
EMAILS = sorted(
    str(path.relative_to(ALLAUTH_TEMPLATES)).removesuffix("_subject.txt")
    for path in ALLAUTH_TEMPLATES.glob("*/email/*_subject.txt")
    if f"allauth.{path.parts[-3]}" in settings.INSTALLED_APPS
)
# Everything any of allauth's email templates reads.
EMAIL_CONTEXT = {
    "activate_url": "http://127.0.0.1:8000/accounts/confirm-email/key/",
    "password_reset_url": "http://127.0.0.1:8000/accounts/password/reset/key/1-set-password/",
    "signup_url": "http://127.0.0.1:8000/accounts/signup/",
    "code": "XK3-9QZ",
    "key": "key",
    "from_email": "old@kopir.example",
    "to_email": "new@kopir.example",
    "deleted_email": "old@kopir.example",
    "ip": "203.0.113.5",
    "user_agent": "Firefox 128",
    "timestamp": "2026-10-05 10:00",
}


class VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes and the labels of images and controls, not typed content.

    The list of objects a deletion takes along is left out: Django's code writes each line as "model: object"
    with an ASCII colon, which no catalogue or template reaches. So is a quotation marked as written in another
    language (the source text shown beside the field being translated): it is typed content, not the page's.
    """

    HIDDEN = {"script", "style", "textarea", "template"}
    SPOKEN = {"alt", "title", "placeholder", "aria-label"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.parts, self.hidden, self.stack = [], 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in self.VOID:
            quoted = tag == "q" and bool(attrs.get("lang"))
            hides = tag in self.HIDDEN or attrs.get("id") == "deleted-objects" or quoted
            self.stack.append(hides)
            self.hidden += hides
        self.parts += [value for name, value in attrs.items() if name in self.SPOKEN and value]
        if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self.stack and self.stack.pop():
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def problems(text, language):
    found = [
        str(form.pattern if isinstance(form, re.Pattern) else form)
        for form in BAD_FORMS[language]
        if (form.search(text) if isinstance(form, re.Pattern) else form in text)
    ]
    if language != "en":
        for name in LATIN_NAMES:
            text = text.replace(name, " ")
        found += sorted({word for word in LATIN_WORD.findall(ADDRESSES.sub(" ", text)) if word not in ALLOWED_LATIN})
    return found


@pytest.fixture
def xinjiang():
    partner = Partner.objects.create(
        name_en="Xinjiang University",
        name_kk="Шыңжаң университеті",
        name_ru="Синьцзянский университет",
        name_zh_hans="新疆大学",
        city_kk="Үрімші",
        city_zh_hans="乌鲁木齐",
        country="CN",
        slug="xinjiang-university",
        is_public=True,
    )
    PartnerDomain.objects.create(partner=partner, domain="xju.edu.cn")
    Unit.objects.create(
        partner=partner, kind=Unit.Kind.COLLEGE, name_kk="Шет тілдері институты", name_zh_hans="外国语学院"
    )
    return partner


@pytest.fixture
def staff_client(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(StaffFactory(full_name="Әйгерім Сейітова", is_superuser=True))
    return client


@pytest.mark.parametrize("language", ["kk", "zh-hans"])
@pytest.mark.parametrize(
    "page", ["", "partnerships/partner/", "partnerships/partner/{pk}/change/", "partnerships/partner/{pk}/delete/"]
)
def test_admin_pages_read_without_known_bad_forms_or_english(staff_client, xinjiang, language, page):
    response = staff_client.get(f"/{language}/admin/" + page.format(pk=xinjiang.pk))

    assert response.status_code == 200
    assert problems(visible_text(response.content.decode()), language) == []


def render_email(capture_on_commit, prefix, user, language):
    """An allauth email as the portal sends it: through the adapter, after commit, in the recipient's language."""
    mail.outbox.clear()
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    request.user = user
    with capture_on_commit(execute=True), allauth_context.request_context(request), translation.override(language):
        get_adapter(request).send_mail(prefix, user.email, {**EMAIL_CONTEXT, "user": user, "email": user.email})
    return mail.outbox[-1]


def test_every_email_allauth_sends_is_checked():
    assert len(EMAILS) >= 15, EMAILS
    assert "account/email/email_confirmation_signup" in EMAILS
    assert "account/email/unknown_account" in EMAILS
    assert "mfa/email/totp_activated" in EMAILS


@pytest.mark.parametrize("language", ["kk", "ru", "en", "zh-hans"])
@pytest.mark.parametrize("prefix", EMAILS)
def test_allauth_emails_name_the_portal_and_read_without_known_bad_forms(
    django_capture_on_commit_callbacks, language, prefix
):
    HomeInstitutionFactory(
        short_name_kk="М. Әуезов атындағы ОҚУ",
        short_name_ru="ЮКУ им. М. Ауэзова",
        short_name_en="Auezov University",
        short_name_zh_hans="奥埃佐夫大学",
    )
    user = UserFactory(full_name="Дәурен Оспанов", language=language)

    message = render_email(django_capture_on_commit_callbacks, prefix, user, language)

    portal = {"kk": "М. Әуезов атындағы ОҚУ", "ru": "ЮКУ им. М. Ауэзова", "en": "Auezov University"}
    assert portal.get(language, "奥埃佐夫大学") in message.body
    assert "testserver" not in message.body
    assert problems(f"{message.subject}\n{message.body}", language) == []
