"""Köpir settings: one module, every difference between environments comes from the environment."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

# ---------------------------------------------------------------- core
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "development-only-key-never-used-in-production"  # noqa: S105 (DEBUG only)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
VAR_DIR = BASE_DIR / "var"

# Production security: on unless DEBUG, so `check --deploy` passes with production values.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Every asset comes from the portal itself: nothing from another host, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# ---------------------------------------------------------------- apps
INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before it.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "csp",
    "django_countries",
    "import_export",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "config",
    "accounts",
    "partnerships",
    "visits",
    "mobility",
    "notifications",
    "api",
    "ewp",
    "insights",
]

# ---------------------------------------------------------------- middleware
MIDDLEWARE = [
    # First: each request's id, log line and metrics, whatever answers it (static files and redirects too).
    "config.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ProxyCountCheckMiddleware",
    # CORS answers before anything else can (the API's preflight requests), as django-cors-headers asks.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.IdentityProviderFormActionMiddleware",
    # An anonymous reader's cached page is answered here, before sessions, language, CSRF and the user are read.
    "config.pagecache.CachedPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.StaffMFARequiredMiddleware",
    "config.middleware.AdminQueryGuardMiddleware",
    "api.middleware.TokenUseLogMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.home_institution",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# ---------------------------------------------------------------- database
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # How close a misspelt word must be to a word of a partner's name for the directory's search to find it
    # (pg_trgm's word similarity, the `%>` operator its trigram index answers; pg_trgm's own default is 0.6).
    # The search indexes' pending list (GIN fastupdate) is merged at 64 kB, so a search never scans a long one;
    # a bulk import raises the limit for its own transaction and merges the list when done (config.bulk).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c pg_trgm.word_similarity_threshold=0.5 -c gin_pending_list_limit=64kB"
    )

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Local memory stands in while Redis does not answer, so sign-in and its rate limits keep working.
            "BACKEND": "config.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that does not answer fails fast, so a request does not hang on it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# ---------------------------------------------------------------- static and media
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "config.staticfiles.JQueryUIFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Private uploads (agreement documents): never under MEDIA_URL, served only by permission-checked views.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
# A world_universities_and_domains.json file: the demo takes its partners' records from it when it is given.
DEMO_UNIVERSITIES_FILE = env("DEMO_UNIVERSITIES_FILE", default="")
# The official Erasmus Without Paper schemas and the IIA hash stylesheet (schemas/, iias-v7/), read at run time.
EWP_SCHEMAS_DIR = Path(env.str("EWP_SCHEMAS_DIR", default=str(BASE_DIR.parent / "shared" / "ewp")))
# Uploads go to the local folders above unless the environment names the object store's two buckets
# (docs/storage.md): an S3-compatible store (django-storages) that every web node shares.
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
# Without them, boto3's own chain (AWS_ACCESS_KEY_ID, an instance role, ~/.aws) gives the credentials.
AWS_S3_ACCESS_KEY_ID = env.str("AWS_S3_ACCESS_KEY_ID", default="") or None
AWS_S3_SECRET_ACCESS_KEY = env.str("AWS_S3_SECRET_ACCESS_KEY", default="") or None
# "path" suits MinIO, SeaweedFS and Ceph; "virtual" the buckets of AWS and most hosted stores.
AWS_S3_ADDRESSING_STYLE = env.str("AWS_S3_ADDRESSING_STYLE", default="path")
AWS_S3_SIGNATURE_VERSION = "s3v4"
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_PRIVATE_BUCKET_NAME = env.str("AWS_PRIVATE_BUCKET_NAME", default="")
# The public bucket's own address (a CDN or a public-read bucket), if browsers should fetch images from it.
AWS_PUBLIC_MEDIA_DOMAIN = env.str("AWS_PUBLIC_MEDIA_DOMAIN", default="") or None
# Private documents are streamed by the portal; with this on (and an object store), the portal answers with a
# redirect to a signed address of the private bucket instead, valid for PRIVATE_FILE_URL_SECONDS.
PRIVATE_FILES_SIGNED_URLS = env.bool("PRIVATE_FILES_SIGNED_URLS", default=False)
PRIVATE_FILE_URL_SECONDS = env.int("PRIVATE_FILE_URL_SECONDS", default=60)
# How long browsers and proxies may keep a public image (the /media/ view and the objects' Cache-Control).
PUBLIC_MEDIA_MAX_AGE = 24 * 60 * 60
if bool(AWS_STORAGE_BUCKET_NAME) != bool(AWS_PRIVATE_BUCKET_NAME):
    raise ImproperlyConfigured("Set both AWS_STORAGE_BUCKET_NAME and AWS_PRIVATE_BUCKET_NAME, or neither.")
if AWS_STORAGE_BUCKET_NAME == AWS_PRIVATE_BUCKET_NAME != "":
    raise ImproperlyConfigured("AWS_PRIVATE_BUCKET_NAME must be another bucket than AWS_STORAGE_BUCKET_NAME.")
OBJECT_STORE = bool(AWS_STORAGE_BUCKET_NAME)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "config.files.PrivateStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
if OBJECT_STORE:
    # Names stay unique, as in the local folders: a second upload called "cv.pdf" never replaces the first.
    STORAGES["default"] = {
        "BACKEND": "config.object_store.PublicObjectStorage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "file_overwrite": False,
            "querystring_auth": False,
            "custom_domain": AWS_PUBLIC_MEDIA_DOMAIN,
            "object_parameters": {"CacheControl": f"public, max-age={PUBLIC_MEDIA_MAX_AGE}"},
        },
    }
    STORAGES["private"] = {
        "BACKEND": "config.object_store.PrivateObjectStorage",
        "OPTIONS": {
            "bucket_name": AWS_PRIVATE_BUCKET_NAME,
            "file_overwrite": False,
            "querystring_expire": PRIVATE_FILE_URL_SECONDS,
        },
    }

# ---------------------------------------------------------------- i18n
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("kk", "Қазақша"),
    ("ru", "Русский"),
    ("en", "English"),
    ("zh-hans", "简体中文"),
]
# Our catalogues first; vendor_locale completes third-party catalogues (allauth has no Kazakh).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "vendor_locale"]
FORMAT_MODULE_PATH = ["config.formats"]
# Kosovo has a user-assigned code that universities use but the ISO list lacks.
COUNTRIES_OVERRIDE = {"XK": _("Kosovo")}
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Almaty")
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60

# Content fallbacks follow the readers: Kazakh and Russian readers read each other's language,
# Chinese readers (often partners) read English before Russian, English readers get Russian.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
# modeltranslation's admin tabs would load jQuery from Google's CDN, which mainland China cannot reach.
JQUERY_URL = "admin/js/vendor/jquery/jquery.min.js"
JQUERY_UI_URL = "jquery-ui/jquery-ui.min.js"
MODELTRANSLATION_FALLBACK_LANGUAGES = {
    "default": ("en",),
    "kk": ("ru", "en"),
    "ru": ("kk", "en"),
    "zh-hans": ("en",),
    "en": ("ru",),
}
# The languages an article or a call needs before it is published (README «Translations»): language codes, and
# "instruction" (a call's languages of instruction) or "partner" (the partners' preferred languages).
PUBLISH_REQUIRED_LANGUAGES = {
    "mobility.exchangecall": ("instruction", "partner"),
    "visits.newsarticle": ("partner",),
}

# ---------------------------------------------------------------- auth
AUTH_USER_MODEL = "accounts.User"
# Sessions live in the database and are read from Redis while it answers (config.sessions).
SESSION_ENGINE = "config.sessions"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "accounts.backends.RolePermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# URL names, so that signing in or out keeps the visitor in the language of the page.
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
LOGIN_URL = "account_login"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm", "signup": "accounts.forms.SignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Köpir: "
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, written out so they are visibly on.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Behind a proxy the client's address is the last hop it adds (rate limits of sign-in and typo reports).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Importing creates and overwrites records: only those who may add them (office staff) may import.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
MFA_TOTP_ISSUER = "Köpir"
# Staff must use two-factor authentication before the admin opens; off only in the DEBUG demo.
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=True)


# ---------------------------------------------------------------- single sign-on
def oidc_app(provider: dict) -> dict:
    """One entry of OIDC_PROVIDERS as an allauth app; every key but the credentials goes to the app's settings."""
    credentials = ("id", "name", "client_id", "secret")
    return {
        "provider_id": provider["id"],
        "name": provider.get("name", ""),
        "client_id": provider["client_id"],
        "secret": provider.get("secret", ""),
        "settings": {key: value for key, value in provider.items() if key not in credentials},
    }


