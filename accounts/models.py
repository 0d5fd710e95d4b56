from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserQuerySet(models.QuerySet):
    def staff(self):
        return self.filter(role=User.Role.STAFF, is_active=True)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("role", User.Role.STAFF)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: the email address is the login."""

    class Role(models.TextChoices):
        STUDENT = "student", _("Student")
        FACULTY = "faculty", _("Faculty member")
        STAFF = "staff", _("International office staff")

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(
        _("full name"),
        max_length=200,
        blank=True,
        help_text=_("As written in your own script, e.g. «Иманғалиев Ерлан» or «金刚»."),
    )
    latin_name = models.CharField(
        _("name in Latin letters"),
        max_length=200,
        blank=True,
        help_text=_("As in your passport, e.g. «Imangaliyev Yerlan»: partner universities abroad use this spelling."),
    )
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Every email the portal sends you is written in this language."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STUDENT)
    is_staff = models.BooleanField(
        _("admin access"),
        default=False,
        help_text=_("Set automatically for international office staff and faculty members."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Unselect this instead of deleting the account."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ignoring_case",
                violation_error_message=_("An account with this email address already exists (capital letters aside)."),
                violation_error_code="unique",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["student", "faculty", "staff"]),
                name="user_role_valid",
                violation_error_message=_("Choose a role: student, faculty member or international office staff."),
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="user_language_valid",
                violation_error_message=_("Choose one of the portal's languages."),
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = type(self).objects.normalize_email(self.email)

    def save(self, *args, **kwargs):
        # Office staff work in the admin, faculty coordinators edit what they coordinate there;
        # students never see it unless a superuser says so.
        if self.role in (self.Role.STAFF, self.Role.FACULTY):
            self.is_staff = True
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name or self.email
