"""Django settings, all from the environment (see config/env.py for the list of variables)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from motcua.config import env

BASE_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = Path(__file__).resolve().parents[1]

MOTCUA_ENV = env.get("MOTCUA_ENV", "development")
IS_PRODUCTION = MOTCUA_ENV == "production"
_DEV_SECRET = "django-insecure-motcua-development-only"

SECRET_KEY = env.get("SECRET_KEY", "" if IS_PRODUCTION else _DEV_SECRET)
DEBUG = env.get_bool("DEBUG", MOTCUA_ENV == "development")
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS")

if IS_PRODUCTION:
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of 40+ characters in production."
        )
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be false in production.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "motcua.core",
    "motcua.accounts",
    "motcua.agencies",
    "motcua.catalog",
    "motcua.worktime",
    "motcua.dossiers",
    "motcua.documents",
    "motcua.datastore",
    "motcua.feedback",
    "motcua.reports",
    "motcua.integrations",
    "motcua.payments",
    "motcua.generator",
    "motcua.notifications",
    "motcua.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

if IS_PRODUCTION:  # development and tests serve static files through django.contrib.staticfiles
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "motcua.config.urls"
WSGI_APPLICATION = "motcua.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

_default_db = f"sqlite:///{BASE_DIR / 'var' / 'motcua.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env.get("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed during a write; the busy timeout makes concurrent writers wait, not fail.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file too: an in-memory database locks whole tables and cannot show concurrent writers.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-motcua.sqlite3")}
if IS_PRODUCTION and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Production needs PostgreSQL: set DATABASE_URL=postgres://...")
# A streaming read replica of the primary (docs/deploy/many-machines.md): report reads that may be a moment
# stale go to it through motcua.core.dbrouter; writes, other reads and migrations stay on the primary.
_replica_url = env.get("DATABASE_REPLICA_URL", "")
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(_replica_url, conn_max_age=60)
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a replica of DATABASE_URL (same engine).")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests read the primary's test database through it
    DATABASE_ROUTERS = ["motcua.core.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["motcua.accounts.backends.IdentifierBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Officials confirm their password with a TOTP code (motcua.accounts.second_factor); "off" is for development.
MOTCUA_OFFICIAL_TOTP = env.get("OFFICIAL_TOTP", "required").strip().lower()
if MOTCUA_OFFICIAL_TOTP not in {"required", "off"}:
    raise ImproperlyConfigured("OFFICIAL_TOTP must be 'required' or 'off'.")
if IS_PRODUCTION and MOTCUA_OFFICIAL_TOTP != "required":
    raise ImproperlyConfigured("OFFICIAL_TOTP=off is refused in production: officials need a second factor.")
# Citizens log in through VNeID (OpenID Connect, motcua.accounts.oidc); off when the client secret is empty.
MOTCUA_VNEID_ISSUER = env.get("VNEID_ISSUER", "http://127.0.0.1:8702").rstrip("/")
MOTCUA_VNEID_CLIENT_ID = env.get("VNEID_CLIENT_ID", "motcua")
_DEV_VNEID_SECRET = "motcua-simulator-secret"  # the simulator registers MotCua with the same setting
MOTCUA_VNEID_CLIENT_SECRET = env.get("VNEID_CLIENT_SECRET", "" if IS_PRODUCTION else _DEV_VNEID_SECRET)
MOTCUA_VNEID_TIMEOUT = float(env.get("VNEID_TIMEOUT", "5"))

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env.get("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.get("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.get("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Files on S3-compatible object storage (django-storages) when a bucket is named; else MEDIA_ROOT. Names never
# overwrite (a second upload of a name gets a suffix, as on disk); files stay private (no ACL, signed URLs).
S3_BUCKET = env.get("S3_BUCKET", "")
if S3_BUCKET:
    _s3_endpoint = env.get("S3_ENDPOINT_URL", "")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": _s3_endpoint or None,
            "access_key": env.get("S3_ACCESS_KEY_ID") or None,  # None: boto3's own chain (AWS_*, roles)
            "secret_key": env.get("S3_SECRET_ACCESS_KEY") or None,
            "region_name": env.get("S3_REGION") or None,
            # MinIO, Ceph and other self-hosted servers answer on one host name: path-style addressing.
            "addressing_style": "path" if _s3_endpoint else None,
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }

# Redis (REDIS_URL) as the cache every web process shares (cached lists are dropped for all of them at once)
# and for sessions in front of the database (cached_db: a Redis restart logs nobody out).
REDIS_URL = env.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "motcua",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Outgoing messages (motcua.notifications): e-mail through Django's mail framework, SMS and Zalo through
# the classes named here (the logging backend writes the message to the log instead of sending it).
_DEFAULT_EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if MOTCUA_ENV == "development"
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_BACKEND = env.get("EMAIL_BACKEND", _DEFAULT_EMAIL_BACKEND)
EMAIL_HOST = env.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env.get("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.get("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 30  # seconds; a send holds its outbox row locked, so a hung server must not hold it for ever
DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL", "MotCua <noreply@localhost>")
MOTCUA_SMS_BACKEND = env.get("SMS_BACKEND", "motcua.notifications.gateways.SmsGatewayBackend")
MOTCUA_ZALO_BACKEND = env.get("ZALO_BACKEND", "motcua.notifications.gateways.ZaloZnsBackend")
# The gateways (docs/integrations/messaging.md); development defaults are the loopback simulators' own
# credentials (`motcua simulate sms|zalo`), elsewhere the secrets must be set or sends fail with that reason.
_DEV = MOTCUA_ENV == "development"
MOTCUA_SMS_GATEWAY_URL = env.get("SMS_GATEWAY_URL", "http://127.0.0.1:8704")
MOTCUA_SMS_BRANDNAME = env.get("SMS_BRANDNAME", "UBNDLANGSON")
MOTCUA_SMS_API_KEY = env.get("SMS_API_KEY", "dev-sms-api-key" if _DEV else "")
MOTCUA_SMS_TIMEOUT = float(env.get("SMS_TIMEOUT", "10"))
MOTCUA_SMS_ASCII = env.get_bool("SMS_ASCII", True)
MOTCUA_SMS_MAX_SEGMENTS = int(env.get("SMS_MAX_SEGMENTS", "2"))
MOTCUA_SMS_CALLBACK_SECRET = env.get("SMS_CALLBACK_SECRET", "dev-sms-callback-secret" if _DEV else "")
MOTCUA_ZALO_API_URL = env.get("ZALO_API_URL", "http://127.0.0.1:8705")
MOTCUA_ZALO_ACCESS_TOKEN = env.get("ZALO_ACCESS_TOKEN", "dev-zalo-access-token" if _DEV else "")
MOTCUA_ZALO_TIMEOUT = float(env.get("ZALO_TIMEOUT", "10"))
MOTCUA_ZALO_CALLBACK_SECRET = env.get("ZALO_CALLBACK_SECRET", "dev-zalo-callback-secret" if _DEV else "")
MOTCUA_RATE_PER_MINUTE = {
    "sms": int(env.get("SMS_RATE_PER_MINUTE", "300")),
    "zalo": int(env.get("ZALO_RATE_PER_MINUTE", "300")),
}

# The national public service portal (motcua.integrations.portal); an empty URL turns the sync off.
MOTCUA_NATIONAL_PORTAL_URL = env.get("NATIONAL_PORTAL_URL", "http://127.0.0.1:8701").rstrip("/")
MOTCUA_NATIONAL_PORTAL_TOKEN = env.get(
    "NATIONAL_PORTAL_TOKEN", "" if IS_PRODUCTION else "motcua-portal-simulator-token"
)
MOTCUA_NATIONAL_PORTAL_TIMEOUT = float(env.get("NATIONAL_PORTAL_TIMEOUT", "10"))
# The provincial integration axis (LGSP) for official documents (motcua.integrations.lgsp); empty URL: off.
MOTCUA_LGSP_URL = env.get("LGSP_URL", "http://127.0.0.1:8706").rstrip("/")
MOTCUA_LGSP_TOKEN = env.get("LGSP_TOKEN", "" if IS_PRODUCTION else "motcua-lgsp-simulator-token")
MOTCUA_LGSP_TIMEOUT = float(env.get("LGSP_TIMEOUT", "30"))
MOTCUA_LGSP_AGENCIES = env.get("LGSP_AGENCIES", "")
# Outbound deliveries (motcua.integrations.outbox): backoff and attempts before a dead letter.
MOTCUA_INTEGRATIONS_RETRY = env.get("INTEGRATIONS_RETRY", "first=30,longest=3600,attempts=10")
# Periodic jobs every `motcua worker` runs (motcua.core.periodic): seconds between scheduler ticks, and a
# JSON object replacing jobs' intervals in seconds (0 turns a job off), e.g. {"lgsp_receive": 300}.
MOTCUA_PERIODIC_TICK = float(env.get("PERIODIC_TICK", "15"))
MOTCUA_PERIODIC_INTERVALS = env.get("PERIODIC_INTERVALS", "")

MOTCUA_PUBLIC_URL = env.get("PUBLIC_URL", "http://127.0.0.1:8000")
MOTCUA_SHARED_DATA = Path(env.get("MOTCUA_SHARED_DATA", str(BASE_DIR.parent / "shared" / "data")))
MOTCUA_OFFICE_HOURS = env.get("OFFICE_HOURS", "07:30-11:30,13:30-17:30")
MOTCUA_FEEDBACK_DEADLINES = env.get("FEEDBACK_DEADLINES", "accept=2,info=5,answer=15,publish=2")
# A JSON file replacing the report formulas' weights and thresholds (motcua.reports.configuration).
REPORTS_CONFIG = env.get("REPORTS_CONFIG", "")
MOTCUA_TRUST_ROOTS = [p.strip() for p in env.get("MOTCUA_TRUST_ROOTS", "").split(",") if p.strip()]
# Online fees (motcua.payments) through the payment gateway; off when the shared secret is empty.
MOTCUA_PAYMENT_GATEWAY_URL = env.get("PAYMENT_GATEWAY_URL", "http://127.0.0.1:8703").rstrip("/")
MOTCUA_PAYMENT_MERCHANT_CODE = env.get("PAYMENT_MERCHANT_CODE", "MOTCUA-LANGSON")
MOTCUA_PAYMENT_SECRET = env.get("PAYMENT_SECRET", "" if IS_PRODUCTION else "motcua-payment-simulator-secret")
MOTCUA_PAYMENT_TIMEOUT = float(env.get("PAYMENT_TIMEOUT", "10"))
MOTCUA_PAYMENT_CALLBACK_MAX_AGE = int(env.get("PAYMENT_CALLBACK_MAX_AGE", "900"))

# `make bench` routes /_floor/json and /_floor/insert (motcua.core.floors); never on in a real deployment.
MOTCUA_BENCH_FLOORS = env.get_bool("MOTCUA_BENCH_FLOORS", False)

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env.get_bool("SECURE_SSL", IS_PRODUCTION):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get("LOG_LEVEL", "INFO")},
    "loggers": {"weasyprint.progress": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
