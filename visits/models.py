import functools
import secrets
import zoneinfo
from datetime import date, timedelta

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from config.files import private_storage, validate_logo_size, validate_pdf
from config.i18n import language_codes, localized_fields
from config.models import StatusTransition
from config.text import date_range
from config.translations import check_required_languages
from partnerships.models import Agreement, Contact, JointProgram, Partner, ResearchProject, Unit

# The HTML a trip report or an article may keep; everything else (scripts, styles, events) is removed.
ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "a"}


def sanitise_html(html: str) -> str:
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}}, link_rel="noopener")


def sanitise_translations(instance, field):
    """Clean every language's column of a translated HTML field (never the fallback-reading field itself)."""
    for column in localized_fields(field):
        value = getattr(instance, column)
        if value:
            setattr(instance, column, sanitise_html(value))


def default_time_zone():
    """Visits happen at home unless told otherwise: the portal's own time zone (settings.TIME_ZONE)."""
    return settings.TIME_ZONE


@functools.cache
def time_zone_choices():
    """Every time zone of a place (and UTC), read once a process: reading them walks the time zone database's files,
    tens of milliseconds each time a visit's form was shown."""
    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name or name == "UTC"]


class VisitQuerySet(models.QuerySet):
    def upcoming(self, today=None):
        return self.filter(starts_on__gte=today or timezone.localdate()).exclude(status=Visit.Status.CANCELLED)

    def took_place(self):
        return self.filter(status__in=Visit.TOOK_PLACE)

    def report_missing(self):
        """Visits that have ended (or are ending) with exact dates and still have no trip report."""
        return self.filter(
            status__in=[Visit.Status.IN_PROGRESS, Visit.Status.COMPLETED], ends_on__isnull=False, report__isnull=True
        )

    def report_overdue(self, today=None):
        """Visits whose report is overdue on `today`: the one definition of the admin filter, digest and reminder."""
        return self.report_missing().filter(ends_on__lte=Visit.last_end_with_report_overdue(today))

    def with_published_article(self):
        return self.filter(article__in=NewsArticle.objects.published())

    def timeline_of(self, partner):
        """The partner's visits whose news article is out, newest first, with the article: one query."""
        return list(
            self.with_published_article().filter(partners=partner).select_related("article").order_by("-starts_on")
        )


