from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

LOGO_MAX_BYTES = 2 * 1024 * 1024


def validate_logo_size(file):
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is %(size)s; the largest allowed is %(limit)s."),
            params={"size": filesizeformat(file.size), "limit": filesizeformat(LOGO_MAX_BYTES)},
            code="file_too_large",
        )


class HomeInstitutionQuerySet(models.QuerySet):
    def current(self):
        return self.first()


class HomeInstitution(models.Model):
    """The university that runs this portal: its name and contacts, shown in every page's footer."""

    # A constant that is unique in the database, so there is only ever one row.
    singleton = models.BooleanField(default=True, editable=False)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    welcome = models.TextField(
        _("welcome text"),
        blank=True,
        help_text=_("One or two sentences on the home page about international cooperation."),
    )
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("street address"), max_length=255, blank=True)
    phone_label = models.CharField(
        _("phone label"), max_length=100, blank=True, help_text=_("Whose phone it is, e.g. «Chancellery».")
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("chancellery email"), blank=True)
    info_email = models.EmailField(_("information email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(
        _("logo"),
        upload_to="home/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp"]), validate_logo_size],
        help_text=_("PNG, JPEG or WebP, at most 2 MB."),
    )

    objects = HomeInstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("home university")
        verbose_name_plural = _("home university")
        constraints = [
            models.UniqueConstraint(fields=["singleton"], name="home_institution_single_row"),
            models.CheckConstraint(condition=models.Q(singleton=True), name="home_institution_singleton_true"),
        ]

    def __str__(self):
        return self.name