# Identity providers (README, "Single sign-on"): a JSON list here, or social applications in the admin.
OIDC_PROVIDERS = env.json("OIDC_PROVIDERS", default=[])
SAML_PROVIDERS = env.json("SAML_PROVIDERS", default=[])
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        # allauth's provider with a nonce in every sign-in, checked in the ID token.
        "provider_class": "accounts.sso.UniversityOIDCProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [oidc_app(provider) for provider in OIDC_PROVIDERS],
    },
    "saml": {"APPS": SAML_PROVIDERS},
}
# A verified address of the university signs in to the account that has it, and links the two for next time;
# the adapter refuses unverified and foreign addresses, so nothing else is matched by email.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("SSO_REQUESTS_TIMEOUT", default=10)
# Office staff and faculty members sign in through the identity provider only; students keep passwords unless
# SSO_REQUIRED_FOR_STUDENTS. Only switch these on once a provider is configured.
SSO_REQUIRED_FOR_STAFF = env.bool("SSO_REQUIRED_FOR_STAFF", default=False)
SSO_REQUIRED_FOR_STUDENTS = env.bool("SSO_REQUIRED_FOR_STUDENTS", default=False)
# Values of the ID token's `amr` claim (RFC 8176) that prove a second factor for the staff two-factor rule.
SSO_MFA_AMR_VALUES = env.list("SSO_MFA_AMR_VALUES", default=["mfa", "otp", "hwk", "sc"])

