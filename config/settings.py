"""Settings for parcouncil, driven by environment variables.

Defaults give a working development installation with no services: SQLite and the
django-q2 ORM broker. Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL
(PostgreSQL) and, for several workers, REDIS_URL.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_DEV_SECRET_KEY = "django-insecure-parcouncil-development-only"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")

if not DEBUG:
    # A production server must never start on the development key or answer any host.
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DEBUG is off: set SECRET_KEY to a random value of at least 50 characters."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DEBUG is off: set ALLOWED_HOSTS (comma separated).")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_q",
    "appraisal",
    "workflow",
    "documents",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "appraisal.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # a NUL character in a field: refused before any view (PostgreSQL cannot store one)
    "appraisal.middleware.RefuseNulCharacters",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # a person with a second factor gives its code before any page
    "appraisal.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # last: it answers a locked-out login (django-axes)
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Production serves static files itself (collected by `collectstatic`); in development
    # runserver does it from the finders.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "appraisal.context_processors.navigation",
            ],
        },
    },
    {
        # the partials a page repeats by the hundred (appraisal/jinja.py)
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "appraisal.jinja.environment",
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "config.sqlite3"  # bulk writes batched by the real limit
    # WAL lets the django-q2 worker write while the web process reads.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # first: refuses a login while its username and address are locked out
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

# Login throttling against guessing (django-axes): after LOGIN_FAILURE_LIMIT failed attempts
# on one username from one address, that pair is refused for LOGIN_COOLOFF_MINUTES (429). The
# pair, not the address alone: a ministry's staff share an address behind its proxy. Every
# login, logout and failure is logged (admin: Axes — access logs, access failures).
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "appraisal.requests.client_ip"  # the audit's address
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# the issuer an authenticator app shows beside the account (django-otp TOTP)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Chỉ số CCHC")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGE_COOKIE_NAME = "parcouncil_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Evidence files: stored through the default storage, outside any public URL (no MEDIA_URL
# is served); S3_BUCKET switches to an S3-compatible object store (django-storages).
EVIDENCE_MAX_FILE_BYTES = int(os.environ.get("EVIDENCE_MAX_FILE_BYTES", 25 * 1024 * 1024))
EVIDENCE_MAX_SUBMISSION_BYTES = int(
    os.environ.get("EVIDENCE_MAX_SUBMISSION_BYTES", 1024 * 1024 * 1024)
)
if os.environ.get("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {  # type: ignore[dict-item]  # the S3 backend takes its OPTIONS here
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID"),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }

# Uploaded framework files are parsed in memory; keep them bounded.
FRAMEWORK_UPLOAD_MAX_BYTES = int(os.environ.get("FRAMEWORK_UPLOAD_MAX_BYTES", 5 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Background jobs: the ORM broker needs no service; REDIS_URL switches to Redis.
REDIS_URL = os.environ.get("REDIS_URL", "")
Q_CLUSTER: dict = {
    "name": "parcouncil",
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    "timeout": int(os.environ.get("Q_TIMEOUT", "600")),
    # a task a dead worker held is delivered again after this; must exceed timeout, or a
    # long task is started twice
    "retry": int(os.environ.get("Q_RETRY", "660")),
    "max_attempts": 3,
    "catch_up": False,
    "queue_limit": 50,
    "label": "Django Q2",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# A cache shared by the web and worker processes: django-q2 keeps its cluster statistics
# there (/healthz reports them). The database without Redis (its table is made by a
# migration: `migrate` alone leaves a working installation), else Redis.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "parcouncil_cache",
        }
    )
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "parcouncil@localhost")
# Deadlines: "due soon" within this many working days; reminders this many working days
# before a deadline (and escalation after it).
DUE_SOON_WORKING_DAYS = int(os.environ.get("DUE_SOON_WORKING_DAYS", "3"))
REMINDER_OFFSETS = [
    int(n) for n in os.environ.get("REMINDER_OFFSETS", "5,2,1").split(",") if n.strip()
]
# The address of the site as users reach it: links in e-mails point there.
# An invitation's link (to set one's password) stays valid this long.
PASSWORD_RESET_TIMEOUT = 7 * 24 * 3600
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Issued documents: which certificate signs for whom (documents/signing.py describes the
# file; the demo writes one with throw-away certificates), and whether publication refuses
# while the issuer's signer has no certificate.
DOCUMENT_SIGNERS_FILE = Path(
    os.environ.get("PARCOUNCIL_SIGNERS", BASE_DIR / "var" / "signing" / "signers.json")
)
DOCUMENTS_REQUIRE_SIGNATURE = os.environ.get("PARCOUNCIL_REQUIRE_SIGNATURE", "1") == "1"
# seed_demo writes throw-away certificates there when none are configured (DEBUG only)
DOCUMENTS_DEMO_CERTIFICATES = DEBUG

# guardian: no anonymous object permissions are ever granted.
ANONYMOUS_USER_NAME = "AnonymousUser"
GUARDIAN_RAISE_403 = True

# Security. Production (DEBUG off) is HTTPS-only behind a TLS-terminating proxy.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 8 * 3600))
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): scripts, styles, fonts and images from this site only
# — no inline script, event handler or style in any page (tests/security/test_headers.py) —
# and nothing may frame the site. htmx's own indicator style is off (base.html) for it.
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
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # PDF generation narrates every step at INFO: keep the worker's log readable
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# parcouncil
PARCOUNCIL_DATA_DIR = BASE_DIR / "appraisal" / "data"
# Take the client address from X-Forwarded-For (set by the TLS proxy in front of gunicorn).
PARCOUNCIL_TRUST_PROXY = env_bool("TRUST_PROXY", not DEBUG)
