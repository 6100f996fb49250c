"""Settings, read from the environment.

Everything has a default that runs the demo on SQLite from a fresh checkout;
production sets DATABASE_URL, SECRET_KEY and friends (see deploy/xiangli.env.example).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.getenv("XIANGLI_VAR_DIR", BASE_DIR.parent / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def envbool(name: str, default: str = "False") -> bool:
    return os.getenv(name, default).lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.getenv(name, str(default)))


def envsecret(name: str, filename: str, length: int = 50) -> str:
    """A secret from NAME, or the file NAME_FILE, or one generated once into var/."""
    if value := os.getenv(name):
        return value
    if path := os.getenv(f"{name}_FILE"):
        return Path(path).read_text().strip()
    local = VAR_DIR / filename
    if not local.exists():
        local.write_text(secrets.token_urlsafe(length))
        local.chmod(0o600)
    return local.read_text().strip()


SECRET_KEY = envsecret("SECRET_KEY", "secret_key")
DEBUG = envbool("DEBUG")
ALLOWED_HOSTS = os.getenv("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Keys for personal data at rest (ID numbers, phones). A comma list: the first
# encrypts, all decrypt, so a key is rotated by putting a new one in front and
# running `manage.py rotate_personal_data`.
FIELD_ENCRYPTION_KEYS = [
    k.strip() for k in envsecret("FIELD_ENCRYPTION_KEYS", "field_keys", 32).split(",") if k.strip()
]
# The key of the keyed hash that finds an ID number or phone by exact value.
FIELD_HASH_KEY = envsecret("FIELD_HASH_KEY", "field_hash_key", 32)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "xiangli.areas",
    "xiangli.people",
    "xiangli.workdays",
    "xiangli.catalog",
    "xiangli.cases",
    "xiangli.notifications",
    "xiangli.api",
    "xiangli.front",
    "xiangli.audit",
    "xiangli.open311",
    "xiangli.volunteers",
    "xiangli.organisations",
    "xiangli.points",
    "xiangli.activities",
    "xiangli.rooms",
    "xiangli.disclosure",
    "xiangli.polls",
    "xiangli.sampling",
    "xiangli.tips",
    "xiangli.policies",
    "xiangli.metrics",
    "xiangli.ratings",
    "xiangli.dispatch",
    "xiangli.screens",
    "xiangli.roster",
    "xiangli.demo",
    "xiangli.ops",
    "xiangli.citygen",
]

MIDDLEWARE = [
    "xiangli.ops.metrics.MetricsMiddleware",  # first, so request latency includes every other layer
    "xiangli.ops.proxy.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "xiangli.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "xiangli.people.password_age.PasswordAgeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "xiangli.urls"
WSGI_APPLICATION = "xiangli.wsgi.application"

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
                "xiangli.front.context.nav",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'xiangli.sqlite3'}", conn_max_age=envint("CONN_MAX_AGE", 60)
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web processes read while the task worker writes; IMMEDIATE
    # takes the write lock up front so concurrent writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Server-side parameters let psycopg prepare the statements a process runs again and
    # again (from their fifth run on a connection), so PostgreSQL plans them once instead of
    # on every request: planning a case with its resident, item, village, centre and agent
    # took 2 ms of the server's CPU at city scale, four times its execution. Off behind a
    # pooler in transaction mode that cannot carry prepared statements (PgBouncer < 1.21).
    # Both options are needed: Django hands psycopg prepare_threshold=None (never prepare)
    # unless it is set, and server-side binding alone plans every statement afresh.
    prepared = envbool("DATABASE_PREPARED_STATEMENTS", "True")
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": prepared, "prepare_threshold": 5 if prepared else None}
# A PostgreSQL streaming replica (DATABASE_REPLICA_URL) takes the reads that may lag a
# few seconds: only views and blocks marked with xiangli.ops.dbrouter.on_replica()
# read there; all else, and anything that must see its own writes, uses the primary.
if replica_url := os.getenv("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(replica_url, conn_max_age=envint("CONN_MAX_AGE", 60))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
DATABASE_ROUTERS = ["xiangli.ops.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "xiangli.people.auth.PhonePasswordBackend",
    "xiangli.people.auth.SmsCodeBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "front:login"
LOGIN_REDIRECT_URL = "front:home"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
# Township staff and above (and site administrators) log in with a second factor.
# Only the demo turns this off, so that visitors can try every role.
TWO_FACTOR_FOR_SUPERVISORS = envbool("TWO_FACTOR_FOR_SUPERVISORS", "True")
# MLPS assessors may ask for periodic password change; 0 (the default) follows ASVS.
PASSWORD_MAX_AGE_DAYS = envint("PASSWORD_MAX_AGE_DAYS", 0)
SESSION_COOKIE_HTTPONLY = True

# Behind nginx (deploy/nginx.conf sets X-Real-IP): take the client's address from it.
BEHIND_PROXY = envbool("BEHIND_PROXY")

# Behind TLS (HTTPS=true): secure cookies, HSTS, redirect to https. nginx
# terminates TLS and says so in X-Forwarded-Proto.
HTTPS = envbool("HTTPS", os.getenv("SECURE_COOKIES", "False"))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
# Load balancers and Prometheus ask the app processes directly, inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^metrics$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = False
# The preload list is a browser vendor's; whether a county's government domain
# joins it is that county's decision, not a default of ours.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every script, style and image is served by Xiangli itself: nothing inline,
# nothing from elsewhere (see CONVENTIONS: no CDN).
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

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.getenv("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns at start-up when it is missing
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", VAR_DIR / "media"))
# Behind nginx: "/protected-media/" hands the sending of uploaded files to nginx's
# internal location (deploy/nginx.conf) once the app has checked who may see them.
MEDIA_ACCEL_REDIRECT = os.getenv("MEDIA_ACCEL_REDIRECT", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Attachments: photos of materials and PDFs.
ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

if redis_url := os.getenv("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions read from Redis (written through to the database, which lists a user's
# sessions on the account page) when SESSIONS_IN_CACHE is on and Redis is configured.
if redis_url and envbool("SESSIONS_IN_CACHE"):
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# /metrics (Prometheus) answers these addresses, or a request bearing METRICS_TOKEN.
METRICS_ALLOWED_ADDRESSES = os.getenv("METRICS_ALLOWED_ADDRESSES", "127.0.0.1,::1").split(",")
METRICS_TOKEN = os.getenv("METRICS_TOKEN", "")

# Background work goes through the Tasks API. Production and the demo use the
# database queue with `manage.py db_worker`; tests run tasks immediately.
TASKS = {
    "default": {
        "BACKEND": os.getenv("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": [],
    }
}

# SMS: "outbox" keeps messages in a table and the log (the default, for a centre
# without a gateway contract); "http" posts them to a gateway.
SMS_BACKEND = os.getenv("SMS_BACKEND", "outbox")
SMS_HTTP_URL = os.getenv("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = os.getenv("SMS_HTTP_TOKEN", "")
SMS_HTTP_TIMEOUT = float(os.getenv("SMS_HTTP_TIMEOUT", "5"))
SMS_SIGNATURE = os.getenv("SMS_SIGNATURE", "【乡里】")

# Escalation: an overdue case goes to the village secretary at once, and to the
# township after this many further working days.
ESCALATE_TO_TOWNSHIP_AFTER_DAYS = envint("ESCALATE_TO_TOWNSHIP_AFTER_DAYS", 2)
DUE_SOON_WORKING_DAYS = envint("DUE_SOON_WORKING_DAYS", 2)
# Online applications one resident may send in a day (a flood guard, far above real use).
ONLINE_APPLICATIONS_PER_DAY = envint("ONLINE_APPLICATIONS_PER_DAY", 10)

# The audit trail is kept this many days; `manage.py purge_audit` removes older
# entries and refuses to keep fewer than 183 (Cybersecurity Law, art. 21: six months).
AUDIT_RETENTION_DAYS = envint("AUDIT_RETENTION_DAYS", 400)
# Public participation: deadlines of tip reports and flood guards of the public forms.
TIP_ACCEPT_WORKDAYS = envint("TIP_ACCEPT_WORKDAYS", 5)
TIP_FEEDBACK_WORKDAYS = envint("TIP_FEEDBACK_WORKDAYS", 15)
TIPS_PER_ADDRESS_PER_HOUR = envint("TIPS_PER_ADDRESS_PER_HOUR", 5)
TIPS_PER_ADDRESS_PER_DAY = envint("TIPS_PER_ADDRESS_PER_DAY", 20)
SAMPLING_NOMINATIONS_PER_DAY = envint("SAMPLING_NOMINATIONS_PER_DAY", 5)
DISCLOSURE_QUESTIONS_PER_DAY = envint("DISCLOSURE_QUESTIONS_PER_DAY", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
}

SITE_NAME = _("Xiangli")
