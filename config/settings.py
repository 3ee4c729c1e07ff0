"""Nigraan settings: one file, every knob from the environment.

Embedded default (``make demo``, ``make test``): with DATABASE_URL / CELERY_BROKER_URL unset,
PostgreSQL and Redis from pip wheels are started on demand under the data directory
(``config.embedded``). Production sets both URLs and nothing embedded starts.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config import embedded
from core.admin_navigation import UNFOLD  # noqa: F401 - the admin's sidebar by role and theme

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = embedded.data_dir(BASE_DIR)
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
DEMO_SECRET_KEY = "insecure-demo-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEMO_SECRET_KEY)
# Production mode is anything that is not DEBUG; refuse to run it with the demo key.
WEAK_SECRET = SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 32
if not DEBUG and WEAK_SECRET and not env_bool("NIGRAAN_ALLOW_INSECURE_KEY", False):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random string of 32+ characters when DEBUG is off "
        "(set DEBUG=1 for local development)."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # unfold's templates and static files must come before the admin's.
    "unfold.apps.BasicAppConfig",  # keeps our own admin site class (core.admin_site)
    "unfold.contrib.filters",
    "core.apps.NigraanAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from a pinned package, not a CDN
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "core",
    "kyc",
    "compliance",
    "compliance.screening",
    "compliance.monitoring",
    "compliance.cases",
    "compliance.travel_rule",
    "compliance.workspace",
    "compliance.network",
    "compliance.rule_quality",
    "reporting",
]

MIDDLEWARE = [
    # First: a shed check (503, Retry-After) costs nothing else (compliance.monitoring).
    "compliance.monitoring.api.shedding.CheckLoadShedding",
    "django.middleware.security.SecurityMiddleware",
    # Static files (the admin's) straight from gunicorn: no separate web server to set up.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestIdMiddleware",
    "core.text_hygiene.TextHygieneMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.EnforceTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: PostgreSQL always. DATABASE_URL in production; the embedded server otherwise.
DATABASE_URL = os.environ.get("DATABASE_URL") or embedded.postgres_url(VAR_DIR)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A runaway query is cut, never holds a worker or a web process for good.
STATEMENT_TIMEOUT_MS = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "300000"))
DATABASES["default"]["OPTIONS"] = {"options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"}
# Each test run gets its own database, so concurrent runs on one server never collide.
DATABASES["default"]["TEST"] = {
    "NAME": os.environ.get(
        "TEST_DATABASE_NAME", f"test_{DATABASES['default']['NAME']}_{os.getpid()}"
    )
}
# Dashboards, exports and statistics may read from a replica (DATABASE_REPLICA_URL).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Lockout after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30")))
# A user name is locked only from the address that failed (nobody elsewhere can lock the MLRO
# out); an address is locked after LOGIN_IP_FAILURE_LIMIT failures across user names (password
# spraying), a higher limit since officers share an office NAT (core.login_guard).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("LOGIN_IP_FAILURE_LIMIT", "20"))
AXES_HANDLER = "core.login_guard.LoginGuard"
AXES_ENABLE_ADMIN = False  # core's admin lists lockouts, with an audited Unlock action
AXES_RESET_ON_SUCCESS = True
# Roles that must log in with a TOTP device (two-factor enforced).
TWO_FACTOR_REQUIRED_GROUPS = env_list("TWO_FACTOR_REQUIRED_GROUPS", "MLRO,Admin")
OTP_TOTP_ISSUER = "Nigraan"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "Asia/Karachi"  # display; storage is UTC because USE_TZ is on
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
# The demo serves static files from the apps' folders; production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Security: safe production defaults.
HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# PII encryption keys (Fernet, urlsafe base64 32 bytes), comma-separated: the first encrypts,
# all decrypt, so a key can be rotated in without downtime (then `rotate_pii_key`).
PII_KEYS = env_list("PII_KEYS")
PII_HASH_KEY = os.environ.get("PII_HASH_KEY", "")
if not PII_KEYS:
    if not DEBUG and not env_bool("NIGRAAN_ALLOW_INSECURE_KEY", False):
        raise ImproperlyConfigured("PII_KEYS must be set when DEBUG is off.")
    PII_KEYS = ["ZGVtby1waWkta2V5LWRvLW5vdC11c2UtaW4tcHJvZDA="]  # demo only
if not PII_HASH_KEY:
    PII_HASH_KEY = "demo-pii-hash-key"

# Django REST framework
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["core.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.HasScope"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.CleanJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": None,
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.ApiKeyThrottle",
        "core.api.throttling.AnonymousThrottle",
    ],
}
# Requests per API key / per address without a key ("6000/min", "100/s"; "off" disables).
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "6000/min")
API_ANON_RATE_LIMIT = os.environ.get("API_ANON_RATE_LIMIT", "600/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "Nigraan API",
    "DESCRIPTION": "Compliance platform for virtual-asset exchanges serving Pakistani users.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema_errors.add_error_responses",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # One named enum per vocabulary, whichever serializer uses it.
    "ENUM_NAME_OVERRIDES": {
        "TransactionKindEnum": "compliance.monitoring.models.Transaction.Kind",
        "TransactionKindInEnum": "compliance.monitoring.intake.KINDS",
        "TransactionChannelEnum": "compliance.monitoring.models.Transaction.Channel",
        "TransactionChannelInEnum": "compliance.monitoring.intake.CHANNELS",
        "TransactionStatusEnum": "compliance.monitoring.models.Transaction.Status",
        "DocumentKindEnum": "kyc.vocabularies.DocumentKind",
    },
    # The contract is public; the endpoints it describes are not.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
}

# Celery: always a real broker and worker. CELERY_BROKER_URL in production; embedded Redis
# otherwise. Unit tests that want tasks in-process switch eager mode on themselves.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or embedded.redis_url(VAR_DIR / "redis")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "300"))
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "240"))
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "compliance.screening.*": {"queue": "screening"},
    "compliance.onboarding.*": {"queue": "screening"},
    "compliance.monitoring.*": {"queue": "monitoring"},
    # The customer network follows monitoring's intake on a queue of its own: link analysis
    # of an out-of-order backfill reads a month of flows per batch, and must not hold up the
    # screening of the transactions themselves (measured: it took half the monitoring
    # workers' time when both shared the queue).
    "compliance.network.*": {"queue": "network"},
    "compliance.rule_quality.*": {"queue": "monitoring"},
    "reporting.*": {"queue": "reports"},
    "core.webhooks.*": {"queue": "webhooks"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 3,
    "interval_start": 0,
    "interval_step": 0.5,
    # Redis: a message taken by a worker that died is delivered again after this many seconds.
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "600")),
}
# Heartbeats of workers and beat, read by /health/.
HEARTBEAT_SECONDS = float(os.environ.get("HEARTBEAT_SECONDS", "10"))
HEARTBEAT_STALE_SECONDS = float(os.environ.get("HEARTBEAT_STALE_SECONDS", "60"))
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "beat-tick": {"task": "core.beat_tick", "schedule": HEARTBEAT_SECONDS},
    "deliver-webhooks": {"task": "core.webhooks.deliver_due", "schedule": 30.0},
    "sweep-pending-transactions": {
        "task": "compliance.monitoring.sweep_pending",
        "schedule": 60.0,
    },
    # Check holds past their expiry get their fate written down (they already stopped counting).
    "expire-check-holds": {"task": "compliance.monitoring.expire_holds", "schedule": 60.0},
    # Alerts and hits whose grouping signal was lost still reach a case.
    "group-case-items": {"task": "compliance.cases.group_new_items", "schedule": 60.0},
    # Submitted customers whose assessment task was lost are assessed anyway.
    "sweep-submitted-customers": {
        "task": "compliance.onboarding.sweep_submitted",
        "schedule": 60.0,
    },
    # Nothing is left half-way when a message is lost or a worker dies: each sweeper drives on
    # what its task would have done (all of them idempotent).
    "sweep-rescreens": {"task": "compliance.screening.sweep_rescreens", "schedule": 300.0},
    "sweep-backtests": {"task": "compliance.monitoring.sweep_backtests", "schedule": 300.0},
    "sweep-tuning": {"task": "compliance.rule_quality.sweep_tuning", "schedule": 300.0},
    "sweep-lost-drafts": {"task": "reporting.sweep_lost_drafts", "schedule": 300.0},
    # Customers and transactions whose network update was lost still reach the graph.
    "network-catch-up": {"task": "compliance.network.catch_up", "schedule": 600.0},
    "open-due-reviews": {"task": "kyc.open_due_reviews", "schedule": crontab(minute=15, hour=1)},
    "generate-ctrs": {"task": "reporting.generate_ctrs", "schedule": crontab(minute=0, hour="*")},
    # A real goAML adapter answers later; poll for acknowledgements and rejections.
    "fetch-filing-outcomes": {"task": "reporting.fetch_outcomes", "schedule": 900.0},
    "report-deadlines": {"task": "reporting.alert_overdue", "schedule": crontab(minute=30)},
    # Travel rule: inquiries whose send task was lost or is due a retry; received data whose
    # incoming transaction arrived after it.
    "travel-rule-send-due": {"task": "compliance.travel_rule.send_due_transfers", "schedule": 60.0},
    "travel-rule-hold-overdue": {"task": "compliance.travel_rule.hold_overdue", "schedule": 300.0},
    "travel-rule-match-incoming": {
        "task": "compliance.travel_rule.match_incoming",
        "schedule": 300.0,
    },
    # Labels a lost signal missed, then the pre-aggregated rule-quality figures.
    "refresh-rule-quality": {"task": "compliance.rule_quality.refresh", "schedule": 600.0},
    "import-watchlists": {
        "task": "compliance.screening.import_scheduled_lists",
        "schedule": crontab(minute=0, hour="*/6"),
    },
}

# Sweepers: how long a piece of work may wait before it is taken for lost and driven on.
ONBOARDING_SWEEP_AFTER_SECONDS = int(os.environ.get("ONBOARDING_SWEEP_AFTER_SECONDS", "120"))
RESCREEN_SWEEP_AFTER_SECONDS = int(os.environ.get("RESCREEN_SWEEP_AFTER_SECONDS", "1800"))
BACKTEST_SWEEP_AFTER_SECONDS = int(os.environ.get("BACKTEST_SWEEP_AFTER_SECONDS", "900"))

# Integrations (adapters): sandbox implementations are the defaults.
IDENTITY_PROVIDER = os.environ.get("IDENTITY_PROVIDER", "kyc.verification.SandboxVerisys")
GOAML_SUBMITTER = os.environ.get("GOAML_SUBMITTER", "reporting.submission.SandboxGoAML")
GOAML_DROP_DIR = Path(os.environ.get("GOAML_DROP_DIR", VAR_DIR / "goaml-drop"))
WATCHLIST_SOURCES = os.environ.get("WATCHLIST_SOURCES", "")  # "un=/path/or/url,ofac_sdn=..."
DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = DOCUMENT_MAX_BYTES + 1024 * 1024
# Content-Security-Policy (django-csp) on every page, the admin and the API docs included:
# scripts only from this origin (no inline script: the Swagger UI starts from its own file);
# 'unsafe-eval' because the admin's theme (unfold) runs Alpine.js, which evaluates its x-*
# attributes; inline styles are allowed for the admin's and the reports' style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# API request bodies: larger -> 413, nested deeper -> 400 (core.api.parsers).
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(5 * 1024 * 1024)))
API_MAX_JSON_DEPTH = int(os.environ.get("API_MAX_JSON_DEPTH", "32"))
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "5"))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "8"))
# Webhook targets: https only and public addresses only, unless these say otherwise (DEBUG).
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", DEBUG)
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", DEBUG)
# After a secret rotation the previous secret also signs for this long.
WEBHOOK_SECRET_OVERLAP_HOURS = float(os.environ.get("WEBHOOK_SECRET_OVERLAP_HOURS", "24"))

# E-mail (overdue-filing notices to the MLRO): console in development, SMTP otherwise.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "nigraan@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
    },
}