# ---------------------------------------------------------------- e-mail
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Every email is stored in the outbox first and sent by a task after commit through EMAIL_URL's backend.
EMAIL_DELIVERY_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_BACKEND = "notifications.backends.OutboxBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Köpir <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A mail server that does not answer fails the attempt (retried later) instead of holding a worker.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# The portal's public address: links in emails sent outside a request (reminders) start with it. Without it, the
# address `make run` serves (its PORT, which the Makefile passes on).
PORTAL_URL = env.str("PORTAL_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")

# ---------------------------------------------------------------- Celery
# Without REDIS_URL (the zero-setup `make run`) tasks run eagerly in the web process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 120
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish the broker refuses is retried once, briefly: the email waits in the outbox for the sweep instead
# of holding the request that wrote it.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Reminders are derived from the database on each run, so a run lost in an outage is caught up by the next.
    # A run still waiting when the next is due is dropped rather than piled up.
    "sweep-reminders": {"task": "notifications.sweep_reminders", "schedule": 5 * 60, "options": {"expires": 5 * 60}},
    # Emails the broker refused (or lost) wait in the outbox; each minute they are handed over again.
    "sweep-outbox": {"task": "notifications.sweep_outbox", "schedule": 60, "options": {"expires": 60}},
    # The log of API token uses keeps API_TOKEN_LOG_DAYS days; older rows go once a day.
    "purge-token-uses": {"task": "api.purge_token_uses", "schedule": 24 * 60 * 60},
    # Private files left by an upload whose record was never saved go once a day (after a grace of hours).
    "remove-orphan-files": {"task": "config.remove_orphan_files", "schedule": 24 * 60 * 60},
    # Exports the broker refused wait in the database; each minute they are handed over again.
    "sweep-exports": {"task": "config.sweep_exports", "schedule": 60, "options": {"expires": 60}},
    # Exported files are kept EXPORT_KEEP_DAYS days; each hour the ones past it are deleted, and the rows of exports
    # that failed or expired more than EXPORT_KEEP_DAYS days ago go.
    "expire-exports": {"task": "config.expire_exports", "schedule": 60 * 60, "options": {"expires": 60 * 60}},
}

# ---------------------------------------------------------------- exports
# An admin list with more rows than this (and the annual report, always) is written by a task, not the request.
EXPORT_QUEUE_ROWS = env.int("EXPORT_QUEUE_ROWS", default=2_000)
# How many days a written export is kept for the person who asked for it.
EXPORT_KEEP_DAYS = env.int("EXPORT_KEEP_DAYS", default=7)
# The longest an export task may take (seconds) before it is stopped and recorded as failed.
EXPORT_TIME_LIMIT = env.int("EXPORT_TIME_LIMIT", default=30 * 60)

# ---------------------------------------------------------------- API
# The public API reads like the public pages; integrations authenticate with tokens staff issue in the admin.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.AlwaysJSON",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_THROTTLE_RATES": {
        "public": env.str("API_RATE_PUBLIC", default="120/minute"),
        "token": env.str("API_RATE_TOKEN", default="600/minute"),
    },
    # Rate limits count the reader's own address behind the same proxies as sign-in does.
    "NUM_PROXIES": env.int("TRUSTED_PROXY_COUNT", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Köpir API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Websites that may read the public API from their visitors' browsers, e.g. https://www.example.edu.kz.
CORS_ALLOWED_ORIGINS = env.list("API_CORS_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
# No Authorization header: a browser on another site can read the public API, never use a token.
CORS_ALLOW_HEADERS = ["accept", "accept-language", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After"]
CORS_PREFLIGHT_MAX_AGE = 86400
# Each use of a token is logged; the log keeps this many days.
API_TOKEN_LOG_DAYS = env.int("API_TOKEN_LOG_DAYS", default=90)

# ---------------------------------------------------------------- dashboard and agreement health
# Agreements ending within this many days that are under-used or unused are listed for review before renewal.
RENEWAL_REVIEW_HORIZON_DAYS = env.int("RENEWAL_REVIEW_HORIZON_DAYS", default=180)

# ---------------------------------------------------------------- logging
# Plain lines by default; LOG_FORMAT=json writes JSON lines with one line per request and per task (config.logs).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be plain or json.")
json_logs = LOG_FORMAT == "json"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "config.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # In plain text gunicorn's access log and Celery's own lines say this already; JSON lines add the fields.
        "kopir.requests": {"level": "INFO" if json_logs else "WARNING"},
        "kopir.tasks": {"level": "INFO" if json_logs else "WARNING"},
        # runserver's own line per request would repeat kopir.requests in another shape.
        **({"django.server": {"level": "WARNING"}} if json_logs else {}),
    },
}
# A worker writes through LOGGING (JSON lines too) instead of Celery's own plain format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = not json_logs

# ---------------------------------------------------------------- metrics
# Who may read /metrics (docs/deploy.md): addresses or networks, and/or a bearer token; with neither, nobody.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