class Visit(models.Model):
    """An official visit or delegation, outgoing or incoming, from the first idea to the published report."""

    # The report is due REPORT_DUE_DAYS after the last day of the visit, and overdue from the day after.
    REPORT_DUE_DAYS = 14
    REPORT_OVERDUE_AFTER_DAYS = REPORT_DUE_DAYS + 1

    class Direction(models.TextChoices):
        OUTGOING = "outgoing", pgettext_lazy("visit direction", "Outgoing")
        INCOMING = "incoming", pgettext_lazy("visit direction", "Incoming")

    class Precision(models.TextChoices):
        DAY = "day", _("Exact dates")
        MONTH = "month", _("Month known")
        YEAR = "year", _("Year known")

    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("visit status", "Proposed")
        APPROVED = "approved", _("Approved")
        CONFIRMED = "confirmed", _("Confirmed")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", pgettext_lazy("visit status", "Completed")
        REPORTED = "reported", _("Reported")
        CANCELLED = "cancelled", pgettext_lazy("visit status", "Cancelled")

    # A visit that took place may have its news article published.
    TOOK_PLACE = (Status.COMPLETED, Status.REPORTED)

    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    title = models.CharField(_("title"), max_length=255)
    partners = models.ManyToManyField(Partner, related_name="visits", verbose_name=_("partners"))
    home_units = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="home_visits",
        limit_choices_to={"partner__isnull": True},
        verbose_name=_("our units"),
    )
    partner_units = models.ManyToManyField(
        Unit,
        blank=True,
        related_name="partner_visits",
        limit_choices_to={"partner__isnull": False},
        verbose_name=_("inviting or host units (partner)"),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"))
    precision = models.CharField(
        _("dates"),
        max_length=5,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text=_("For a tentative visit give the first day of the month or year that is known."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=time_zone_choices,
        default=default_time_zone,
        help_text=_("Where the visit takes place: its programme is entered and shown in this local time."),
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="visit_dates_in_order",
                violation_error_message=_("The visit cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(precision="day") | Q(ends_on__isnull=False),
                name="visit_exact_dates_have_an_end",
                violation_error_message=_("A visit with exact dates needs its last day."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.precision == self.Precision.DAY and not self.ends_on:
            raise ValidationError({"ends_on": _("Give the last day of the visit, or mark its dates as tentative.")})
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The visit cannot end before it starts.")})

    @property
    def took_place(self):
        return self.status in self.TOOK_PLACE

    @property
    def report_due_on(self):
        return self.ends_on + timedelta(days=self.REPORT_DUE_DAYS) if self.ends_on else None

    @staticmethod
    def last_end_with_report_overdue(today: date | None = None) -> date:
        """The latest last day of a visit whose report is overdue on `today`."""
        return (today or timezone.localdate()) - timedelta(days=Visit.REPORT_OVERDUE_AFTER_DAYS)

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_tentative(self):
        return self.precision != self.Precision.DAY

    @property
    def period_iso(self):
        """The dates as far as they are known, for a <time datetime>: "2026", "2026-10" or the first day."""
        if self.precision == self.Precision.YEAR:
            return f"{self.starts_on:%Y}"
        if self.precision == self.Precision.MONTH:
            return f"{self.starts_on:%Y-%m}"
        return f"{self.starts_on:%Y-%m-%d}"

    @property
    def period(self):
        """The dates as far as they are known, in the page's language: "2026", "October 2025" or a range."""
        if self.precision == self.Precision.YEAR:
            return str(self.starts_on.year)
        if self.precision == self.Precision.MONTH:
            return date_format(self.starts_on, "YEAR_MONTH_FORMAT")
        return date_range(self.starts_on, self.ends_on)


class VisitTransition(StatusTransition):
    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=20, choices=Visit.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Visit.Status.choices)
    comment = models.TextField(_("why"), blank=True)

    class Meta(StatusTransition.Meta):
        pass


class DelegationMember(models.Model):
    class Role(models.TextChoices):
        HEAD = "head", _("Head of delegation")
        MEMBER = "member", _("Member")
        INTERPRETER = "interpreter", _("Interpreter")
        COORDINATOR = "coordinator", _("Coordinator")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="members", verbose_name=_("visit"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delegations",
        verbose_name=_("staff member"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True, help_text=_("For people without an account."))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    position = models.CharField(_("position at the time"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")
        ordering = ["role", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""),
                name="member_is_someone",
                violation_error_message=_("Choose a person or write the member's name."),
            ),
        ]

    def __str__(self):
        return str(self.user) if self.user_id else self.name


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        CEREMONY = "ceremony", _("Ceremony")
        SEMINAR = "seminar", _("Seminar")
        MEETING = "meeting", _("Meeting")
        SITE_VISIT = "site_visit", _("Site visit")
        SIGNING = "signing", _("Signing")
        LECTURE = "lecture", _("Lecture")
        CULTURAL = "cultural", _("Cultural programme")

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="agenda")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MEETING)
    title = models.CharField(_("title"), max_length=255)
    place = models.CharField(_("place"), max_length=255, blank=True)
    met_contacts = models.ManyToManyField(Contact, blank=True, verbose_name=_("people met"))
    met_units = models.ManyToManyField(Unit, blank=True, verbose_name=_("units met"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("programme item")
        verbose_name_plural = _("programme")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="agenda_times_in_order",
                violation_error_message=_("An agenda item cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.title


class Outcome(models.Model):
    """What the sides agreed, tracked as an action item with an owner and a due date."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    class Kind(models.TextChoices):
        ACTION = "action", _("Action item")
        INCOMING_VISIT = "incoming_visit", _("Promises a visit to us")
        OUTGOING_VISIT = "outgoing_visit", _("Promises a visit by us")

    # Which way the promised visit goes, per kind that promises one.
    VISIT_DIRECTIONS = {
        Kind.INCOMING_VISIT: Visit.Direction.INCOMING,
        Kind.OUTGOING_VISIT: Visit.Direction.OUTGOING,
    }

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("visit"))
    description = models.TextField(_("what was agreed"))
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.ACTION,
        help_text=_("Only an outcome that promises a visit is planned as a follow-up visit."),
    )
    visit_year = models.PositiveSmallIntegerField(
        _("year of the visit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("The year the promised visit is to take place."),
    )
    visit_month = models.PositiveSmallIntegerField(
        _("month of the visit"),
        null=True,
        blank=True,
        choices=list(MONTHS.items()),
        help_text=_("Only if the outcome names the month."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    agreement = models.ForeignKey(
        Agreement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("agreement")
    )
    program = models.ForeignKey(
        JointProgram,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("joint program"),
    )
    project = models.ForeignKey(
        ResearchProject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("research project"),
    )
    call = models.ForeignKey(
        "mobility.ExchangeCall",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exchange call"),
    )
    mobility = models.ForeignKey(
        "mobility.Mobility",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes",
        verbose_name=_("mobility"),
    )
    follow_up_visit = models.ForeignKey(
        Visit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="planned_by",
        verbose_name=_("follow-up visit"),
    )

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="action") | Q(visit_year__isnull=False),
                name="outcome_promised_visit_has_a_year",
                violation_error_message=_("An outcome that promises a visit needs the year of that visit."),
            ),
            models.CheckConstraint(
                condition=Q(visit_month__isnull=True)
                | (Q(visit_month__gte=1, visit_month__lte=12) & ~Q(kind="action")),
                name="outcome_visit_month_only_for_a_promised_visit",
                violation_error_message=_(
                    "The month of a promised visit is from 1 to 12, and only an outcome that promises a visit has one."
                ),
            ),
        ]

    def __str__(self):
        return self.description[:80]

    def clean(self):
        if self.promises_visit and not self.visit_year:
            raise ValidationError({"visit_year": _("Give the year in which the promised visit is to take place.")})
        if not self.promises_visit and self.visit_month:
            raise ValidationError({"visit_month": _("A month is given only for an outcome that promises a visit.")})

    @property
    def promises_visit(self):
        return self.kind in self.VISIT_DIRECTIONS

    @property
    def visit_direction(self):
        return self.VISIT_DIRECTIONS.get(self.kind)

    @property
    def visit_period(self):
        """The promised visit's precision and first day as far as the outcome states it: a year or a month."""
        if not self.promises_visit or not self.visit_year:
            return None
        if self.visit_month:
            return Visit.Precision.MONTH, date(self.visit_year, self.visit_month, 1)
        return Visit.Precision.YEAR, date(self.visit_year, 1, 1)


class Report(models.Model):
    visit = models.OneToOneField(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="report")
    body = models.TextField(_("report"), help_text=_("Formatting is kept; scripts and styles are removed."))
    written_at = models.DateTimeField(_("written"), auto_now=True)

    class Meta:
        verbose_name = _("trip report")
        verbose_name_plural = _("trip reports")

    def __str__(self):
        return str(self.visit)

    def save(self, *args, **kwargs):
        sanitise_translations(self, "body")
        super().save(*args, **kwargs)


class VisitDocument(models.Model):
    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation letter")
        ORDER = "order", pgettext_lazy("visit document", "Order")
        VISA_SUPPORT = "visa_support", _("Visa support letter")
        OTHER = "other", _("Other")

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(
        _("file"),
        storage=private_storage,
        upload_to="visits/%Y/",
        validators=[FileExtensionValidator(["pdf"]), validate_pdf],
        help_text=_("PDF only, at most 20 MB."),
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.get_kind_display()

    def get_absolute_url(self):
        return reverse("visits:document", kwargs={"pk": self.pk})


class Photo(models.Model):
    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("photo"),
        upload_to="visits/",
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"]), validate_logo_size],
        help_text=_("JPEG, PNG or WebP, at most 2 MB."),
    )
    caption = models.CharField(_("caption"), max_length=255, blank=True)
    alt_text = models.CharField(
        _("text alternative"), max_length=255, help_text=_("What the photo shows, for readers who cannot see it.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.caption or self.alt_text


# Why an article about a visit that has not taken place (or was cancelled) cannot be published.
NOT_TAKEN_PLACE = _("An article is published only about a visit that took place (completed or reported).")


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Ticked "published" and its publish date has come: an embargoed article stays hidden until then.

        The one definition of what the public sees, on the news list, partner pages, calendar and API.
        """
        return self.filter(is_published=True, published_at__lte=timezone.now())

    def next_release(self, now):
        """When the next embargoed article comes out, after `now` (None if none waits)."""
        return self.filter(is_published=True, published_at__gt=now).aggregate(at=models.Min("published_at"))["at"]


class NewsArticle(models.Model):
    """The news article about a visit, as on a university's news page."""

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="article", verbose_name=_("visit"))
    slug = models.SlugField(_("address on the site"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"), help_text=_("Formatting is kept; scripts and styles are removed."))
    cover = models.ForeignKey(
        Photo, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("cover photo")
    )
    published_at = models.DateTimeField(_("publish date"), default=timezone.now)
    is_published = models.BooleanField(_("published"), default=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")
        ordering = ["-published_at"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        sanitise_translations(self, "body")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("visits:article", kwargs={"slug": self.slug})

    def clean(self):
        if self.is_published and self.visit_id and not self.visit.took_place:
            raise ValidationError({"is_published": NOT_TAKEN_PLACE})
        if self.is_published:
            check_required_languages(self)

    def translation_languages(self, word):
        """The languages a published article needs (settings.PUBLISH_REQUIRED_LANGUAGES): "partner", the preferred
        languages of the visit's partners."""
        if word == "partner" and self.visit_id:
            return [code for code in self.visit.partners.values_list("language", flat=True) if code]
        return []

    def languages_available(self):
        """The languages in which both the title and the text are written."""
        columns = zip(language_codes(), localized_fields("title"), localized_fields("body"), strict=True)
        return [code for code, title, body in columns if getattr(self, title) and getattr(self, body)]


def new_feed_token():
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A secret address of one person's calendar: their visits and programme items. Revoked by renewing it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)


class TypoReport(models.Model):
    """A reader's report of a mistake on a public page, made with Ctrl+Enter."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("typo report status", "Open")
        CLOSED = "closed", pgettext_lazy("typo report status", "Closed")

    MAX_SELECTION = 500
    MAX_COMMENT = 1000

    url = models.CharField(_("page"), max_length=500)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    selection = models.TextField(_("selected text"), max_length=MAX_SELECTION)
    context = models.TextField(_("text around it"), blank=True, max_length=2 * MAX_SELECTION)
    comment = models.TextField(_("comment"), blank=True, max_length=MAX_COMMENT)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)

    class Meta:
        verbose_name = _("typo report")
        verbose_name_plural = _("typo reports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(selection=""),
                name="typo_report_has_a_selection",
                violation_error_message=_("Select the text that contains the mistake."),
            ),
        ]

    def __str__(self):
        return self.selection[:60]
